"""Import speed and memory: Kathode's importer against a bare sqlite3 floor, same texts.

Input: the 170 English posts in ../shared/data/battery-news-en/ and the 24,000 sentences of
../shared/data/germeval2014/train-outer.tsv (one document each, with their entities).
Each measurement runs in its own process so that its peak RSS is its own:

* ``kathode``: ``import_paths`` into a fresh project file (tokens, spans, annotations);
* ``kathode-half``: the same with only the first half of the sentences, to show that memory
  does not grow with the input;
* ``floor``: read the same files with the least parsing that yields the same texts (front
  matter cut off, the TSV read with ``csv``), then one ``executemany`` into a one-table file;
* ``floor-tokens``: the floor plus spaCy's blank tokenizer on every text and the token
  offsets stored as JSON — the least any importer that keeps tokens must do (one core);
* ``cli-import``: what a user waits for — ``main.py import`` in a new process (all cores) of
  the spans file: the same 24,168 documents as doccano-shaped JSONL with their 29,076 spans,
  written by Kathode's own readers (the posts with an empty label list);
* ``cli-one``: ``main.py import`` of a one-record file into a new project;
* ``cli-stats``: ``main.py stats`` on the project ``cli-import`` made (24k documents).
Each ``cli-`` figure is the median of three runs.

The kathode measurements use all cores (``--jobs`` default); the floors use one. Every
measured process runs with Python's bytecode cache (warmed first), as a user's does, even
where the shell sets PYTHONDONTWRITEBYTECODE.
It prints its set-up (cores, load average, CPU steal, core speed, Python) first, on stderr,
and refuses a busy machine (``benchmarks/machine.py``; ``--allow-busy`` overrides). Last
stdout line: one JSON object with docs_per_s, floor_docs_per_s, ratio,
floor_tokens_docs_per_s, ratio_tokens, peak_rss_mb, peak_rss_half_mb, cli_import_s,
cli_one_record_s, cli_stats_s, cpus, load_1min, steal_during_run, setup.
Usage: ``uv run python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
POSTS = DATA / "battery-news-en"
SENTENCES = DATA / "germeval2014" / "train-outer.tsv"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_kathode(sentences: Path, out: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from storage.import_pool import default_jobs
    from storage.importer import import_paths
    from storage.repository import ProjectRepository

    start = time.perf_counter()
    with ProjectRepository.open(out) as repo:
        summary = import_paths(repo, [POSTS, sentences], jobs=default_jobs())
    seconds = time.perf_counter() - start
    docs = summary.documents_added + summary.duplicates
    return {
        "docs": docs,
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "refused": len(summary.refused),
    }


def run_floor(sentences: Path, out: Path) -> dict[str, float]:
    start = time.perf_counter()
    texts = []
    for post in sorted(POSTS.glob("*.md")):
        body = post.read_text(encoding="utf-8")
        if body.startswith("---"):
            body = body.split("---", 2)[2]
        texts.append((body.strip(),))
    with sentences.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        texts.extend((row[0],) for row in rows if row)
    connection = sqlite3.connect(out)
    connection.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT)")
    connection.executemany("INSERT INTO document (text) VALUES (?)", texts)
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - start
    return {"docs": len(texts), "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def run_floor_tokens(sentences: Path, out: Path) -> dict[str, float]:
    """The floor plus what any tokenizing importer must do: spaCy's tokenizer on each text
    (the blank pipelines, not Kathode's rules) and the token offsets stored as JSON."""
    import spacy

    start = time.perf_counter()
    english, german = spacy.blank("en"), spacy.blank("de")
    rows = []
    for post in sorted(POSTS.glob("*.md")):
        body = post.read_text(encoding="utf-8")
        if body.startswith("---"):
            body = body.split("---", 2)[2]
        rows.append((english, body.strip()))
    with sentences.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        rows.extend((german, row[0]) for row in reader if row)
    records = []
    for nlp, text in rows:
        doc = nlp.make_doc(text)
        offsets = [x for t in doc for x in (t.idx, t.idx + len(t), int(bool(t.whitespace_)))]
        records.append((text, json.dumps(offsets)))
    connection = sqlite3.connect(out)
    connection.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT, tokens TEXT)")
    connection.executemany("INSERT INTO document (text, tokens) VALUES (?, ?)", records)
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - start
    return {"docs": len(records), "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def write_spans_file(sentences: Path, out: Path) -> tuple[int, int]:
    """The posts and sentences as doccano JSONL with their spans, read by Kathode's readers
    (so the texts and offsets are exactly what an import of the originals stores)."""
    sys.path.insert(0, str(ROOT))
    from core.formats import read_file
    from core.records import ImportRecord

    docs = spans = 0
    with out.open("w", encoding="utf-8") as handle:
        for path in [*sorted(POSTS.glob("*.md")), sentences]:
            for record in read_file(path):
                if not isinstance(record, ImportRecord):
                    continue
                labels = [[s.start, s.end, s.label] for s in record.spans or ()]
                handle.write(json.dumps({"text": record.text, "label": labels}) + "\n")
                docs, spans = docs + 1, spans + len(labels)
    return docs, spans


# A user's Python caches compiled modules (.pyc); a shell with PYTHONDONTWRITEBYTECODE set
# recompiles spaCy and SQLAlchemy in every new process (about 2 s here). The measurements run
# as a user's would: with the cache, warmed by one run first.
RUNS = 3
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cli(*args: str) -> float:
    """Wall seconds of one ``main.py`` command in a new process, as a user runs it."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=USER_ENV,
    )
    return time.perf_counter() - start


def measure(kind: str, sentences: Path, workdir: Path) -> dict[str, float]:
    out = workdir / f"{kind}-{time.monotonic_ns()}.sqlite"
    done = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(sentences), str(out)],
        capture_output=True,
        text=True,
        check=True,
        env=USER_ENV,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        kind, sentences, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        runs = {"floor": run_floor, "floor-tokens": run_floor_tokens, "kathode": run_kathode}
        result = runs[kind](sentences, out)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--allow-busy", action="store_true", help="run on a loaded machine")
    args = parser.parse_args()
    if not SENTENCES.exists() or not POSTS.exists():
        sys.exit(f"benchmark data not found under {DATA} (../shared/data is needed)")
    sys.path.insert(0, str(ROOT))
    from benchmarks.machine import StealMeter, announce, steal_verdict

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    setup = announce("bench_import", ["--allow-busy"] if args.allow_busy else [])
    load = setup["load_average"]
    print(
        f"bench_import: {cpus} cores for the workers, {platform.platform()}; the measured "
        "processes keep Python's bytecode cache, as a user's do",
        file=sys.stderr,
    )
    meter = StealMeter()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        warm = workdir / "warm.txt"
        warm.write_text("CATL baut ein Werk.", encoding="utf-8")
        cli("import", str(warm), "--project", str(workdir / "warm0.kathode"))  # the .pyc files
        half = workdir / "train-half.tsv"
        lines = SENTENCES.read_text(encoding="utf-8").splitlines(keepends=True)
        half.write_text("".join(lines[: 1 + (len(lines) - 1) // 2]), encoding="utf-8")
        floor = measure("floor", SENTENCES, workdir)
        print(f"floor: {floor}", file=sys.stderr)
        floor_tokens = measure("floor-tokens", SENTENCES, workdir)
        print(f"floor with tokenization: {floor_tokens}", file=sys.stderr)
        kathode = measure("kathode", SENTENCES, workdir)
        print(f"kathode: {kathode}", file=sys.stderr)
        kathode_half = measure("kathode", half, workdir)
        print(f"kathode, half the sentences: {kathode_half}", file=sys.stderr)
        spans_file = workdir / "spans.jsonl"
        docs, spans = write_spans_file(SENTENCES, spans_file)
        # A one-shot command's time varies by a few tenths from run to run here: each CLI
        # figure is the median of RUNS runs (the import of 24k into a new project each time).
        cli_import = statistics.median(
            cli("import", str(spans_file), "--project", str(workdir / f"cli{i}.kathode"))
            for i in range(RUNS)
        )
        project = workdir / "cli0.kathode"
        print(f"cli import of {docs} documents, {spans} spans: {cli_import:.2f} s", file=sys.stderr)
        one = workdir / "one.jsonl"
        one.write_text(json.dumps({"text": "CATL baut ein Werk in Arnstadt."}) + "\n")
        cli("import", str(one), "--project", str(workdir / "warm.kathode"))  # writes the .pyc
        cli_one = statistics.median(
            cli("import", str(one), "--project", str(workdir / f"one{i}.kathode"))
            for i in range(RUNS)
        )
        print(f"cli import of one record into a new project: {cli_one:.2f} s", file=sys.stderr)
        cli_stats = statistics.median(cli("stats", "--project", str(project)) for _ in range(RUNS))
        print(f"cli stats on the {docs}-document project: {cli_stats:.2f} s", file=sys.stderr)
    docs_per_s = kathode["docs"] / kathode["seconds"]
    floor_per_s = floor["docs"] / floor["seconds"]
    print(
        json.dumps(
            {
                "docs": kathode["docs"],
                "docs_per_s": round(docs_per_s, 1),
                "floor_docs_per_s": round(floor_per_s, 1),
                "ratio": round(docs_per_s / floor_per_s, 3),
                "floor_tokens_docs_per_s": round(floor_tokens["docs"] / floor_tokens["seconds"], 1),
                "ratio_tokens": round(
                    docs_per_s / (floor_tokens["docs"] / floor_tokens["seconds"]), 3
                ),
                "peak_rss_mb": round(kathode["peak_rss_mb"], 1),
                "peak_rss_half_mb": round(kathode_half["peak_rss_mb"], 1),
                "cli_import_s": round(cli_import, 2),
                "cli_one_record_s": round(cli_one, 2),
                "cli_stats_s": round(cli_stats, 2),
                "cpus": cpus,
                "load_1min": load,
                "steal_during_run": steal_verdict("bench_import", meter),
                "setup": setup,
            }
        )
    )


if __name__ == "__main__":
    main()
