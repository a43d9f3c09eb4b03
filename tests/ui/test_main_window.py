"""The window driven with keys and clicks; what it stores is checked after reopening."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow

GERMAN = "General Motors kauft LFP-Zellen von CATL.\nDas Werk in Arnstadt liefert ab 2026."
ENGLISH = "GM buys LFP cells from CATL for its plant in Tennessee."
ALT, SHIFT, CTRL = (
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
)


def make_project(path: Path, *texts: tuple[str, str]) -> None:
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(text, lang) for text, lang in texts])


def test_main_window_keyboard_span_survives_reopen(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, (GERMAN, "de"), ("Zweiter Text.", "de"))
    _, window = open_window(path)
    assert window.windowTitle() == "Kathode — p — ana"
    article = window.article
    first = window.document_id
    assert first is not None

    article.select_range(1, 11)  # "eneral Mot": snapped to whole tokens
    qtbot.keyClick(article, Qt.Key.Key_O)
    article.select_range(21, 24)
    qtbot.mouseClick(window.label_bar.buttons["CHEMISTRY"], Qt.MouseButton.LeftButton)
    article.select_range(36, 40)
    qtbot.keyClick(article, Qt.Key.Key_O)
    article.select_range(37, 37)
    qtbot.keyClick(article, Qt.Key.Key_Delete)
    assert window.label_bar.buttons["ORG"].text() == "ORG [O] · 1"
    qtbot.keyClick(article, Qt.Key.Key_A)
    assert window.document_id != first
    window.close()

    with ProjectRepository.open(path) as reopened:
        annotation = reopened.annotation(first, "ana")
    assert annotation.status is Status.ACCEPTED
    assert annotation.spans == [Span(0, 14, "ORG"), Span(21, 24, "CHEMISTRY")]


def test_main_window_overlap_asks_to_replace(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, (GERMAN, "de"))
    _, window = open_window(path)
    window.article.select_range(0, 14)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    window.article.select_range(8, 20)
    qtbot.keyClick(window.article, Qt.Key.Key_P)
    assert window.spans == [Span(0, 14, "ORG")]
    window.article.select_range(8, 20)
    qtbot.keyClick(window.article, Qt.Key.Key_P)
    assert window.spans == [Span(8, 20, "PERSON")]


def test_main_window_whole_loop_with_suggestions(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    """Open, accept a suggestion, correct a label, resize, add, reject, undo, redo, accept."""
    path = tmp_path / "p.kathode"
    make_project(path, (ENGLISH, "en"), ("Second document about Northvolt.", "en"))
    _, window = open_window(path, suggestions=True)
    editor, article = window.editor, window.article
    qtbot.waitUntil(lambda: len(editor.suggestions) >= 3, timeout=60_000)
    suggested = {(s.start, s.end, s.label) for s in editor.suggestions}
    assert {(0, 2, "ORG"), (8, 11, "CHEMISTRY"), (23, 27, "ORG")} <= suggested
    document = window.document_id

    article.select_range(1, 1)  # caret in "GM": Enter accepts the suggestion
    qtbot.keyClick(article, Qt.Key.Key_Return)
    article.select_range(24, 24)  # a label key on a suggestion confirms it with that label
    qtbot.keyClick(article, Qt.Key.Key_F)
    article.select_range(24, 24)  # and on a confirmed span corrects the label
    qtbot.keyClick(article, Qt.Key.Key_O)
    article.select_range(45, 50)  # "Tenne" -> "Tennessee"
    qtbot.keyClick(article, Qt.Key.Key_L)
    article.select_range(46, 46)
    qtbot.keyClick(article, Qt.Key.Key_Left, ALT | SHIFT)  # grow left: "in Tennessee"
    assert Span(42, 54, "LOC") in editor.spans
    qtbot.keyClick(article, Qt.Key.Key_Right, ALT | SHIFT)  # shrink back
    assert Span(45, 54, "LOC") in editor.spans
    article.select_range(9, 9)
    qtbot.keyClick(article, Qt.Key.Key_Delete)  # reject the LFP suggestion
    assert (8, 11) not in {(s.start, s.end) for s in editor.suggestions}
    qtbot.keyClick(article, Qt.Key.Key_Backspace)  # undo the rejection
    assert (8, 11) in {(s.start, s.end) for s in editor.suggestions}
    qtbot.keyClick(article, Qt.Key.Key_Z, CTRL | SHIFT)  # redo it
    assert (8, 11) not in {(s.start, s.end) for s in editor.suggestions}
    qtbot.keyClick(article, Qt.Key.Key_A)
    assert window.document_id != document
    window.close()

    with ProjectRepository.open(path) as reopened:
        annotation = reopened.annotation(document, "ana")
    assert annotation.status is Status.ACCEPTED
    assert [(s.start, s.end, s.label) for s in annotation.spans] == [
        (0, 2, "ORG"),
        (23, 27, "ORG"),
        (45, 54, "LOC"),
    ]
    assert annotation.spans[0].source.startswith("rules:")
    assert annotation.spans[1].source == "manual"
    assert annotation.rejected == [Span(8, 11, "CHEMISTRY", "manual")]


def test_main_window_undo_across_documents(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, (ENGLISH, "en"), ("Second document about Northvolt.", "en"))
    _, window = open_window(path)
    first = window.document_id
    window.article.select_range(0, 2)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    qtbot.keyClick(window.article, Qt.Key.Key_Down, ALT)  # next document
    assert window.document_id != first
    qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)  # undo brings the first one back
    assert window.document_id == first
    assert window.spans == []


def test_main_window_other_annotators_version_is_read_only(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, (ENGLISH, "en"))
    with ProjectRepository.open(path) as repo:
        repo.add_span(repo.document_ids()[0], "ben", Span(23, 27, "ORG"))
    _, window = open_window(path)
    window.side.version_chosen.emit("ben")
    assert "viewing ben, read-only" in window.windowTitle()
    assert window.spans == [Span(23, 27, "ORG")]
    window.article.select_range(0, 2)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    assert window.spans == [Span(23, 27, "ORG")]
    assert "read-only" in window.statusBar().currentMessage()


def test_main_window_opens_review_and_agreement(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path, (ENGLISH, "en"))
    _, window = open_window(path)
    from ui.widgets.actions import ActionId

    window.actions_by_id[ActionId.REVIEW].trigger()
    review = window.project_actions.review_window
    assert review is not None and review.isVisible()
    window.on_scheme_changed()  # labels changed: the review window is closed
    assert window.project_actions.review_window is None
