"""Kill trials: run ``import``, ``export`` or ``merge`` as a real process, SIGKILL it at a
random moment, and judge what it left; shared by the tests and the benchmark.

A good outcome after a kill: the project passes ``PRAGMA integrity_check``, opens, and holds
whole records only (every document with all its spans; for ``merge`` every merged document
with the versions the other project gave it); an export's destination is the old file or
the complete new one, never a truncated one.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.conftest import ROOT, run_cli

SPANS_PER_RECORD = 2


@dataclass
class KillReport:
    command: str
    trials: int = 0
    killed: int = 0  # trials where the process was still running when the signal came
    bad: list[str] = field(default_factory=list)


def write_records(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = f"Werk {i} von CATL liefert Zellen an BMW."
            start = len(f"Werk {i} von ")
            label = [[start, start + 4, "ORG"], [len(text) - 4, len(text) - 1, "ORG"]]
            out.write(json.dumps({"text": text, "label": label}) + "\n")
    return path


def _run_and_kill(args: list[str], delay: float) -> bool:
    """Start ``main.py args``; SIGKILL it after ``delay`` s. True if it was still running."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _duration(args: list[str]) -> float:
    """How long ``main.py args`` takes here, unkilled: kill points are shares of it, so the
    trials kill the command while it runs on a slow machine and on a fast one alike."""
    start = time.perf_counter()
    done = run_cli(*args, timeout=600)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def _kill_at(rng: random.Random, duration: float) -> float:
    return rng.uniform(0.05, 0.95) * duration


def _whole_records(project: Path) -> str:
    """ "" when the project is whole and every document has all its spans, else the problem."""
    if not project.exists():
        return ""
    with sqlite3.connect(project) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            return f"integrity_check: {check}"
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    if "document" not in tables:
        # Killed before the schema was made (the migrations are one transaction): the file
        # must open as a project all the same.
        done = run_cli("stats", "--project", project, "--json")
        return (
            "" if done.returncode == 0 else f"a schema-less file that does not open: {done.stderr}"
        )
    with sqlite3.connect(project) as connection:
        counts = connection.execute(
            "SELECT d.id, count(s.id) FROM document d "
            "LEFT JOIN annotation a ON a.document_id = d.id "
            "LEFT JOIN span s ON s.annotation_id = a.id GROUP BY d.id"
        ).fetchall()
    wrong = [doc for doc, spans in counts if spans != SPANS_PER_RECORD]
    if wrong:
        return f"{len(wrong)} documents without all their spans (e.g. {wrong[0]})"
    done = run_cli("stats", "--project", project, "--json")
    if done.returncode != 0:
        return f"stats after the kill failed: {done.stderr.strip()[-300:]}"
    return ""


def import_trials(work: Path, trials: int, rng: random.Random, records: int = 3000) -> KillReport:
    report = KillReport("import")
    source = write_records(work / "import-source.jsonl", records)
    duration = _duration(["import", str(source), "--project", str(work / "import-timed.kathode")])
    for trial in range(trials):
        project = work / f"import-{trial}.kathode"
        report.trials += 1
        report.killed += _run_and_kill(
            ["import", str(source), "--project", str(project)], _kill_at(rng, duration)
        )
        problem = _whole_records(project)
        if problem:
            report.bad.append(f"trial {trial}: {problem}")
        for side in (project, Path(f"{project}-wal"), Path(f"{project}-shm")):
            side.unlink(missing_ok=True)
    return report


def _base_project(work: Path, records: int) -> Path:
    project = work / f"base-{records}.kathode"
    if not project.exists():
        source = write_records(work / f"base-{records}.jsonl", records)
        done = run_cli("import", source, "--project", project, timeout=600)
        assert done.returncode == 0, done.stderr
    return project


def export_trials(work: Path, trials: int, rng: random.Random, records: int = 3000) -> KillReport:
    report = KillReport("export")
    project = _base_project(work, records)
    out = work / "export" / "train.jsonl"
    out.parent.mkdir(exist_ok=True)
    old = "the previous export\n"
    out.write_text(old, encoding="utf-8")
    args = ["export", "--project", str(project), "--format", "jsonl", "--out", str(out)]
    duration = _duration(args)
    out.write_text(old, encoding="utf-8")
    for trial in range(trials):
        report.trials += 1
        report.killed += _run_and_kill(args, _kill_at(rng, duration))
        content = out.read_text(encoding="utf-8")
        if content != old:
            lines = content.splitlines()
            if len(lines) != records or not content.endswith("\n"):
                report.bad.append(f"trial {trial}: a destination of {len(lines)} lines")
            else:
                try:
                    [json.loads(line) for line in lines]
                except ValueError:
                    report.bad.append(f"trial {trial}: a destination with broken JSON")
            out.write_text(old, encoding="utf-8")
    done = run_cli(*args)
    if done.returncode != 0:
        report.bad.append(f"export after the kills failed: {done.stderr.strip()[-300:]}")
    leftovers = list(out.parent.glob("*.tmp"))
    if leftovers:
        report.bad.append(f"{len(leftovers)} temporary files left after the next export")
    return report


def merge_trials(work: Path, trials: int, rng: random.Random, records: int = 3000) -> KillReport:
    report = KillReport("merge")
    other = _base_project(work, records)
    timed = work / "merge-timed.kathode"
    shutil.copy(_base_project(work, 10), timed)
    duration = _duration(["merge", str(other), "--project", str(timed)])
    for trial in range(trials):
        project = work / f"merge-{trial}.kathode"
        shutil.copy(_base_project(work, 10), project)
        report.trials += 1
        report.killed += _run_and_kill(
            ["merge", str(other), "--project", str(project)], _kill_at(rng, duration)
        )
        problem = _whole_records(project)
        if problem:
            report.bad.append(f"trial {trial}: {problem}")
        else:
            # Merging again after the kill completes the project: nothing was lost.
            done = run_cli("merge", other, "--project", project, timeout=600)
            with sqlite3.connect(project) as connection:
                documents = connection.execute("SELECT count(*) FROM document").fetchone()[0]
            if done.returncode != 0 or documents != records:
                report.bad.append(f"trial {trial}: the merge after the kill gave {documents}")
        for side in (project, Path(f"{project}-wal"), Path(f"{project}-shm")):
            side.unlink(missing_ok=True)
    return report
