"""Holes 4–7 of issue 14, on real files and real processes: a full disk and a read-only
location stop an import with one message; a newer schema and a damaged file are refused at
open with the way out; killed exports leave no temporary files for long, failed ones one
clear line; read-only commands do not wait for another process's write transaction."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from storage.migrate import HEAD
from storage.repository import ProjectRepository
from tests.reliability.conftest import ROOT, remount_read_only, run_cli

SmallDisk = Callable[[str], Path]


def _records(folder: Path, count: int, name: str = "many.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    words = " ".join(f"Wort{n}" for n in range(40))
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = f"Northvolt {i} liefert Zellen. {words}"
            out.write(json.dumps({"text": text, "label": [[0, 9, "ORG"]]}) + "\n")
    return path


def test_reliability_full_disk_stops_the_import_once(tmp_path: Path, small_disk: SmallDisk) -> None:
    disk = small_disk("1m")
    source = _records(tmp_path / "in", 6000)
    started = time.monotonic()
    done = run_cli("import", source, "--project", disk / "p.kathode", "--json")
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    assert summary["stopped"].startswith("import stopped: cannot write to")
    assert "full" in summary["stopped"]
    assert len(summary["refused"]) == 0  # no record-by-record retry of a full disk
    assert done.stderr.count("database or disk is full") <= 2
    assert elapsed < 60
    # What the summary says was stored is what the project holds.
    with ProjectRepository.open(disk / "p.kathode") as repo:
        assert len(repo.document_ids()) == summary["documents_added"]


def test_reliability_read_only_location_is_one_clear_line(
    tmp_path: Path, small_disk: SmallDisk
) -> None:
    disk = small_disk("8m")
    project = disk / "p.kathode"
    assert run_cli("import", _records(tmp_path / "a", 3), "--project", project).returncode == 0
    remount_read_only(disk)
    done = run_cli("import", _records(tmp_path / "b", 3, "b.jsonl"), "--project", project)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("kathode: ")
    assert len(done.stderr.strip().splitlines()) <= 2


def _project(tmp_path: Path, documents: int = 300) -> Path:
    project = tmp_path / "p.kathode"
    done = run_cli("import", _records(tmp_path / "in", documents), "--project", project)
    assert done.returncode == 0, done.stderr
    return project


def test_reliability_newer_schema_is_named_not_a_traceback(tmp_path: Path) -> None:
    project = _project(tmp_path, 3)
    with sqlite3.connect(project) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    out = tmp_path / "out.jsonl"
    for args in (
        ("stats", "--project", project),
        ("import", tmp_path / "in", "--project", project),
        ("export", "--project", project, "--format", "jsonl", "--out", out),
        ("merge", tmp_path / "none.kathode", "--project", project),
    ):
        done = run_cli(*args)
        assert done.returncode == 1, args
        assert "Traceback" not in done.stderr, args
        assert "schema revision 0099" in done.stderr and "newer Kathode" in done.stderr, args
        assert f"up to {HEAD}" in done.stderr
    assert not out.exists()


def _damage(project: Path) -> None:
    """Overwrite pages in the middle of the file with garbage, as a bad sector would."""
    size = project.stat().st_size
    page = 4096
    with project.open("r+b") as handle:
        for at in range(2 * page, size - page, 5 * page):
            handle.seek(at + 100)
            handle.write(os.urandom(600))


def test_reliability_damaged_project_is_refused_with_the_way_out(tmp_path: Path) -> None:
    project = _project(tmp_path)
    backup = run_cli("backup", "--project", project)
    assert backup.returncode == 0, backup.stderr
    _damage(project)
    out = tmp_path / "out.jsonl"
    for args in (
        ("stats", "--project", project),
        ("import", tmp_path / "in", "--project", project),
        ("export", "--project", project, "--format", "jsonl", "--out", out),
    ):
        done = run_cli(*args)
        assert done.returncode == 1, (args, done.stdout)
        assert "Traceback" not in done.stderr, args
        assert "damaged" in done.stderr, (args, done.stderr)
        assert "kathode restore" in done.stderr
    assert not out.exists()


def _export_args(project: Path, out: Path) -> list[str]:
    return ["export", "--project", str(project), "--format", "jsonl", "--out", str(out)]


def test_reliability_killed_export_leaves_no_temp_file_behind(tmp_path: Path) -> None:
    project = _project(tmp_path, 4000)
    out = tmp_path / "out" / "export.jsonl"
    out.parent.mkdir()
    leftovers: list[Path] = []
    for _ in range(3):
        export = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *_export_args(project, out)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not list(out.parent.glob(".export.jsonl.*.tmp")) and time.monotonic() < deadline:
            if export.poll() is not None:
                break
            time.sleep(0.005)
        export.send_signal(signal.SIGKILL)
        export.wait()
        leftovers.extend(out.parent.glob(".export.jsonl.*.tmp"))
    assert leftovers, "no export was killed while writing; the test proved nothing"
    done = run_cli(*_export_args(project, out))
    assert done.returncode == 0, done.stderr
    assert list(out.parent.glob("*.tmp")) == []
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4000


def test_reliability_export_to_full_or_read_only_place_is_one_line(
    tmp_path: Path, small_disk: SmallDisk
) -> None:
    project = _project(tmp_path, 3000)
    full = small_disk("256k")
    target = full / "export.jsonl"
    target.write_text("the old export\n", encoding="utf-8")
    done = run_cli(*_export_args(project, target))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("kathode: cannot write the export to ")
    assert "No space left on device" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "the old export\n"
    assert list(full.glob(".*.tmp")) == []

    read_only = small_disk("1m")
    (read_only / "export.jsonl").write_text("kept\n", encoding="utf-8")
    remount_read_only(read_only)
    done = run_cli(*_export_args(project, read_only / "export.jsonl"))
    assert done.returncode == 1
    assert done.stderr.startswith("kathode: cannot write the export to ")
    assert "Read-only file system" in done.stderr
    assert (read_only / "export.jsonl").read_text(encoding="utf-8") == "kept\n"


def test_reliability_read_only_commands_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    project = _project(tmp_path, 50)
    hold = textwrap.dedent(
        f"""
        import sqlite3, sys, time
        c = sqlite3.connect({str(project)!r}, isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        c.execute("UPDATE annotation SET status = 'open'")
        print("holding", flush=True)
        time.sleep(20)
        c.execute("ROLLBACK")
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
        started = time.monotonic()
        stats = run_cli("stats", "--project", project, "--json")
        export = run_cli(*_export_args(project, tmp_path / "out.jsonl"))
        elapsed = time.monotonic() - started
    finally:
        writer.kill()
        writer.communicate()
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["annotations"]["by_status"]["accepted"] == 50
    assert export.returncode == 0, export.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 50
    # The old open took the write lock: each command waited the 5 s busy timeout, then failed.
    assert elapsed > 0


def test_reliability_stale_temp_of_a_live_export_is_kept(tmp_path: Path) -> None:
    from core.exports.atomic import remove_stale_temps

    target = tmp_path / "e.jsonl"
    live = tmp_path / f".e.jsonl.{os.getpid()}-abcdef.tmp"
    dead = tmp_path / ".e.jsonl.999999999-abcdef.tmp"
    for path in (live, dead):
        path.write_text("x")
    assert remove_stale_temps(target) == [dead]
    assert live.exists() and not dead.exists()


def test_reliability_kathode_version_named_at_open_is_pyproject_s() -> None:
    import tomllib

    from storage.migrate import KATHODE_VERSION

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == KATHODE_VERSION
