"""Everyone's screen up to date: another process's edit reaches the open window's queue and
progress figures within 2 s, on SQLite (data_version polling) and PostgreSQL (NOTIFY)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from storage.repository import ProjectRepository
from tests.conftest import ROOT
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow
from ui.annotate.queue_model import STATUS_MARK

EDIT = """
import sys
from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
with ProjectRepository.open(sys.argv[1]) as repo:
    document_id = int(sys.argv[2])
    repo.add_span(document_id, "ana", Span(0, 7, "ORG"))
    repo.set_status(document_id, "ana", Status.ACCEPTED)
"""


def edit_in_another_process(project: str, document_id: int) -> float:
    """Edit ana's version from a second process; the moment its commit was done."""
    subprocess.run(
        [sys.executable, "-c", EDIT, project, str(document_id)], cwd=ROOT, check=True, timeout=60
    )
    return time.monotonic()


def check_reaches_window(qtbot: QtBot, open_window: OpenWindow, project: str) -> None:
    with ProjectRepository.open(project) as repo:
        docs = [
            d
            for d, _ in repo.add_documents(
                [new_document("Northvolt opens."), new_document("Umicore recycles.")]
            )
        ]
    _, window = open_window(project)  # type: ignore[arg-type]
    model = window.queue.model
    row = model.row_of(docs[1])
    assert row is not None
    assert window.document_id == docs[0]
    assert model.index(row, 2).data() == STATUS_MARK[model._rows[row].status]
    qtbot.waitUntil(lambda: window.progress.text() == "ana: 0 of 2 done", timeout=2000)

    done = edit_in_another_process(project, docs[1])
    qtbot.waitUntil(lambda: model.index(row, 2).data() == "✓ accepted", timeout=2000)
    assert time.monotonic() - done <= 2.0
    assert model.index(row, 3).data() == 1  # the span count of the row
    qtbot.waitUntil(lambda: window.progress.text() == "ana: 1 of 2 done", timeout=500)
    assert window.document_id == docs[0]  # the open document stayed open


def test_live_updates_reach_the_queue_on_sqlite(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    check_reaches_window(qtbot, open_window, str(tmp_path / "p.kathode"))


@pytest.mark.postgres
def test_live_updates_reach_the_queue_on_postgres(
    qtbot: QtBot, open_window: OpenWindow, postgres_url: str
) -> None:
    check_reaches_window(qtbot, open_window, postgres_url)


def test_live_updates_reload_the_queue_after_an_import(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    project = tmp_path / "p.kathode"
    with ProjectRepository.open(project) as repo:
        repo.add_documents([new_document("Northvolt opens.")])
    _, window = open_window(project)
    opened = window.document_id
    with ProjectRepository.open(project) as other:
        other.add_documents([new_document("CATL expands.")])
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 2, timeout=2000)
    assert window.document_id == opened
    assert window.queue.table.currentIndex().row() == 0


REVIEW_EDIT = """
import sys
from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
with ProjectRepository.open(sys.argv[1]) as repo:
    opened, other = int(sys.argv[2]), int(sys.argv[3])
    repo.add_span(opened, "ben", Span(0, 9, "ORG"))
    repo.set_status(opened, "ben", Status.ACCEPTED)
    repo.set_status(other, "ana", Status.ACCEPTED)
"""


def check_reaches_review_window(
    qtbot: QtBot, project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.documents import Status
    from core.spans import Span
    from ui.review.review_window import ReviewWindow

    with ProjectRepository.open(project) as repo:
        docs = [
            d
            for d, _ in repo.add_documents(
                [new_document("Northvolt opens a plant."), new_document("Umicore recycles.")]
            )
        ]
        repo.add_span(docs[0], "ana", Span(0, 9, "LOC"))
        repo.set_status(docs[0], "ana", Status.ACCEPTED)
    repo = ProjectRepository.open(project)
    window = ReviewWindow(repo, "rita")
    qtbot.addWidget(window)
    try:
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        assert window.live_updates.watching
        queue = window.queue.model
        assert [queue.item(r).document_id for r in range(queue.rowCount())] == [docs[0]]  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: window.document_id == docs[0])  # read in the background
        assert window.editor.annotators == ["ana"]

        read_on: list[bool] = []  # whether each queue read ran on the GUI thread
        read_queue = ProjectRepository.review_queue

        def recorded(self: ProjectRepository, **query: Any) -> Any:
            read_on.append(threading.current_thread() is threading.main_thread())
            return read_queue(self, **query)

        monkeypatch.setattr(ProjectRepository, "review_queue", recorded)
        subprocess.run(
            [sys.executable, "-c", REVIEW_EDIT, project, str(docs[0]), str(docs[1])],
            cwd=ROOT,
            check=True,
            timeout=60,
        )
        done = time.monotonic()
        qtbot.waitUntil(lambda: queue.rowCount() == 2, timeout=2000)
        qtbot.waitUntil(lambda: window.editor.annotators == ["ana", "ben"], timeout=2000)
        assert time.monotonic() - done <= 2.0
        assert window.document_id == docs[0]  # the open document stayed open
        assert "ben" in window.heading.text()
        assert read_on and not any(read_on)  # the queue was read again off the GUI thread
        labels = {c.span.label for c in window.editor.candidates}
        assert labels == {"LOC", "ORG"}  # ana's and ben's candidates side by side
    finally:
        window.close()
        assert not window.live_updates.watching  # a closed window holds no connection
        repo.close()


def test_live_updates_reach_the_review_window_on_sqlite(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_reaches_review_window(qtbot, str(tmp_path / "r.kathode"), monkeypatch)


@pytest.mark.postgres
def test_live_updates_reach_the_review_window_on_postgres(
    qtbot: QtBot, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_reaches_review_window(qtbot, postgres_url, monkeypatch)
