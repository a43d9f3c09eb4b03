"""The change watcher without Qt: what another connection committed, as it happens."""

from __future__ import annotations

import contextlib
import queue
import time
from pathlib import Path

import pytest

from core.spans import Span
from storage.changes import Change, ChangeWatcher
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document


def watch_an_edit(project: str) -> tuple[set[Change], int, float]:
    """Another connection edits ben's version and assigns cleo; what the watcher saw of it
    within 2 s, and how long that took."""
    with ProjectRepository.open(project) as repo:
        [(doc, _)] = repo.add_documents([new_document("GM buys cells.")])
        arrived: queue.Queue[list[Change]] = queue.Queue()
        expected = {Change("annotation", doc, "ben"), Change("assignment", doc, "cleo")}
        seen: set[Change] = set()
        with ChangeWatcher(repo.url, arrived.put), ProjectRepository.open(project) as other:
            other.add_span(doc, "ben", Span(0, 2, "ORG"))
            other.assign_documents("cleo", [doc])
            start = time.monotonic()
            while not expected <= seen and time.monotonic() - start < 2.0:
                with contextlib.suppress(queue.Empty):
                    seen.update(arrived.get(timeout=0.05))
            return seen, doc, time.monotonic() - start


def test_changes_sqlite_data_version_names_the_document(tmp_path: Path) -> None:
    changes, doc, seconds = watch_an_edit(str(tmp_path / "p.kathode"))
    assert Change("annotation", doc, "ben") in changes
    assert Change("assignment", doc, "cleo") in changes
    assert seconds < 2.0


@pytest.mark.postgres
def test_changes_postgres_notify_names_the_document(postgres_url: str) -> None:
    changes, doc, seconds = watch_an_edit(postgres_url)
    assert Change("annotation", doc, "ben") in changes
    assert Change("span", doc, "ben") in changes
    assert Change("assignment", doc, "cleo") in changes
    assert seconds < 2.0


def test_changes_watcher_stops_promptly(tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        watcher = ChangeWatcher(repo.url, lambda changes: None).start()
        start = time.monotonic()
        watcher.stop()
        assert time.monotonic() - start < 1.0
