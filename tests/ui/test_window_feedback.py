"""What the window tells: the suggestions-loading state, status-bar messages that do not
outlive their action, counted nouns, keys as menus show them, and the window's size and
splitter remembered (and clamped to the screen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow
from ui.annotate.suggestions import LOADING_TEXT
from ui.dialogs.annotator_dialog import settings
from ui.widgets.actions import ActionId, key_text
from ui.widgets.wording import counted

ENGLISH = "GM buys LFP cells from CATL for its plant in Tennessee."


def make_project(path: Path, *texts: str) -> None:
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(text) for text in texts])


def test_window_feedback_suggestions_loading_shows_until_they_arrive_or_fail(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path, suggestions=True)
    # The first document: spaCy starts in the server, which takes seconds; it says so.
    banner, note = window.loading.banner, window.loading.note
    assert window.suggestions_loading
    assert banner.isVisible() and banner.text() == LOADING_TEXT
    assert note.isVisible() and note.text() == LOADING_TEXT  # in the status bar
    window.on_message("Backed up")  # a passing message does not hide the state
    assert note.isVisible()
    qtbot.waitUntil(lambda: bool(window.editor.suggestions), timeout=60_000)
    assert not window.suggestions_loading
    assert not banner.isVisible() and not note.isVisible()

    assert window.service is not None
    window.service.stop()  # the server is gone: asking again fails, and the state goes
    window.refresh_suggestions()
    assert not window.suggestions_loading
    assert "stopped" in window.statusBar().currentMessage()


def test_window_feedback_messages_are_replaced_by_the_next_action(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    article = window.article
    article.select_range(10, 10)
    qtbot.keyClick(article, Qt.Key.Key_Delete)  # nothing there: a message
    assert window.statusBar().currentMessage() == "No span or suggestion under the cursor."
    article.select_range(0, 2)
    qtbot.keyClick(article, Qt.Key.Key_O)  # the next edit replaces it
    assert window.statusBar().currentMessage() == ""
    window.on_message("Backed up")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=10_000)


def test_window_feedback_import_counts_in_the_singular(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    text_file = tmp_path / "one.txt"
    text_file.write_text("Northvolt baut eine Fabrik in Heide.", encoding="utf-8")
    assert window.project_actions is not None
    window.project_actions.start_import([text_file])  # type: ignore[attr-defined]
    assert window.statusBar().currentMessage() == "Importing 1 file…"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Imported"))
    assert window.statusBar().currentMessage() == (
        "Imported 1 document (0 already there), 0 annotations, 0 spans"
    )
    assert counted(2, "document") == "2 documents" and counted(1, "hit") == "1 hit"


def test_window_feedback_keys_are_shown_as_menus_show_them(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    native = (
        window.actions_by_id[ActionId.ACCEPT_DOCUMENT]
        .shortcut()
        .toString(
            window.actions_by_id[ActionId.ACCEPT_DOCUMENT].shortcut().SequenceFormat.NativeText
        )
    )
    assert native == key_text("A") == key_text("a") == "A"
    assert key_text("Shift+A") == "Shift+A"
    assert window.label_bar.buttons["ORG"].text() == "ORG [O]"
    assert "(O)" in window.label_actions["ORG"].toolTip()
    assert "(A)" in window.actions_by_id[ActionId.ACCEPT_DOCUMENT].toolTip()
    assert [m.title() for m in window.menuBar().findChildren(type(window.labels_menu))
            if m.parent() is window.menuBar()][:2] == ["&File", "&Document"]  # fmt: skip


def test_window_feedback_size_and_splitter_are_remembered(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    window.resize(700, 500)
    window.splitter.setSizes([150, 400, 150])
    sizes = window.splitter.sizes()
    window.close()
    _, again = open_window(path)
    assert (again.width(), again.height()) == (700, 500)
    assert again.splitter.sizes() == sizes


def test_window_feedback_restored_geometry_is_clamped_to_the_screen(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    """A size saved on a larger monitor, off to the side: the window opens on this screen."""
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    screen = QApplication.primaryScreen().availableGeometry()
    window.setGeometry(QRect(screen.width() + 500, 300, screen.width() * 2, screen.height() * 2))
    window.close()
    assert settings().value("main_window/geometry") is not None
    _, again = open_window(path)
    frame = again.frameGeometry()
    assert again.width() <= screen.width() and again.height() <= screen.height()
    assert screen.contains(frame.topLeft()) and again.x() < screen.right()
