"""Agreement speed and memory: ``repo.agreement_report()`` over 10,000 documents × 3 annotators.

Setup (cached in ``benchmarks/out/``, which git ignores): a project of short German and
English battery-news sentences generated from templates with their tokens known (no
tokenizer runs), stored through ``ProjectRepository.import_batch`` (``storage.bulk``): every
document gets three accepted versions, each the template's spans with some dropped,
relabelled or widened by a token, so that the annotators disagree now and then.

The measurement runs in its own process, so that its peak RSS is its own: open the project,
time ``agreement_report()`` (and, for information, ``review_queue()``). Target: under 5 s.
Last stdout line: one JSON object with ``seconds``, ``peak_rss_mb``, ``docs``,
``annotators``, ``pairs`` and ``review_queue_seconds``. Usage:
``uv run python benchmarks/bench_agreement.py`` (``--docs N`` for another size).
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
GENERATOR_VERSION = 1
ANNOTATORS = ("ana", "ben", "cleo")
BATCH = 1000

ENTITIES = {
    "ORG": ["CATL", "Northvolt", "BYD", "LG Energy Solution", "Samsung SDI", "Umicore"],
    "LOC": ["Arnstadt", "Nevada", "Salzgitter", "Grünheide", "Ningde", "Skellefteå"],
    "CHEMISTRY": ["LFP", "NMC 811", "Natrium-Ionen", "LMFP"],
    "PRODUCT": ["Blade", "Qilin", "4680", "ID.3"],
}
FILLER = {
    "de": "baut liefert plant meldet die der eine neue Fabrik für Zellen mit Kapazität im Jahr",
    "en": "builds supplies plans reports the a new plant for cells with capacity in year",
}


def peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM`` on Linux: ``ru_maxrss`` would count
    the parent's memory at the fork)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_document(
    rng: random.Random, number: int
) -> tuple[str, str, list[tuple[int, int, bool]], list[tuple[int, int, str]]]:
    """Language, text, tokens (start, end, ws) and entity spans of one document."""
    lang = "de" if number % 2 else "en"
    words: list[tuple[str, str | None]] = []
    for sentence in range(3):
        for _ in range(3):
            label = rng.choice(list(ENTITIES))
            words.extend((w, None) for w in rng.sample(FILLER[lang].split(" "), 3))
            words.append((rng.choice(ENTITIES[label]), label))
        words.extend((w, None) for w in rng.sample(FILLER[lang].split(" "), 2))
        words.extend([(f"{number}-{sentence}", None), (".", None)])
    text = ""
    tokens: list[tuple[int, int, bool]] = []
    spans: list[tuple[int, int, str]] = []
    for index, (phrase, label) in enumerate(words):
        glue = "" if index == len(words) - 1 or words[index + 1][0] == "." else " "
        start = len(text)
        pieces = phrase.split(" ")
        for i, piece in enumerate(pieces):
            inner = i < len(pieces) - 1
            begin = len(text)
            text += piece + (" " if inner else "")
            tokens.append((begin, begin + len(piece), inner or bool(glue)))
        if label is not None:
            spans.append((start, len(text), label))
        text += glue
    return lang, text, tokens, spans


def annotate(
    rng: random.Random, spans: list[tuple[int, int, str]], ends: list[int]
) -> list[tuple[int, int, str]]:
    """One annotator's version: mostly the template, sometimes not."""
    result = []
    for start, end, label in spans:
        roll = rng.random()
        if roll < 0.06:
            continue  # missed
        if roll < 0.10:
            label = rng.choice([x for x in ENTITIES if x != label])
        elif roll < 0.14:
            later = [e for e in ends if e > end]
            end = later[0] if later else end  # one token too far
        result.append((start, end, label))
    return result


def build_project(path: Path, docs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from core.documents import Status
    from core.spans import Span, Token
    from storage.bulk import ImportEntry, NewAnnotation
    from storage.repository import ProjectRepository
    from storage.rows import NewDocument

    partial = path.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    rng = random.Random(20251203)
    with ProjectRepository.open(partial) as repo:

        def store(entries: list[ImportEntry]) -> None:
            failed = [r for r in repo.import_batch(entries) if isinstance(r, str)]
            if failed:
                sys.exit(f"generation failed: {failed[0]}")

        entries: list[ImportEntry] = []
        for number in range(docs):
            lang, text, flat, spans = generate_document(rng, number)
            document = NewDocument(
                text=text,
                tokens=[Token(text[s:e], s, e, ws) for s, e, ws in flat],
                tokenizer_version="bench",
                language=lang,
                source="bench",
            )
            ends = [e for _, e, _ in flat]
            for name in ANNOTATORS:
                version = [Span(s, e, label) for s, e, label in annotate(rng, spans, ends)]
                entries.append(ImportEntry(document, NewAnnotation(name, Status.ACCEPTED, version)))
            if len(entries) >= BATCH * len(ANNOTATORS):
                store(entries)
                entries.clear()
        store(entries)
    partial.replace(path)


def run_one(project: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from storage.repository import ProjectRepository

    with ProjectRepository.open(project) as repo:
        start = time.perf_counter()
        report = repo.agreement_report()
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        queue = repo.review_queue()
        queue_seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "docs": len(report.documents),
        "annotators": len({name for pair in report.pairs for name in (pair.a, pair.b)}),
        "pairs": len(report.pairs),
        "f1": round(report.overall["f1"], 4),
        "kappa": round(report.overall["kappa"], 4),
        "alpha": round(report.overall["alpha"], 4),
        "review_queue_seconds": round(queue_seconds, 3),
        "review_queue_items": len(queue),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(Path(sys.argv[2]))))
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks.machine import announce

    setup = announce("bench_agreement")
    docs = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 10_000
    OUT.mkdir(parents=True, exist_ok=True)
    project = OUT / f"agreement-bench-v{GENERATOR_VERSION}-{docs}.sqlite"
    if not project.exists():
        start = time.perf_counter()
        build_project(project, docs)
        print(f"generated {project} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(project)], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"measurement failed:\n{done.stderr}")
    print(json.dumps({**json.loads(done.stdout.strip().splitlines()[-1]), "setup": setup}))


if __name__ == "__main__":
    main()
