"""A team at work: many annotator processes editing one project at the same time.

PostgreSQL: a fresh database on the server named by ``--pg-url`` (default: the
``KATHODE_TEST_PG_URL`` administrator URL), made a team project with one login per
annotator (row-level security, guard and notify triggers all active); each of ``--procs``
annotator processes (10) connects under its own login and makes ``--edits`` span edits (500)
on its own versions of ``--docs-each`` documents (5) as fast as it can, then ``--paced``
edits (100) at ``--rate`` edits per second (5). SQLite: the same with ``--sqlite-procs`` (4)
processes on one file. An edit adds or removes one token-aligned span
(``ProjectRepository.edit_spans``: one transaction); its commit latency is the time that call
takes. Every process remembers the spans it expects; afterwards the stored versions are
compared with them (lost edits: expected spans missing or removed spans still there).

Targets: 0 errors, 0 lost edits, p95 ≤ 20 ms at 5 edits/s. Last stdout line: one JSON
object. Usage: ``uv run python benchmarks/bench_team.py [--procs N] [--edits N] …``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import refuse_when_busy  # noqa: E402

TEXT = (
    "CATL liefert LFP-Zellen an BMW in Arnstadt, Northvolt baut in Heide eine Fabrik für "
    "Natrium-Ionen-Zellen, und Umicore recycelt Kathoden in Hoboken für Volkswagen."
)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# -- one annotator's process ---------------------------------------------------------------


def worker(project: str, name: str, docs: list[int], edits: int, rate: float, start: float) -> None:
    from core.spans import Span
    from storage.repository import ProjectRepository

    rng = random.Random(name)
    with ProjectRepository.open(project) as repo:
        tokens = {d: repo.tokens(d) for d in docs}
        expected: dict[int, set[Span]] = {d: set(repo.annotation(d, name).spans) for d in docs}
        time.sleep(max(0.0, start - time.time()))
        latencies: list[float] = []
        errors: list[str] = []
        began = time.perf_counter()
        for i in range(edits):
            if rate:
                due = began + i / rate
                time.sleep(max(0.0, due - time.perf_counter()))
            document_id = rng.choice(docs)
            token = rng.choice(tokens[document_id])
            span = Span(token.start, token.end, "ORG")
            remove = span in expected[document_id]
            t0 = time.perf_counter()
            try:
                if remove:
                    repo.edit_spans(document_id, name, remove=[span])
                else:
                    repo.edit_spans(document_id, name, add=[span])
            except Exception as exc:  # counted, not hidden: the run reports every error
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
            if remove:
                expected[document_id].discard(span)
            else:
                expected[document_id].add(span)
        seconds = time.perf_counter() - began
        lost = sum(len(expected[d] ^ set(repo.annotation(d, name).spans)) for d in docs)
    print(json.dumps({"latencies": latencies, "errors": errors, "lost": lost, "seconds": seconds}))


# -- the run -------------------------------------------------------------------------------


def run_phase(
    project: str,
    names: list[str],
    urls: dict[str, str],
    docs: dict[str, list[int]],
    edits: int,
    rate: float,
) -> dict[str, object]:
    start = time.time() + 3.0
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                urls[name],
                name,
                ",".join(map(str, docs[name])),
                str(edits),
                str(rate),
                str(start),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in names
    ]
    latencies: list[float] = []
    errors: list[str] = []
    lost = 0
    seconds = 0.0
    for process in processes:
        out, err = process.communicate(timeout=3600)
        if process.returncode != 0:
            errors.append(f"process failed: {err.strip()[-300:]}")
            continue
        result = json.loads(out.strip().splitlines()[-1])
        latencies += result["latencies"]
        errors += result["errors"]
        lost += result["lost"]
        seconds = max(seconds, result["seconds"])
    return {
        "processes": len(names),
        "edits": len(latencies),
        "edits_per_process": edits,
        "rate_per_process": rate or "max",
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "max_ms": round(max(latencies, default=float("nan")), 2),
        "throughput_per_s": round(len(latencies) / seconds, 1) if seconds else 0.0,
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "lost": lost,
    }


def make_project(
    project: str, names: list[str], docs_each: int, team: bool
) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Documents for everyone, and on PostgreSQL a team with one login per annotator."""
    from nlp.tokenizer import TOKENIZER_VERSION, tokenize
    from storage.repository import NewDocument, ProjectRepository
    from storage.team import add_member, init_team

    urls = dict.fromkeys(names, project)
    with ProjectRepository.open(project) as repo:
        texts = [f"{TEXT} ({i})" for i in range(len(names) * docs_each)]
        added = repo.add_documents(
            NewDocument(
                text=t,
                tokens=tokenize(t, "de"),
                tokenizer_version=TOKENIZER_VERSION,
                language="de",
                source="bench",
                meta={},
            )
            for t in texts
        )
        ids = [d for d, _ in added]
        docs = {name: ids[i * docs_each : (i + 1) * docs_each] for i, name in enumerate(names)}
        if team:
            from storage.engine import project_url

            init_team(repo, overlap=1)
            for name in names:
                add_member(repo, name, "annotator", password="bench-" + name)
                urls[name] = (
                    project_url(project)
                    .set(username=name, password="bench-" + name)
                    .render_as_string(hide_password=False)
                )
    return urls, docs


def bench_postgres(args: argparse.Namespace) -> dict[str, object]:
    import psycopg

    admin = args.pg_url
    database = f"kathode_bench_{uuid.uuid4().hex[:8]}"
    suffix = uuid.uuid4().hex[:4]
    names = [f"bench{i}_{suffix}" for i in range(args.procs)]
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{database}"')
        version = c.execute("SHOW server_version").fetchone()
    project = f"{admin.rpartition('/')[0]}/{database}"
    try:
        urls, docs = make_project(project, names, args.docs_each, team=True)
        fast = run_phase(project, names, urls, docs, args.edits, 0.0)
        paced = run_phase(project, names, urls, docs, args.paced, args.rate)
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for name in names:
                c.execute(f'DROP ROLE IF EXISTS "{name}"')
    return {"server": f"PostgreSQL {version[0] if version else '?'}", "fast": fast, "paced": paced}


def bench_sqlite(args: argparse.Namespace) -> dict[str, object]:
    names = [f"bench{i}" for i in range(args.sqlite_procs)]
    with tempfile.TemporaryDirectory() as folder:
        project = str(Path(folder) / "team.kathode")
        urls, docs = make_project(project, names, args.docs_each, team=False)
        fast = run_phase(project, names, urls, docs, args.edits, 0.0)
        paced = run_phase(project, names, urls, docs, args.paced, args.rate)
    return {"server": f"SQLite {sqlite3.sqlite_version}", "fast": fast, "paced": paced}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        project, name, docs, edits, rate, start = sys.argv[2:8]
        worker(
            project, name, [int(d) for d in docs.split(",")], int(edits), float(rate), float(start)
        )
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get("KATHODE_TEST_PG_URL"))
    parser.add_argument("--procs", type=int, default=10)
    parser.add_argument("--sqlite-procs", type=int, default=4)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--paced", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--docs-each", type=int, default=5)
    parser.add_argument("--allow-busy", action="store_true", help="run on a loaded machine")
    args = parser.parse_args()
    load = refuse_when_busy("bench_team", args.allow_busy)
    print(
        f"set-up: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; PostgreSQL at "
        f"{(args.pg_url or 'none').rpartition('@')[2]}; {args.procs} PostgreSQL and "
        f"{args.sqlite_procs} SQLite processes, {args.edits} edits each as fast as they can, "
        f"then {args.paced} at {args.rate}/s; 1-minute load {load:.2f}",
        flush=True,
    )
    result: dict[str, object] = {}
    if args.pg_url:
        result["postgres"] = bench_postgres(args)
        print(f"postgres: {json.dumps(result['postgres'])}", flush=True)
    else:
        print("no --pg-url / KATHODE_TEST_PG_URL: PostgreSQL skipped", flush=True)
    result["sqlite"] = bench_sqlite(args)
    print(f"sqlite: {json.dumps(result['sqlite'])}", flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
