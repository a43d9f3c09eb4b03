"""Find in the document (Ctrl+F), driven with keys, and the span list following the cursor."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow
from ui.widgets.find_bar import find_hits

TEXT = "CATL liefert Zellen. Später baut CATL in Arnstadt; catl wächst.\nDas Werk von CATL."
SECOND = "BYD baut keine Zellen in Arnstadt."
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_find_bar_hits_are_case_insensitive_offsets() -> None:
    assert find_hits(TEXT, "catl") == [(0, 4), (33, 37), (51, 55), (77, 81)]
    assert find_hits(TEXT, "") == []
    assert find_hits("a.b axb", ".") == [(1, 2)]  # the text as typed, not a pattern


def test_find_bar_keys_step_through_hits_and_escape_returns_to_the_article(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(TEXT, "de"), new_document(SECOND, "de")])
    _, window = open_window(path)
    article, bar = window.article, window.find_bar
    assert not bar.isVisible()
    qtbot.keyClick(article, Qt.Key.Key_F, CTRL)
    assert bar.isVisible() and QApplication.focusWidget() is bar.field
    qtbot.keyClicks(bar.field, "catl")  # label keys type into the field, they mark nothing
    assert window.spans == []
    assert bar.count.text() == "4 hits"
    assert len(article.extraSelections()) == 4
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert article.selection() == (0, 4) and bar.count.text() == "1 of 4"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert article.selection() == (33, 37)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert article.selection() == (51, 55)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, SHIFT)
    assert article.selection() == (33, 37)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, SHIFT)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, SHIFT)  # wraps round to the last hit
    assert article.selection() == (77, 81) and bar.count.text() == "4 of 4"
    assert window.document_id == window.queue.model.document_id(0)  # Enter accepted nothing
    assert window.spans == []

    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert QApplication.focusWidget() is article
    assert article.extraSelections() == []
    qtbot.keyClick(article, Qt.Key.Key_O)  # the found hit is still selected: mark it
    assert window.spans == [Span(77, 81, "ORG")]

    qtbot.keyClick(article, Qt.Key.Key_F, CTRL)  # open again: the same text, found again
    assert bar.field.text() == "catl" and bar.count.text() == "4 hits"
    qtbot.keyClick(article, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert article.toPlainText() == SECOND
    assert bar.count.text() == "no hits" and article.extraSelections() == []


def test_find_bar_span_list_follows_the_cursor(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        document = repo.add_documents([new_document(TEXT, "de")])[0][0]
        repo.add_span(document, "ana", Span(0, 4, "ORG"))
        repo.add_span(document, "ana", Span(41, 49, "LOC"))
    _, window = open_window(path)
    article, table = window.article, window.side.table
    window.editor.set_suggestions(document, [Span(77, 81, "ORG", "rules:de-patterns")])
    assert window.side.model.rowCount() == 3
    article.select_range(44, 44)  # in Arnstadt
    assert table.currentIndex().row() == 1
    assert table.selectionModel().isRowSelected(1)
    qtbot.keyClick(article, Qt.Key.Key_Tab)  # the next mark: the suggestion's row
    assert table.currentIndex().row() == 2
    article.select_range(10, 10)  # on no span: nothing selected in the list
    assert not table.selectionModel().hasSelection()
