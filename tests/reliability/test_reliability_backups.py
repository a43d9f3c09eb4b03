"""Backups of SQLite projects: consistent while another process writes, the last N kept,
restored by the CLI over a whole or a damaged project, offered when a project is damaged."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.spans import Span
from storage.backup import (
    BackupPolicy,
    backups_of,
    edit_mark,
    list_backups,
    newest_good_backup,
    restore_backup,
    take_backup,
)
from storage.repository import CorruptProjectError, ProjectRepository
from tests.reliability.concurrency import ROOT, seed_documents
from tests.reliability.conftest import run_cli
from tests.storage.conftest import new_document


def _project(tmp_path: Path, documents: int = 5) -> Path:
    project = tmp_path / "p.kathode"
    with ProjectRepository.open(project) as repo:
        repo.add_documents(
            new_document(f"Zelle Nummer {i} aus Heide.", "de") for i in range(documents)
        )
    return project


def _damage(project: Path) -> None:
    """Garbage over the headers of the table pages, as a bad sector would leave them."""
    with project.open("r+b") as handle:
        for page in range(1, project.stat().st_size // 4096):
            handle.seek(page * 4096)
            handle.write(os.urandom(64))


def test_reliability_backup_is_consistent_while_another_process_writes(tmp_path: Path) -> None:
    project = tmp_path / "p.kathode"
    seed_documents(str(project), documents=20, tokens_per_doc=200)
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.edit_worker", str(project), "ana", "0", "3000",
         str(time.time())],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(1.0)
        infos = [take_backup(project) for _ in range(5)]
    finally:
        writer.kill()
        writer.communicate()
    assert all(info.good for info in infos)
    counts = [info.spans for info in infos]
    assert counts == sorted(counts)  # each a snapshot of a moment, later ones later
    for info in infos:
        with sqlite3.connect(info.path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            spans = connection.execute("SELECT count(*) FROM span").fetchone()[0]
        assert spans == info.spans


def test_reliability_backups_keep_the_newest_n(tmp_path: Path) -> None:
    project = _project(tmp_path)
    taken = [take_backup(project, keep=3).path for _ in range(5)]
    assert backups_of(project) == list(reversed(taken[-3:]))
    assert [info.documents for info in list_backups(project)] == [5, 5, 5]


def test_reliability_cli_backup_and_restore_round_trip(tmp_path: Path) -> None:
    project = _project(tmp_path, 3)
    out = tmp_path / "saved.kathode-backup"
    done = run_cli("backup", "--project", project, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "3 documents" in done.stdout
    with ProjectRepository.open(project) as repo:
        repo.add_documents([new_document("Noch ein Dokument.", "de")])
        doc = repo.document_ids()[0]
        repo.add_span(doc, "ana", Span(0, 5, "ORG"))
    done = run_cli("restore", out, "--project", project)
    assert done.returncode == 0, done.stderr
    with ProjectRepository.open(project) as repo:
        assert len(repo.document_ids()) == 3
        assert repo.annotators() == []
    # The state before the restore was backed up first.
    [before] = list_backups(project)
    assert before.documents == 4 and before.spans == 1


def test_reliability_damaged_project_names_its_newest_good_backup(tmp_path: Path) -> None:
    project = _project(tmp_path, 40)
    older = take_backup(project)
    newest = take_backup(project)
    _damage(project)
    with pytest.raises(CorruptProjectError) as caught:
        ProjectRepository.open(project)
    assert caught.value.backup == str(newest.path)
    assert f"kathode restore {newest.path} --project {project}" in str(caught.value)
    assert newest_good_backup(project) is not None
    moved = restore_backup(newest.path, project)
    assert moved is not None and moved.exists()
    with ProjectRepository.open(project) as repo:
        assert len(repo.document_ids()) == 40
    assert older.path.exists()


def test_reliability_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    project = _project(tmp_path, 40)
    bad = take_backup(project, tmp_path / "bad.kathode-backup")
    _damage(bad.path)
    done = run_cli("restore", bad.path, "--project", project)
    assert done.returncode == 1
    assert "not a good Kathode backup" in done.stderr and "nothing restored" in done.stderr
    with ProjectRepository.open(project) as repo:
        assert len(repo.document_ids()) == 40


def test_reliability_backup_policy_at_open_then_after_edits(tmp_path: Path) -> None:
    project = _project(tmp_path)
    now = [0.0]
    policy = BackupPolicy(project, lambda: edit_mark(project), clock=lambda: now[0])
    assert policy.run() is not None  # at open
    now[0] += 31 * 60
    assert policy.run() is None  # 31 minutes without an edit: nothing new to keep
    with ProjectRepository.open(project) as repo:
        repo.add_span(repo.document_ids()[0], "ana", Span(0, 5, "ORG"))
    now[0] += 10 * 60
    assert policy.run() is not None  # edited, and 30 minutes since the last backup
    with ProjectRepository.open(project) as repo:
        repo.add_span(repo.document_ids()[1], "ana", Span(0, 5, "ORG"))
    now[0] += 5 * 60
    assert policy.run() is None  # edited, but only 5 minutes since
    assert len(backups_of(project)) == 2
