"""Benchmark: the bundled ``de-news`` pipeline against another version of it, in one run.

Loads each pipeline (time to load) and pipes the GermEval 2014 dev sentences through it
``REPEATS`` times (best words per second), alternating the two, so both see the same machine.
The baseline is a pipeline directory, e.g. the 1.0.0 model from git::

    mkdir -p /tmp/de-news-1.0.0 && git archive 8ed9fd7 resources/models/de-news \\
        | tar -x -C /tmp/de-news-1.0.0 --strip-components=3
    uv run python benchmarks/bench_de_news.py /tmp/de-news-1.0.0

The last stdout line is one JSON object with both figures and ``speed_ratio`` (bundled /
baseline words per second).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import announce  # noqa: E402
from nlp.suggesters.models import DE_NEWS_DIR  # noqa: E402
from nlp.suggesters.pipelines import load_pipeline, use_project_tokenizer  # noqa: E402
from nlp.training import iter_texts, read_germeval_conll  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "germeval2014" / "NER-de-dev.tsv"
REPEATS = 3


def measure(path: Path, texts: list[str], words: int) -> tuple[float, float]:
    started = time.perf_counter()
    nlp = load_pipeline("bench", path)
    load = time.perf_counter() - started
    use_project_tokenizer(nlp, "de")
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        best = min(best, time.perf_counter() - started)
    return load, words / best


def main() -> int:
    arguments = [a for a in sys.argv[1:] if a != "--allow-busy"]
    if len(arguments) != 1 or not Path(arguments[0]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    if not DEV.is_file():
        print(f"bench_de_news: {DEV} not found (needs ../shared/data)", file=sys.stderr)
        return 2
    setup = announce("bench_de_news")
    baseline = Path(arguments[0])
    texts = list(iter_texts(read_germeval_conll(DEV)))
    words = sum(len(text.split()) for text in texts)
    figures: dict[str, list[tuple[float, float]]] = {"bundled": [], "baseline": []}
    for _ in range(2):
        for name, path in (("baseline", baseline), ("bundled", DE_NEWS_DIR)):
            figures[name].append(measure(path, texts, words))
            print(name, figures[name][-1], file=sys.stderr, flush=True)
    result = {
        name: {
            "load_s": round(min(load for load, _ in runs), 3),
            "words_per_s": round(max(speed for _, speed in runs)),
        }
        for name, runs in figures.items()
    }
    result["speed_ratio"] = round(
        result["bundled"]["words_per_s"] / result["baseline"]["words_per_s"], 3
    )
    result["words"] = words
    result["setup"] = setup
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
