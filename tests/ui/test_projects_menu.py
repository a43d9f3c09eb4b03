"""File → New project…, Open project…, Open Recent, and the project reopened at start: the
window switches project cleanly (its suggestion process stops, its database closes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from core.spans import Span
from storage.demo import demo_path
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.app import ProjectSession, last_project, start_project
from ui.dialogs.annotator_dialog import settings
from ui.widgets.actions import ActionId
from ui.widgets.recent_projects import RECENT_LIMIT, recent_projects, remember_project


def make_project(path: Path, text: str) -> Path:
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(text)])
    return path


@pytest.fixture
def session(qtbot: QtBot) -> Iterator[ProjectSession]:
    session = ProjectSession("ana", suggestions=False)
    yield session
    if session.window is not None:
        session.window.close()
    session.close()


def choose_file_in_next_dialog(path: Path) -> None:
    """Type a file name into the next file dialog and press its Open/Save button."""

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, choose)
            return
        dialog.selectFile(str(path))
        dialog.accept()

    QTimer.singleShot(0, choose)


def test_projects_menu_open_and_recent_switch_the_window(
    qtbot: QtBot, tmp_path: Path, session: ProjectSession
) -> None:
    first = make_project(tmp_path / "first.kathode", "GM buys cells from CATL.")
    second = make_project(tmp_path / "second.kathode", "Northvolt baut in Heide.")
    window = session.show(ProjectRepository.open(first))
    old_repo = session.repo
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[0] == "&File"
    file_menu = window.menus["File"]
    assert [a.text() for a in file_menu.actions() if a.text()] == [
        "&New project…", "&Open project…", "Open &Recent", "&Quit",
    ]  # fmt: skip

    choose_file_in_next_dialog(second)
    window.actions_by_id[ActionId.OPEN_PROJECT].trigger()
    qtbot.waitUntil(lambda: session.window is not window)
    opened = session.window
    assert opened is not None and opened.repo.name == "second"
    assert opened.article.toPlainText() == "Northvolt baut in Heide."
    assert not window.isVisible()
    assert old_repo is not None and old_repo.engine.pool.checkedout() == 0
    assert recent_projects(settings())[:2] == [str(second.resolve()), str(first.resolve())]
    assert last_project() == str(second.resolve())

    opened.recent_menu.fill()  # the first project, from Open Recent
    entries = [a for a in opened.recent_menu.actions() if a.isEnabled()]
    assert [a.text() for a in entries] == [str(first.resolve())]
    opened.article.select_range(0, 9)
    opened.label_actions["ORG"].trigger()
    entries[0].trigger()
    assert session.window is not opened and session.window.repo.name == "first"
    with ProjectRepository.open(second) as repo:  # the edit made before switching is there
        assert repo.annotation(repo.document_ids()[0], "ana").spans == [Span(0, 9, "ORG")]


def test_projects_menu_new_project_is_created_and_opened(
    qtbot: QtBot, tmp_path: Path, session: ProjectSession
) -> None:
    first = make_project(tmp_path / "first.kathode", "GM buys cells from CATL.")
    window = session.show(ProjectRepository.open(first))
    choose_file_in_next_dialog(tmp_path / "fresh")  # no suffix: .kathode is added
    window.actions_by_id[ActionId.NEW_PROJECT].trigger()
    qtbot.waitUntil(lambda: session.window is not window)
    assert session.window is not None and session.window.repo.name == "fresh"
    assert (tmp_path / "fresh.kathode").is_file()
    assert session.window.queue.model.rowCount() == 0
    assert "new project" in session.window.statusBar().currentMessage()


def test_projects_menu_switching_stops_the_suggestion_process(qtbot: QtBot, tmp_path: Path) -> None:
    first = make_project(tmp_path / "first.kathode", "GM buys cells from CATL.")
    second = make_project(tmp_path / "second.kathode", "Northvolt baut in Heide.")
    session = ProjectSession("ana", suggestions=True)
    window = session.show(ProjectRepository.open(first))
    assert window.service is not None
    process = window.service._process
    qtbot.waitUntil(lambda: process.is_alive(), timeout=10_000)
    assert session.switch(str(second))
    assert not process.is_alive()
    opened = session.window
    assert opened is not None and opened is not window and opened.service is not None
    opened.close()  # before its first request went out: it never starts a server later
    qtbot.wait(800)
    assert opened.service._process.pid is None
    session.close()


def test_projects_menu_a_vanished_recent_project_is_refused_and_forgotten(
    qtbot: QtBot, tmp_path: Path, session: ProjectSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_project(tmp_path / "first.kathode", "GM buys cells from CATL.")
    window = session.show(ProjectRepository.open(first))
    gone = str(tmp_path / "gone.kathode")
    remember_project(settings(), gone)
    warnings: list[str] = []
    monkeypatch.setattr(
        "ui.app.QMessageBox.warning", lambda _parent, _title, text: warnings.append(text)
    )
    assert not session.switch(gone)
    assert session.window is window and not Path(gone).exists()  # nothing was created
    assert "not there any more" in warnings[0]
    assert gone not in recent_projects(settings())


def test_projects_menu_recent_list_keeps_eight() -> None:
    store = settings()
    for i in range(RECENT_LIMIT + 3):
        remember_project(store, f"/p/{i}.kathode")
    remember_project(store, "/p/5.kathode")
    recent = recent_projects(store)
    assert len(recent) == RECENT_LIMIT
    assert recent[:2] == ["/p/5.kathode", "/p/10.kathode"]


def test_projects_menu_start_reopens_the_last_project_else_the_demo(tmp_path: Path) -> None:
    last = make_project(tmp_path / "last.kathode", "GM buys cells from CATL.")
    remember_project(settings(), str(last))
    repo, notice = start_project()
    with repo:
        assert repo.name == "last" and notice == f"Reopened {last}"
    last.unlink()
    repo, notice = start_project()
    with repo:
        assert Path(repo.display_url) == demo_path()
        assert notice == f"The last project {last} is gone: the demo project is open"
