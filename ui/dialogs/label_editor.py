"""The label scheme editor: add, rename, recolour, re-key, reorder and delete labels.

The dialog edits a draft; nothing reaches the project until Save, which hands the whole new
scheme, the renames and the fate of every deleted label's spans to
``ProjectRepository.save_scheme`` as one transaction.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.labels import LabelSchemeError
from storage.repository import ProjectRepository, StorageError
from ui.dialogs.label_scheme_model import (
    COLOUR,
    DEFINITION,
    EXAMPLE_DE,
    EXAMPLE_EN,
    HEADERS,
    KEY,
    NAME,
    SPANS,
    LabelDraft,
    LabelSchemeModel,
    SpanFate,
    reserved_keys,
)

__all__ = [
    "COLOUR",
    "HEADERS",
    "KEY",
    "NAME",
    "SPANS",
    "LabelDraft",
    "LabelEditor",
    "LabelSchemeModel",
    "SpanFate",
    "SpanFateDialog",
    "ask_span_fate",
    "reserved_keys",
]


class SpanFateDialog(QDialog):
    """Asks what becomes of the spans of a label being deleted: delete them or relabel them."""

    def __init__(
        self, label: str, count: int, targets: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Delete {label}?")
        spans = "1 span" if count == 1 else f"{count} spans"
        self.question = QLabel(f"<b>{label}</b> is used by {spans}. What should happen to them?")
        self.question.setWordWrap(True)
        self.delete_radio = QRadioButton(f"&Delete the {spans}", self)
        self.relabel_radio = QRadioButton("&Relabel them as", self)
        self.target_combo = QComboBox(self)
        self.target_combo.addItems(targets)
        group = QButtonGroup(self)
        group.addButton(self.delete_radio)
        group.addButton(self.relabel_radio)
        self.relabel_radio.setEnabled(bool(targets))
        (self.relabel_radio if targets else self.delete_radio).setChecked(True)
        self.relabel_radio.toggled.connect(self.target_combo.setEnabled)
        self.target_combo.setEnabled(self.relabel_radio.isChecked())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"Delete {label}")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        relabel_row = QHBoxLayout()
        relabel_row.addWidget(self.relabel_radio)
        relabel_row.addWidget(self.target_combo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.delete_radio)
        layout.addLayout(relabel_row)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def fate(self) -> SpanFate:
        if self.relabel_radio.isChecked():
            return SpanFate(self.target_combo.currentText())
        return SpanFate(None)


def ask_span_fate(parent: QWidget, label: str, count: int, targets: list[str]) -> SpanFate | None:
    """Ask, modally; None when the person cancels."""
    dialog = SpanFateDialog(label, count, targets, parent)
    return dialog.fate() if dialog.exec() == QDialog.DialogCode.Accepted else None


class LabelEditor(QDialog):
    """Edits the project's label scheme; ``scheme_changed`` follows a successful Save."""

    scheme_changed = Signal()

    def __init__(self, repo: ProjectRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle(f"Kathode — label scheme of {repo.name}")
        self.setObjectName("labelEditor")
        self.model = LabelSchemeModel(repo.labels(), repo.label_span_counts())
        self.table = self._make_table()
        self.add_button = QPushButton("&Add", self)
        self.rename_button = QPushButton("Re&name", self)
        self.colour_button = QPushButton("&Colour…", self)
        self.up_button = QPushButton("Move &up", self)
        self.down_button = QPushButton("Move do&wn", self)
        self.delete_button = QPushButton("&Delete…", self)
        self.message = QLabel(self)
        self.message.setObjectName("labelEditorMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self._compose()
        self._connect_signals()
        self.resize(1180, 560)
        if self.model.rowCount():
            self.table.selectRow(0)
        self.on_selection_changed()

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("labelTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        for column, width in ((NAME, 130), (COLOUR, 100), (KEY, 50), (SPANS, 60)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(column, width)
        for column in (EXAMPLE_DE, EXAMPLE_EN):
            table.setColumnWidth(column, 230)
        header.setSectionResizeMode(DEFINITION, QHeaderView.ResizeMode.Stretch)
        return table

    def _compose(self) -> None:
        side = QVBoxLayout()
        for button in (self.add_button, self.rename_button, self.colour_button):
            side.addWidget(button)
        side.addSpacing(12)
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addSpacing(12)
        side.addWidget(self.delete_button)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        hint = QLabel(
            "Double-click a cell to edit it. A key is one letter or digit; "
            "a, x and ? are taken by the window's commands. Nothing is saved until Save."
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self.on_add)
        self.rename_button.clicked.connect(self.on_rename)
        self.colour_button.clicked.connect(self.on_colour)
        self.up_button.clicked.connect(lambda: self.on_move(-1))
        self.down_button.clicked.connect(lambda: self.on_move(1))
        self.delete_button.clicked.connect(self.on_delete)
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(self.on_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.model.dataChanged.connect(self.on_model_changed)
        self.model.rowsRemoved.connect(self.on_selection_changed)

    # -- slots ---------------------------------------------------------------------------

    @property
    def current_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def on_selection_changed(self) -> None:
        row = self.current_row
        for button in (self.rename_button, self.colour_button, self.delete_button):
            button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < self.model.rowCount() - 1)

    def on_model_changed(self) -> None:
        problems = self.model.problems()
        self._show_message(" ".join(problems) if problems else "")

    def on_add(self) -> None:
        row = self.model.add_label()
        self.table.selectRow(row)
        self._edit(row, NAME)

    def on_rename(self) -> None:
        if (row := self.current_row) is not None:
            self._edit(row, NAME)

    def on_colour(self) -> None:
        row = self.current_row
        if row is None:
            return
        draft = self.model.draft(row)
        colour = QColorDialog.getColor(QColor(draft.colour), self, f"Colour of {draft.name}")
        if colour.isValid():
            self.model.set_colour(row, colour.name())

    def on_double_clicked(self, index: QModelIndex) -> None:
        if index.column() == COLOUR:
            self.on_colour()

    def on_move(self, step: int) -> None:
        if (row := self.current_row) is not None:
            self.table.selectRow(self.model.move(row, step))
            self.on_selection_changed()

    def on_delete(self) -> None:
        row = self.current_row
        if row is None:
            return
        count = self.model.span_count(row)
        relabel_to: int | None = None
        if count:
            name = self.model.draft(row).name
            targets = [n for i, n in enumerate(self.model.names()) if i != row]
            fate = ask_span_fate(self, name, count, targets)
            if fate is None:
                return
            if fate.relabel_to is not None:
                relabel_to = self.model.names().index(fate.relabel_to)
        self.model.remove(row, relabel_to)
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))

    def on_save(self) -> None:
        problems = self.model.problems()
        if problems:
            self._show_message("Not saved: " + " ".join(problems))
            return
        labels, renames, deletions = self.model.scheme_change()
        try:
            self.repo.save_scheme(labels, renames=renames, deletions=deletions)
        except (LabelSchemeError, StorageError) as exc:
            self._show_message(f"Not saved: {exc}")
            return
        self.scheme_changed.emit()
        self.accept()

    # -- helpers -------------------------------------------------------------------------

    def _edit(self, row: int, column: int) -> None:
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _show_message(self, text: str) -> None:
        dark = self.palette().window().color().lightness() < 128
        self.message.setStyleSheet(f"color: {'#ff8a80' if dark else '#b71c1c'};")
        self.message.setText(text)
        self.message.setVisible(bool(text))
