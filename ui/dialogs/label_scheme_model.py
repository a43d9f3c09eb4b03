"""The label scheme editor's draft as a Qt table model: rows, validation and renames.

It remembers what each row was called in the project, so that saving can rename spans, and
what a deleted label's spans become.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.labels import Label, LabelSchemeError, validate_labels
from ui.widgets.actions import ACTIONS

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
