"""Issue 12's editing items, driven with keys: relabel after resize, focus after a dialog,
Delete on an accepted suggestion, resizing a suggestion, the annotator switch, and the
selection after undo. What was stored is read back from the reopened project."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow
from ui.widgets.actions import ActionId

ENGLISH = "GM buys LFP cells from CATL for its plant in Tennessee."
SECOND = "Northvolt builds a plant in Skellefteå."
ALT, SHIFT = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier
CATL = Span(23, 27, "ORG", "rules:en-patterns")
TENNESSEE = Span(45, 54, "LOC", "rules:en-patterns")


def make_project(path: Path, *texts: str) -> None:
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(text) for text in texts])


def stored(path: Path, document: int, annotator: str = "ana") -> tuple[list[Span], list[Span]]:
    with ProjectRepository.open(path) as repo:
        annotation = repo.annotation(document, annotator)
    return annotation.spans, annotation.rejected


def answer_next_dialog(qtbot: QtBot, answer: object) -> None:
    """Close the next modal dialog the way a person would (``answer(dialog)``)."""

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close)
            return
        answer(dialog)  # type: ignore[operator]

    QTimer.singleShot(0, close)


def wait_focus_back(qtbot: QtBot, window: QWidget, widget: QWidget) -> None:
    """The window manager activates the window again after its dialog (the offscreen
    platform does not): the widget focused then is the one the window chose."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.focusWidget() is widget
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_annotator_edits_relabel_after_resize_never_asks(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    article = window.article
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a))
    article.select_range(45, 54)  # Tennessee
    qtbot.keyClick(article, Qt.Key.Key_L)
    qtbot.keyClick(article, Qt.Key.Key_Left, ALT | SHIFT)  # grow left: "in Tennessee"
    assert article.selection() == (42, 54)
    qtbot.keyClick(article, Qt.Key.Key_F)  # a label key on the resized span relabels it
    assert asked == []
    assert window.spans == [Span(42, 54, "FACILITY")]
    window.close()
    assert stored(path, window.editor.document.id)[0] == [Span(42, 54, "FACILITY")]  # type: ignore[union-attr]


def test_annotator_edits_focus_returns_to_the_article_after_a_dialog(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    """The replace question, answered with No: the next label key works on the article."""
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    article = window.article
    article.select_range(23, 27)
    qtbot.keyClick(article, Qt.Key.Key_O)
    window.side.table.setFocus()  # as after clicking the span list
    article.select_range(8, 27)  # overlaps CATL: asks
    answer_next_dialog(qtbot, lambda box: box.button(QMessageBox.StandardButton.No).click())
    window.label_actions["CHEMISTRY"].trigger()
    wait_focus_back(qtbot, window, article)
    assert window.spans == [Span(23, 27, "ORG")]
    article.select_range(8, 11)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C)  # the key reaches the article
    assert window.spans == [Span(8, 11, "CHEMISTRY"), Span(23, 27, "ORG")]

    window.side.table.setFocus()
    answer_next_dialog(qtbot, lambda dialog: dialog.reject())  # the help dialog, closed
    window.actions_by_id[ActionId.HELP].trigger()
    wait_focus_back(qtbot, window, article)


def test_annotator_edits_one_delete_removes_an_accepted_suggestion_for_good(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    editor, article = window.editor, window.article
    document = window.document_id
    assert document is not None
    editor.set_suggestions(document, [CATL, TENNESSEE])
    article.select_range(24, 24)
    qtbot.keyClick(article, Qt.Key.Key_Return)  # accept CATL
    assert editor.spans == [CATL] and editor.suggestions == [TENNESSEE]
    qtbot.keyClick(article, Qt.Key.Key_Delete)  # one Delete: gone, not a suggestion again
    assert editor.spans == [] and editor.suggestions == [TENNESSEE]
    assert stored(path, document) == ([], [Span(23, 27, "ORG", "manual")])
    qtbot.keyClick(article, Qt.Key.Key_Backspace)  # one undo brings both back
    assert editor.spans == [CATL] and editor.suggestions == [TENNESSEE]
    assert stored(path, document) == ([CATL], [])

    article.select_range(24, 24)  # a suggestion taken with another label: the same
    qtbot.keyClick(article, Qt.Key.Key_Delete)
    qtbot.keyClick(article, Qt.Key.Key_Backspace)
    qtbot.keyClick(article, Qt.Key.Key_F)
    assert editor.spans == [Span(23, 27, "FACILITY")]
    qtbot.keyClick(article, Qt.Key.Key_Delete)
    assert editor.spans == [] and editor.suggestions == [TENNESSEE]
    window.close()
    assert stored(path, document) == ([], [Span(23, 27, "ORG", "manual")])


def test_annotator_edits_resizing_a_suggestion_accepts_it(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    editor, article = window.editor, window.article
    document = window.document_id
    assert document is not None
    editor.set_suggestions(document, [CATL, TENNESSEE])
    article.select_range(46, 46)  # the caret in the Tennessee suggestion
    qtbot.keyClick(article, Qt.Key.Key_Left, ALT | SHIFT)  # grow left: accepted as resized
    grown = Span(42, 54, "LOC", "rules:en-patterns")
    assert editor.spans == [grown] and editor.suggestions == [CATL]
    assert article.selection() == (42, 54)
    assert stored(path, document)[0] == [grown]
    qtbot.keyClick(article, Qt.Key.Key_Backspace)  # one undo step: the suggestion again
    assert editor.spans == [] and editor.suggestions == [CATL, TENNESSEE]
    assert stored(path, document)[0] == []
    qtbot.keyClick(article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | SHIFT)
    qtbot.keyClick(article, Qt.Key.Key_Delete)  # and Delete on it rejects the suggestion
    assert editor.spans == [] and editor.suggestions == [CATL]
    window.close()
    assert stored(path, document) == ([], [Span(45, 54, "LOC", "manual")])


def test_annotator_edits_undo_selects_the_restored_extent(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH)
    _, window = open_window(path)
    article = window.article
    article.select_range(45, 54)
    qtbot.keyClick(article, Qt.Key.Key_L)
    qtbot.keyClick(article, Qt.Key.Key_Left, ALT | SHIFT)
    assert article.selection() == (42, 54)
    qtbot.keyClick(article, Qt.Key.Key_Backspace)  # undo the resize: Tennessee selected
    assert article.selection() == (45, 54)
    assert window.side.table.currentIndex().row() == 0  # and the span list follows
    qtbot.keyClick(article, Qt.Key.Key_Backspace)  # undo the span: the caret where it was
    assert article.selection() == (45, 45)
    assert window.spans == []


def test_annotator_edits_switching_annotator_keeps_the_document(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, ENGLISH, SECOND)
    with ProjectRepository.open(path) as repo:
        second = repo.document_ids()[1]
        repo.add_span(second, "ben", Span(0, 9, "ORG"))
    _, window = open_window(path)
    qtbot.keyClick(window.article, Qt.Key.Key_Down, ALT)  # the second document
    assert window.document_id == second

    def name_ben(dialog: QInputDialog) -> None:
        dialog.setTextValue("ben")
        dialog.accept()

    answer_next_dialog(qtbot, name_ben)
    window.actions_by_id[ActionId.CHANGE_ANNOTATOR].trigger()
    assert window.annotator == "ben"
    assert window.document_id == second
    assert window.article.toPlainText() == SECOND
    assert window.side.version.currentText() == "ben"
    assert window.spans == [Span(0, 9, "ORG")]
    assert "— ben" in window.windowTitle()
    wait_focus_back(qtbot, window, window.article)
