"""The status bar's figures, counted off the GUI thread: the progress and the session
figures (documents and entities per hour this session, since the window opened, and today)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storage.repository import ProjectRepository
from storage.statistics import MIN_HOURS
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow


def test_work_figures_session_rates_follow_the_work(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    project = tmp_path / "p.kathode"
    with ProjectRepository.open(project) as repo:
        repo.add_documents([new_document("GM buys cells."), new_document("CATL builds.")])
    _, window = open_window(project)
    session = window.work_figures.session
    qtbot.waitUntil(lambda: session.text().startswith("session 0.0 docs/h"), timeout=5000)
    window.article.select_range(0, 2)
    qtbot.keyClick(window.article, Qt.Key.Key_O)  # one entity: counted without a decision
    # Minutes into the session the hours count as MIN_HOURS: 1 / (5/60) = 12 per hour.
    entity = f"0.0 docs/h · {1 / MIN_HOURS:.0f} entities/h"
    qtbot.waitUntil(lambda: session.text().startswith(f"session {entity}"), timeout=5000)
    qtbot.keyClick(window.article, Qt.Key.Key_A)  # one document finished
    rate = f"{1 / MIN_HOURS:.1f} docs/h · {1 / MIN_HOURS:.0f} entities/h"
    qtbot.waitUntil(lambda: session.text() == f"session {rate} — today {rate}", timeout=5000)
    assert window.progress.text() == "ana: 1 of 2 done"


def test_work_figures_progress_counted_after_another_annotator(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    project = tmp_path / "p.kathode"
    with ProjectRepository.open(project) as repo:
        [(doc, _)] = repo.add_documents([new_document("GM buys cells.")])
        from core.documents import Status

        repo.set_status(doc, "ben", Status.ACCEPTED)
    _, window = open_window(project)
    qtbot.waitUntil(lambda: window.progress.text() == "ana: 0 of 1 done", timeout=5000)
    window.set_annotator("ben")
    qtbot.waitUntil(lambda: window.progress.text() == "ben: 1 of 1 done", timeout=5000)
