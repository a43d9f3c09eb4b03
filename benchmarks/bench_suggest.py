"""Benchmark: batch suggestions through Kathode's default suggesters against bare ``nlp.pipe``.

Texts: the 170 English posts in ``../shared/data/battery-news-en`` (front matter cut off
crudely) and the GermEval 2014 dev sentences (rebuilt from their tokens). Each language goes
through ``default_suggester(lang)``; the bare run pipes the same texts through the same
spaCy pipelines with the same batch sizes and only consumes the docs (English: the rules
pipeline; German: the rules pipeline and the de-news pipeline, as the default runs both).
The difference is Kathode's own work: chunking, span conversion, trimming, overlap rules.

Latency: one 800-word German article (dev sentences in paragraphs) through the German
default suggester (rules + de-news), and one 800-word English post through the English one.

Run: ``uv run python benchmarks/bench_suggest.py``. Progress goes to stderr; the last stdout
line is one JSON object with ``words_per_s``, ``bare_words_per_s``, ``ratio``, ``p50_ms`` and
``p95_ms``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import announce  # noqa: E402
from nlp.suggesters import default_suggester  # noqa: E402
from nlp.suggesters.combine import CombinedSuggester  # noqa: E402
from nlp.training import read_germeval_conll, sentence_text  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
REPEATS = 3
LATENCY_RUNS = 30


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def english_posts() -> list[str]:
    posts = []
    for path in sorted((SHARED / "battery-news-en").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[end + 4 :] if end != -1 else text
        posts.append(text.strip())
    return posts


def german_sentences() -> list[str]:
    return [
        sentence_text(s) for s in read_germeval_conll(SHARED / "germeval2014" / "NER-de-dev.tsv")
    ]


def words(texts: Sequence[str]) -> int:
    return sum(len(t.split()) for t in texts)


def best_time(run: Callable[[], object]) -> float:
    """The fastest of REPEATS runs (the machine is shared; the minimum is the least noisy)."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def bare_run(suggester: CombinedSuggester, texts: Sequence[str]) -> Callable[[], object]:
    """Pipe ``texts`` through each member's spaCy pipeline, as the suggester does, and only
    consume the docs."""

    def run() -> object:
        for member in suggester.members:
            nlp, batch_size = member.nlp, member.batch_size  # type: ignore[attr-defined]
            for _ in nlp.pipe(texts, batch_size=batch_size):
                pass
        return None

    return run


def article(texts: Sequence[str], n_words: int) -> str:
    """About ``n_words`` words of ``texts``, five sentences or lines to a paragraph."""
    chosen: list[str] = []
    count = 0
    for text in texts:
        if count >= n_words:
            break
        chosen.append(text)
        count += len(text.split())
    paragraphs = [" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5)]
    return "\n\n".join(paragraphs)


def latency_ms(suggester: CombinedSuggester, text: str) -> list[float]:
    suggester.suggest([text])  # warm
    times = []
    for _ in range(LATENCY_RUNS):
        started = time.perf_counter()
        suggester.suggest([text])
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    if not SHARED.is_dir():
        progress(f"bench_suggest: {SHARED} is absent; nothing to measure")
        return 2
    setup = announce("bench_suggest")
    corpora = {"en": english_posts(), "de": german_sentences()}
    total_words = 0
    kathode_seconds = bare_seconds = 0.0
    suggesters: dict[str, CombinedSuggester] = {}
    per_language: dict[str, dict[str, float]] = {}
    for lang, texts in corpora.items():
        progress(f"{lang}: loading default suggester")
        suggester = default_suggester(lang)
        assert isinstance(suggester, CombinedSuggester)
        suggesters[lang] = suggester
        n_words = words(texts)
        progress(
            f"{lang}: {len(texts)} texts, {n_words} words, "
            f"members {[m.name for m in suggester.members]}"
        )
        suggester.suggest(texts[:20])  # warm
        spans = suggester.suggest(texts)
        progress(f"{lang}: {sum(map(len, spans))} suggestions")
        bare = best_time(bare_run(suggester, texts))
        ours = best_time(lambda s=suggester, t=texts: s.suggest(t))
        progress(
            f"{lang}: kathode {n_words / ours:,.0f} words/s, "
            f"bare nlp.pipe {n_words / bare:,.0f} words/s"
        )
        per_language[lang] = {
            "words": n_words,
            "words_per_s": round(n_words / ours),
            "bare_words_per_s": round(n_words / bare),
            "ratio": round(bare / ours, 3),
        }
        total_words += n_words
        kathode_seconds += ours
        bare_seconds += bare

    progress("latency: 800-word articles")
    german = latency_ms(suggesters["de"], article(corpora["de"], 800))
    long_posts = [p for p in corpora["en"] if len(p.split()) >= 800]
    english_text = (
        " ".join(long_posts[0].split(" ")[:800]) if long_posts else article(corpora["en"], 800)
    )
    english = latency_ms(suggesters["en"], english_text)
    result = {
        "words_per_s": round(total_words / kathode_seconds),
        "bare_words_per_s": round(total_words / bare_seconds),
        "ratio": round(bare_seconds / kathode_seconds, 3),
        "p50_ms": round(statistics.median(german), 1),
        "p95_ms": round(percentile(german, 0.95), 1),
        "latency_text": "800-word German article, default suggester (rules + de-news)",
        "en_p50_ms": round(statistics.median(english), 1),
        "en_p95_ms": round(percentile(english, 0.95), 1),
        "per_language": per_language,
        "setup": setup,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
