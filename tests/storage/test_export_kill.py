"""A killed export never leaves a truncated or half-old file at its destination; and the
export's memory does not grow with the project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span, Token
from storage.bulk import ImportEntry, NewAnnotation
from storage.exporter import ExportOptions, export_project
from storage.repository import ProjectRepository
from storage.rows import NewDocument

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 3000

EXPORT_SCRIPT = """
import sys, time
from pathlib import Path
from storage import exporter
from storage.repository import ProjectRepository

exporter.PAGE_SIZE = 100
with ProjectRepository.open(sys.argv[1]) as repo:
    exporter.export_project(
        repo,
        exporter.ExportOptions("jsonl", Path(sys.argv[2])),
        progress=lambda done, total: time.sleep(0.02),
    )
"""


def words(text: str) -> list[Token]:
    tokens, start = [], 0
    for piece in text.split(" "):
        tokens.append(Token(piece, start, start + len(piece), True))
        start += len(piece) + 1
    return tokens


def large_project(path: Path, documents: int = DOCUMENTS) -> ProjectRepository:
    repo = ProjectRepository.open(path)
    entries = []
    for n in range(documents):
        text = f"Zelle {n} von CATL geht nach Arnstadt und Nevada im Jahr {2000 + n % 30} ."
        document = NewDocument(text, words(text), "test", "de", "kill-test", {"n": n})
        catl, place = text.index("CATL"), text.index("Arnstadt")
        spans = [Span(catl, catl + 4, "ORG"), Span(place, place + 8, "LOC")] if n % 3 else []
        entries.append(ImportEntry(document, NewAnnotation("ana", Status.ACCEPTED, spans)))
    for i in range(0, documents, 500):
        assert all(not isinstance(o, str) for o in repo.import_batch(entries[i : i + 500]))
    return repo


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_export_kill_leaves_old_or_complete_new_file(tmp_path: Path) -> None:
    project = tmp_path / "large.kathode"
    destination = tmp_path / "export.jsonl"
    with large_project(project) as repo:
        old = export_project(repo, ExportOptions("jsonl", destination, labels=frozenset({"LOC"})))
        assert old.records == DOCUMENTS
        old_bytes = destination.read_bytes()
        export_project(repo, ExportOptions("jsonl", tmp_path / "reference.jsonl"))
        new_bytes = (tmp_path / "reference.jsonl").read_bytes()
    assert old_bytes != new_bytes

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed_mid_way = 0
    for attempt in range(3):
        before = destination.read_bytes()
        process = subprocess.Popen(
            [sys.executable, "-c", EXPORT_SCRIPT, str(project), str(destination)], env=env
        )
        try:
            temp = wait_for_temporary_file(tmp_path, destination, min_bytes=1 + attempt * 50_000)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        assert destination.read_bytes() in (old_bytes, new_bytes)
        if temp.exists():  # killed while writing: its partial file is left behind, not renamed
            assert temp.stat().st_size < len(new_bytes)
            assert destination.read_bytes() == before
            killed_mid_way += 1
            temp.unlink()
    assert killed_mid_way, "the export always finished before it could be killed"

    finished = subprocess.run(
        [sys.executable, "-c", EXPORT_SCRIPT, str(project), str(destination)], env=env, timeout=120
    )
    assert finished.returncode == 0
    assert destination.read_bytes() == new_bytes
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def wait_for_temporary_file(folder: Path, destination: Path, *, min_bytes: int) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for path in folder.glob(f".{destination.name}.*.tmp"):
            try:
                if path.stat().st_size >= min_bytes:
                    return path
            except FileNotFoundError:
                continue
        time.sleep(0.002)
    pytest.fail("the export never started writing its temporary file")


def test_export_kill_memory_does_not_grow_with_the_project(tmp_path: Path) -> None:
    peaks = []
    for documents in (1000, 8000):
        with large_project(tmp_path / f"{documents}.kathode", documents) as repo:
            tracemalloc.start()
            try:
                summary = export_project(repo, ExportOptions("jsonl", tmp_path / "out.jsonl"))
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
        assert summary.records == documents
    # Eight times the documents, about the same peak: one page is in memory at a time.
    assert peaks[1] < peaks[0] * 1.25, peaks
