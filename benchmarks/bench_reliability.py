"""Reliability figures of issue 14 in one JSON line: hostile files, kill trials, concurrent
writers.

* Hostile files: hypothesis-generated files for every reader (``tests/reliability/
  hostile_files.py``), in batches, plus crafted ones up to the limits (a YAML billion laughs,
  front matter near the size limit, a text at the 2-million-character limit, a JSONL of
  distinct records, deeply nested HTML and a CoNLL file of ``--big-mb`` MB each, 49 by
  default: the file limit is 50), each imported in a child process limited to 1 GB of
  address space (``tests/reliability/hostile_child.py``). Counted: crashes (an exception
  escaped, or the child died), partial imports (a one-document file half stored), refusals
  that do not name the file, files past the time bound, and the worst child's peak RSS.
* Kill trials: ``import``, ``export`` and ``merge`` SIGKILLed at random moments
  (``tests/reliability/kill_trials.py``); bad outcomes are a damaged project, a document
  without all its spans, a truncated export, a temp file left after the next export.
* Concurrent writers: 4 processes × 2,000 edits on SQLite and, when KATHODE_TEST_PG_URL names
  a server, PostgreSQL, with one shared annotator and with one each; errors and lost edits.

Usage: ``uv run python benchmarks/bench_reliability.py`` (``--trials N``, ``--edits N``,
``--batches N`` to change the sizes; ``--seed``). Targets: 0 crashes, 0 partial, peak RSS
≤ 500 MB, 0 bad kill outcomes, 0 errors, 0 lost.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.concurrency import run_writers  # noqa: E402
from tests.reliability.kill_trials import export_trials, import_trials, merge_trials  # noqa: E402
from tests.reliability.test_reliability_hostile_files import (  # noqa: E402
    SINGLE_DOCUMENT,
    import_in_child,
    write_batch,
)

MB = 1 << 20


def crafted_files(folder: Path, big_mb: int = 49) -> list[Path]:
    """Hostile files up to the readers' limits, one per child (each its own peak RSS)."""
    from tests.reliability.test_reliability_readers import billion_laughs

    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    def write(name: str, data: bytes) -> None:
        sub = folder / name.replace(".", "_")
        sub.mkdir()
        (sub / name).write_bytes(data)
        made.append(sub)

    write("laughs.md", billion_laughs().encode())
    write("front-matter-limit.md", ("---\n" + "k: [v]\n" * 9360 + "---\nText.\n").encode())
    words = "Northvolt liefert LFP-Zellen an BMW und GMs Werk in Heide. "
    write("long.txt", (words * (1_990_000 // len(words))).encode())
    lines, size, i = [], 0, 0
    while size < big_mb * MB:  # distinct records: none is a duplicate of another
        line = json.dumps({"text": f"{i}: " + words * 4, "label": [[0, len(str(i)), "ORG"]]})
        lines.append(line)
        size, i = size + len(line) + 1, i + 1
    write("big.jsonl", ("\n".join(lines) + "\n").encode())
    write("nested.html", ("<div>" * 2_000_000 + "Zellen" + "</div>" * 100).encode()[: big_mb * MB])
    sentences, size, i = [], 0, 0
    while size < big_mb * MB:
        sentence = f"Werk{i} B-ORG\nliefert O\nZellen O\n"
        sentences.append(sentence)
        size, i = size + len(sentence) + 1, i + 1
    write("big.conll", "\n".join(sentences).encode())
    return made


def hostile(work: Path, batches: int, big_mb: int) -> dict[str, object]:
    from hypothesis.errors import NonInteractiveExampleWarning

    from tests.reliability.hostile_files import READERS

    reports = []
    for sub in crafted_files(work / "crafted", big_mb):
        report = import_in_child(sub)
        reports.append(report)
        for name, outcome in report["files"].items():  # type: ignore[attr-defined]
            print(f"{name}: {outcome['outcome']} in {outcome.get('seconds')} s, "
                  f"peak {report['peak_rss_mb']} MB", file=sys.stderr)  # fmt: skip
    warnings.simplefilter("ignore", NonInteractiveExampleWarning)
    for reader, strategy in sorted(READERS.items()):
        for batch in range(batches):
            folder = work / f"{reader}-{batch}"
            write_batch(folder, [strategy.example() for _ in range(25)])
            reports.append(import_in_child(folder))
    outcomes = [o for r in reports for o in r["files"].values()]  # type: ignore[attr-defined]
    names = [n for r in reports for n in r["files"]]  # type: ignore[attr-defined]
    partial_single = sum(
        o["outcome"] == "partial" and Path(n).suffix in SINGLE_DOCUMENT
        for n, o in zip(names, outcomes, strict=True)
    )
    return {
        "files": len(outcomes),
        "crashes": sum(o["outcome"] == "crash" for o in outcomes),
        "partial": partial_single,
        "errors_without_file": sum(o["outcome"] == "bad-error" for o in outcomes),
        "slow": sum(o["outcome"] == "slow" for o in outcomes),
        "imported": sum(o["outcome"] == "imported" for o in outcomes),
        "refused": sum(o["outcome"] == "refused" for o in outcomes),
        "records_kept_and_refused": sum(o["outcome"] == "partial" for o in outcomes)
        - partial_single,
        "worst_seconds": max(float(o.get("seconds", 0)) for o in outcomes),
        "peak_rss_mb_worst": max(float(r["peak_rss_mb"]) for r in reports),  # type: ignore[arg-type]
    }


def kills(work: Path, trials: int, seed: int) -> dict[str, object]:
    result: dict[str, object] = {}
    for run in (import_trials, export_trials, merge_trials):
        folder = work / run.__name__
        folder.mkdir()
        report = run(folder, trials, random.Random(seed))
        result[report.command] = {
            "trials": report.trials,
            "killed_while_running": report.killed,
            "bad": len(report.bad),
            "bad_examples": report.bad[:3],
        }
    return result


def _postgres_database() -> tuple[str, str] | None:
    admin = os.environ.get("KATHODE_TEST_PG_URL")
    if not admin:
        return None
    import psycopg

    name = f"kathode_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin, name


def _drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def writers(work: Path, edits: int) -> dict[str, object]:
    result: dict[str, object] = {}
    for shared in (True, False):
        kind = "shared" if shared else "separate"
        outcome = run_writers(str(work / f"writers-{kind}.kathode"), edits=edits, shared=shared)
        result[f"sqlite_{kind}"] = {
            "edits": outcome.edits, "errors": len(outcome.errors), "lost": outcome.lost,
        }  # fmt: skip
        database = _postgres_database()
        if database is None:
            continue
        admin, name = database
        try:
            url = f"{admin.rpartition('/')[0]}/{name}"
            outcome = run_writers(url, edits=edits, shared=shared)
        finally:
            _drop(admin, name)
        result[f"postgresql_{kind}"] = {
            "edits": outcome.edits,
            "errors": len(outcome.errors),
            "lost": outcome.lost,
            "error_examples": outcome.errors[:2],
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=4, help="hypothesis batches per reader")
    parser.add_argument("--trials", type=int, default=20, help="kill trials per command")
    parser.add_argument("--edits", type=int, default=2000, help="edits per writer process")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--big-mb", type=int, default=49, help="size of the big crafted files (limit: 50)"
    )
    parser.add_argument("--allow-busy", action="store_true", help="run on a loaded machine")
    args = parser.parse_args()
    from benchmarks.machine import announce

    setup = announce("bench_reliability", ["--allow-busy"] if args.allow_busy else [])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kathode-reliability-") as folder:
        work = Path(folder)
        (work / "hostile").mkdir()
        (work / "kills").mkdir()
        (work / "writers").mkdir()
        figures = {
            "hostile": hostile(work / "hostile", args.batches, args.big_mb),
            "kill_trials": kills(work / "kills", args.trials, args.seed),
            "concurrent": writers(work / "writers", args.edits),
        }
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["setup"] = setup
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
