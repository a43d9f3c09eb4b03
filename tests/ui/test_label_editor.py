"""The label scheme editor driven with clicks and keys; the project is checked after reopening."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from core.labels import Label
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.dialogs import label_editor
from ui.dialogs.label_editor import (
    COLOUR,
    KEY,
    NAME,
    SPANS,
    LabelEditor,
    SpanFate,
    SpanFateDialog,
    ask_span_fate,
)

TEXT = "GM buys LFP cells from CATL.\nThe plant in Nevada opens in 2026."
GM, CATL, NEVADA = Span(0, 2, "ORG"), Span(23, 27, "ORG"), Span(42, 48, "FACILITY")
LEFT = Qt.MouseButton.LeftButton
FateAnswer = Callable[[QWidget, str, int, list[str]], SpanFate | None]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "labels.kathode"
    with ProjectRepository.open(path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
        repo.edit_spans(doc_id, "ana", add=[GM, CATL, NEVADA])
        # ben marked GM as a FACILITY too: relabelling it to ORG would make a duplicate.
        repo.edit_spans(doc_id, "ben", add=[Span(0, 2, "FACILITY"), Span(0, 2, "ORG")])
    return path


@pytest.fixture
def repo(project: Path) -> Iterator[ProjectRepository]:
    with ProjectRepository.open(project) as repository:
        yield repository


@pytest.fixture
def editor(qtbot: QtBot, repo: ProjectRepository) -> LabelEditor:
    dialog = LabelEditor(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def row_of(editor: LabelEditor, name: str) -> int:
    return editor.model.names().index(name)


def select(editor: LabelEditor, name: str) -> None:
    editor.table.selectRow(row_of(editor, name))


def type_into_cell(qtbot: QtBot, editor: LabelEditor, row: int, column: int, text: str) -> None:
    """F2 on the cell, replace its text, Return: as a person edits a table cell."""
    editor.table.setCurrentIndex(editor.model.index(row, column))
    qtbot.keyClick(editor.table, Qt.Key.Key_F2)
    type_into_open_editor(qtbot, editor, text)


def type_into_open_editor(qtbot: QtBot, editor: LabelEditor, text: str) -> None:
    line = editor.table.viewport().findChild(QLineEdit)
    assert line is not None, "no cell editor is open"
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    # Qt commits the cell from the event loop, after the editor has seen the key.
    qtbot.waitUntil(lambda: editor.table.viewport().findChild(QLineEdit) is None)


def answer_fate(monkeypatch: pytest.MonkeyPatch, fate: SpanFate | None) -> list[tuple[str, int]]:
    asked: list[tuple[str, int]] = []

    def answer(_parent: QWidget, label: str, count: int, targets: list[str]) -> SpanFate | None:
        asked.append((label, count))
        assert label not in targets
        return fate

    monkeypatch.setattr(label_editor, "ask_span_fate", answer)
    return asked


def test_label_editor_model_passes_qt_model_checks(
    qtmodeltester: ModelTester, editor: LabelEditor
) -> None:
    qtmodeltester.check(editor.model)
    editor.model.add_label()
    editor.model.move(0, 1)
    editor.model.remove(1)
    qtmodeltester.check(editor.model)


def test_label_editor_shows_scheme_with_span_counts(editor: LabelEditor) -> None:
    model = editor.model
    assert model.names()[:3] == ["ORG", "PERSON", "LOC"]
    assert model.data(model.index(0, KEY)) == "o"
    assert model.data(model.index(row_of(editor, "ORG"), SPANS)) == 3
    assert model.data(model.index(row_of(editor, "FACILITY"), SPANS)) == 2
    assert model.data(model.index(0, COLOUR), Qt.ItemDataRole.DecorationRole) == QColor("#88CCEE")


def test_label_editor_whole_edit_saved_in_one_go(
    qtbot: QtBot, editor: LabelEditor, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Recolour ORG through the colour dialog.
    monkeypatch.setattr(QColorDialog, "getColor", lambda *_a, **_k: QColor("#123456"))
    select(editor, "ORG")
    qtbot.mouseClick(editor.colour_button, LEFT)
    # Give PERSON another key, and rename it.
    type_into_cell(qtbot, editor, row_of(editor, "PERSON"), KEY, "Y")
    select(editor, "PERSON")
    qtbot.mouseClick(editor.rename_button, LEFT)
    type_into_open_editor(qtbot, editor, "human")
    # Add a label: its name cell opens for typing at once.
    qtbot.mouseClick(editor.add_button, LEFT)
    type_into_open_editor(qtbot, editor, "SUPPLIER")
    type_into_cell(qtbot, editor, row_of(editor, "SUPPLIER"), KEY, "u")
    # Move LOC above HUMAN.
    select(editor, "LOC")
    qtbot.mouseClick(editor.up_button, LEFT)
    # Delete FACILITY, whose two spans become ORG.
    asked = answer_fate(monkeypatch, SpanFate("ORG"))
    select(editor, "FACILITY")
    qtbot.mouseClick(editor.delete_button, LEFT)
    assert asked == [("FACILITY", 2)]
    assert "FACILITY" not in editor.model.names()
    assert editor.model.span_count(row_of(editor, "ORG")) == 5  # as it will be after Save
    assert not editor.message.isVisible()

    with qtbot.waitSignal(editor.scheme_changed):
        qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.result() == QDialog.DialogCode.Accepted
    editor.repo.close()

    with ProjectRepository.open(project) as reopened:
        labels = reopened.labels()
        names = [label.name for label in labels]
        assert names[:3] == ["ORG", "LOC", "HUMAN"]
        assert names[-1] == "SUPPLIER" and "FACILITY" not in names and len(names) == 12
        assert labels[0] == Label(
            "ORG", "#123456", "o", labels[0].definition, labels[0].example_de, labels[0].example_en
        )
        assert labels[2].key == "y" and labels[2].definition.startswith("A named person")
        assert labels[-1] == Label("SUPPLIER", labels[-1].colour, "u")
        [doc_id] = reopened.document_ids()
        assert reopened.annotation(doc_id, "ana").spans == [GM, CATL, Span(42, 48, "ORG")]
        assert reopened.annotation(doc_id, "ben").spans == [Span(0, 2, "ORG")]
        assert reopened.label_span_counts()["ORG"] == 4


def test_label_editor_duplicate_key_refused_and_nothing_saved(
    qtbot: QtBot, editor: LabelEditor, repo: ProjectRepository
) -> None:
    before = repo.labels()
    type_into_cell(qtbot, editor, row_of(editor, "PERSON"), KEY, "o")
    assert editor.message.isVisible()
    assert editor.message.text() == "Key 'o' belongs to ORG and PERSON."
    person_key = editor.model.index(row_of(editor, "PERSON"), KEY)
    assert editor.model.data(person_key, Qt.ItemDataRole.BackgroundRole) is not None
    with qtbot.assertNotEmitted(editor.scheme_changed):
        qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.isVisible()
    assert editor.message.text().startswith("Not saved:")
    assert repo.labels() == before


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        (KEY, "a", "taken by “Accept document”"),
        (KEY, "x", "taken by “Reject document”"),
        (KEY, "?", "taken by “Keys and labels”"),
        (KEY, "ab", "one letter or digit"),
        (NAME, "9lives", "must be upper case"),
        (NAME, "loc", "two labels named LOC"),
    ],
)
def test_label_editor_invalid_cells_refused(
    qtbot: QtBot,
    editor: LabelEditor,
    repo: ProjectRepository,
    column: int,
    text: str,
    message: str,
) -> None:
    before = repo.labels()
    type_into_cell(qtbot, editor, row_of(editor, "PERSON"), column, text)
    assert message in editor.message.text()
    qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.isVisible() and repo.labels() == before


def test_label_editor_key_fixed_again_clears_the_message(qtbot: QtBot, editor: LabelEditor) -> None:
    row = row_of(editor, "PERSON")
    type_into_cell(qtbot, editor, row, KEY, "o")
    assert editor.message.isVisible()
    type_into_cell(qtbot, editor, row, KEY, "1")
    assert not editor.message.isVisible()


def test_label_editor_keys_can_be_swapped(
    qtbot: QtBot, editor: LabelEditor, repo: ProjectRepository
) -> None:
    type_into_cell(qtbot, editor, row_of(editor, "ORG"), KEY, "p")
    type_into_cell(qtbot, editor, row_of(editor, "PERSON"), KEY, "o")
    qtbot.mouseClick(editor.save_button, LEFT)
    keys = {label.name: label.key for label in repo.labels()}
    assert (keys["ORG"], keys["PERSON"]) == ("p", "o")


def test_label_editor_delete_cancelled_keeps_the_label(
    qtbot: QtBot, editor: LabelEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer_fate(monkeypatch, None)
    select(editor, "ORG")
    qtbot.mouseClick(editor.delete_button, LEFT)
    assert asked == [("ORG", 3)]
    assert "ORG" in editor.model.names()


def test_label_editor_delete_spans_and_follow_a_chain(
    qtbot: QtBot, editor: LabelEditor, repo: ProjectRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FACILITY's spans go to ORG; then ORG (with them) goes to LOC; PERSON (no spans) just goes.
    asked = answer_fate(monkeypatch, SpanFate("ORG"))
    select(editor, "FACILITY")
    qtbot.mouseClick(editor.delete_button, LEFT)
    answer_fate(monkeypatch, SpanFate("LOC"))
    select(editor, "ORG")
    qtbot.mouseClick(editor.delete_button, LEFT)
    asked = answer_fate(monkeypatch, None)
    select(editor, "PERSON")
    qtbot.mouseClick(editor.delete_button, LEFT)
    assert asked == []  # no spans, no question
    assert editor.model.span_count(row_of(editor, "LOC")) == 5
    qtbot.mouseClick(editor.save_button, LEFT)
    [doc_id] = repo.document_ids()
    assert {s.label for s in repo.annotation(doc_id, "ana").spans} == {"LOC"}
    assert repo.annotation(doc_id, "ben").spans == [Span(0, 2, "LOC")]
    assert [label.name for label in repo.labels()][:2] == ["LOC", "PRODUCT"]


def test_label_editor_delete_with_spans_removes_them(
    qtbot: QtBot, editor: LabelEditor, repo: ProjectRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_fate(monkeypatch, SpanFate(None))
    select(editor, "ORG")
    qtbot.mouseClick(editor.delete_button, LEFT)
    qtbot.mouseClick(editor.save_button, LEFT)
    [doc_id] = repo.document_ids()
    assert repo.annotation(doc_id, "ana").spans == [NEVADA]
    assert repo.annotation(doc_id, "ben").spans == [Span(0, 2, "FACILITY")]


def test_label_editor_cancel_saves_nothing(
    qtbot: QtBot, editor: LabelEditor, repo: ProjectRepository
) -> None:
    before = repo.labels()
    type_into_cell(qtbot, editor, 0, NAME, "COMPANY")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert repo.labels() == before


def test_label_editor_move_buttons_follow_the_selection(qtbot: QtBot, editor: LabelEditor) -> None:
    select(editor, "ORG")
    assert not editor.up_button.isEnabled() and editor.down_button.isEnabled()
    qtbot.mouseClick(editor.down_button, LEFT)
    assert editor.model.names()[:2] == ["PERSON", "ORG"]
    assert editor.current_row == 1 and editor.up_button.isEnabled()


def test_span_fate_dialog_relabel_or_delete(qtbot: QtBot) -> None:
    dialog = SpanFateDialog("FACILITY", 2, ["ORG", "LOC"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.relabel_radio.isChecked() and dialog.target_combo.currentText() == "ORG"
    qtbot.keyClick(dialog.target_combo, Qt.Key.Key_Down)
    assert dialog.fate() == SpanFate("LOC")
    on_its_text = QPoint(12, dialog.delete_radio.height() // 2)
    qtbot.mouseClick(dialog.delete_radio, LEFT, pos=on_its_text)
    assert not dialog.target_combo.isEnabled()
    assert dialog.fate() == SpanFate(None)


def test_span_fate_dialog_without_other_labels_can_only_delete(qtbot: QtBot) -> None:
    dialog = SpanFateDialog("ORG", 1, [])
    qtbot.addWidget(dialog)
    assert not dialog.relabel_radio.isEnabled() and dialog.delete_radio.isChecked()
    assert "used by 1 span." in dialog.question.text()
    assert dialog.fate() == SpanFate(None)


@pytest.mark.parametrize(("button", "expected"), [("ok", SpanFate("ORG")), ("cancel", None)])
def test_span_fate_asked_modally(qtbot: QtBot, button: str, expected: SpanFate | None) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SpanFateDialog)
        assert "used by 2 spans" in dialog.question.text()
        which = (
            QDialogButtonBox.StandardButton.Ok
            if button == "ok"
            else QDialogButtonBox.StandardButton.Cancel
        )
        qtbot.mouseClick(dialog.buttons.button(which), LEFT)

    QTimer.singleShot(0, answer)
    assert ask_span_fate(parent, "FACILITY", 2, ["ORG", "LOC"]) == expected
