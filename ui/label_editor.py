"""The label scheme editor: add, rename, recolour, re-key, reorder and delete labels.

The dialog edits a draft; nothing reaches the project until Save, which hands the whole new
scheme, the renames and the fate of every deleted label's spans to
``ProjectRepository.save_scheme`` as one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
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

from core.labels import Label, LabelSchemeError, validate_labels
from storage.repository import ProjectRepository, StorageError
from ui.actions import ACTIONS

Index = QModelIndex | QPersistentModelIndex

NAME, COLOUR, KEY, SPANS, DEFINITION, EXAMPLE_DE, EXAMPLE_EN = range(7)
HEADERS = ("Name", "Colour", "Key", "Spans", "Definition", "Example (de)", "Example (en)")
_TEXT_FIELDS = {
    NAME: "name",
    KEY: "key",
    DEFINITION: "definition",
    EXAMPLE_DE: "example_de",
    EXAMPLE_EN: "example_en",
}
# Colours for new labels (Paul Tol's 'light' scheme), taken in order while unused.
_NEW_COLOURS = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#AAAA00")
_KEY_CANDIDATES = "bhijnstuvwyz0123456789"
_PROBLEM_FILL = QColor(220, 50, 50, 90)


def reserved_keys() -> dict[str, str]:
    """Single keys the window's commands use (``a``, ``x``, ``?``, space), with their command."""
    reserved = {" ": "Skip document"}
    for spec in ACTIONS.values():
        for key in spec.keys:
            if len(key) == 1:
                reserved[key.lower()] = spec.text.replace("&", "")
    return reserved


@dataclass
class LabelDraft:
    """One row of the editor; ``original`` is its name in the project (None when new)."""

    name: str
    colour: str
    key: str
    definition: str = ""
    example_de: str = ""
    example_en: str = ""
    original: str | None = None

    def to_label(self) -> Label:
        return Label(
            self.name, self.colour, self.key, self.definition, self.example_de, self.example_en
        )


@dataclass(frozen=True)
class SpanFate:
    """What becomes of a deleted label's spans: relabelled to ``relabel_to``, or deleted."""

    relabel_to: str | None


class LabelSchemeModel(QAbstractTableModel):
    """The draft scheme as a table; it remembers renames and what deleted labels leave."""

    def __init__(self, labels: list[Label], span_counts: dict[str, int]) -> None:
        super().__init__()
        self._rows = [
            LabelDraft(
                label.name,
                label.colour,
                label.key,
                label.definition,
                label.example_de,
                label.example_en,
                original=label.name,
            )
            for label in labels
        ]
        self._stored_counts = dict(span_counts)
        self._deleted: dict[str, LabelDraft | None] = {}
        self._reserved = reserved_keys()

    # -- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in _TEXT_FIELDS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        draft, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COLOUR:
                return draft.colour
            if column == SPANS:
                return self.span_count(index.row())
            return getattr(draft, _TEXT_FIELDS[column])
        if role == Qt.ItemDataRole.DecorationRole and column == COLOUR:
            return QColor(draft.colour)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (KEY, SPANS):
            return int(Qt.AlignmentFlag.AlignCenter)
        problem = self.cell_problem(index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return _PROBLEM_FILL
        if role == Qt.ItemDataRole.ToolTipRole:
            if problem:
                return problem
            if column in (DEFINITION, EXAMPLE_DE, EXAMPLE_EN):
                return getattr(draft, _TEXT_FIELDS[column]) or None
            if column == COLOUR:
                return "Double-click to choose another colour"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        column = index.column()
        if column not in _TEXT_FIELDS:
            return False
        text = str(value).strip()
        if column == NAME:
            text = text.upper().replace(" ", "_").replace("-", "_")
        elif column == KEY:
            text = text.lower()
        setattr(self._rows[index.row()], _TEXT_FIELDS[column], text)
        # A name or key can clash with any other row's, so every row's marks may change.
        if column in (NAME, KEY):
            self._changed_all()
        else:
            self.dataChanged.emit(index, index)
        return True

    # -- editing -------------------------------------------------------------------------

    def draft(self, row: int) -> LabelDraft:
        return self._rows[row]

    def names(self) -> list[str]:
        return [draft.name for draft in self._rows]

    def set_colour(self, row: int, colour: str) -> None:
        self._rows[row].colour = colour
        cell = self.index(row, COLOUR)
        self.dataChanged.emit(cell, cell)

    def add_label(self) -> int:
        """Append a new label with an unused name, colour and key; return its row."""
        names, colours = set(self.names()), {d.colour.upper() for d in self._rows}
        taken = {d.key for d in self._rows} | set(self._reserved)
        name, n = "NEW", 1
        while name in names:
            n += 1
            name = f"NEW_{n}"
        colour = next((c for c in _NEW_COLOURS if c not in colours), "#888888")
        key = next((k for k in _KEY_CANDIDATES if k not in taken), "")
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(LabelDraft(name, colour, key))
        self.endInsertRows()
        return row

    def move(self, row: int, step: int) -> int:
        """Move a row up (-1) or down (+1); return where it is now."""
        target = row + step
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)) or step == 0:
            return row
        # Qt counts the destination before the move: one further when moving down.
        destination = target + 1 if step > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        return target

    def span_count(self, row: int) -> int:
        """Spans the label will have after Save: its own plus those of labels merged into it."""
        draft = self._rows[row]
        own = self._stored_counts.get(draft.original, 0) if draft.original else 0
        merged = sum(
            self._stored_counts.get(old, 0)
            for old, target in self._deleted.items()
            if target is draft
        )
        return own + merged

    def remove(self, row: int, relabel_to: int | None = None) -> None:
        """Delete a row; its spans (and any merged into it) go to row ``relabel_to`` or away."""
        draft = self._rows[row]
        target = self._rows[relabel_to] if relabel_to is not None else None
        for old, merged_into in self._deleted.items():
            if merged_into is draft:
                self._deleted[old] = target
        if draft.original is not None:
            self._deleted[draft.original] = target
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self._changed_all()

    # -- checking and saving -------------------------------------------------------------

    def cell_problem(self, row: int, column: int) -> str | None:
        """Why this name or key cannot be saved, or None."""
        draft = self._rows[row]
        others = [d for i, d in enumerate(self._rows) if i != row]
        if column == NAME:
            if any(d.name == draft.name for d in others):
                return f"There are two labels named {draft.name}."
            try:
                validate_labels([Label(draft.name, "#000000", "")])
            except LabelSchemeError as exc:
                return f"Label {str(exc).removeprefix('label ')}."
        if column == KEY and draft.key:
            key = draft.key
            if key in self._reserved:
                return f"{draft.name}: key {key!r} is taken by “{self._reserved[key]}”."
            if len(key) != 1 or not (key.isascii() and key.isalnum()):
                return f"{draft.name}: a key is one letter or digit, not {key!r}."
            owners = [d.name for d in self._rows if d.key == key]
            if len(owners) > 1:  # the same words on every clashing row, so said only once
                return f"Key {key!r} belongs to {', '.join(owners[:-1])} and {owners[-1]}."
        return None

    def problems(self) -> list[str]:
        found = (self.cell_problem(row, c) for row in range(len(self._rows)) for c in (NAME, KEY))
        return list(dict.fromkeys(p for p in found if p))

    def scheme_change(self) -> tuple[list[Label], dict[str, str], dict[str, str | None]]:
        """The arguments of ``save_scheme``: labels, renames and deletions."""
        labels = [draft.to_label() for draft in self._rows]
        renames = {d.original: d.name for d in self._rows if d.original and d.original != d.name}
        deletions = {
            old: (target.name if target is not None else None)
            for old, target in self._deleted.items()
        }
        return labels, renames, deletions

    def _changed_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(HEADERS) - 1)
            )


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
