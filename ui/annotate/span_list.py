"""The document's span list: label, text and source of every span and suggestion."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.spans import Span
from ui.widgets.table_model import Index, ListTableModel

COLUMNS = ("Label", "Text", "Source")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROLES = frozenset((_DISPLAY, _DECORATION, _FOREGROUND, _TOOLTIP))
SUGGESTED_BRUSH = QBrush(QColor("#777777"))


def short_source(source: str) -> str:
    """``rules:de-patterns`` -> ``rules``, ``model:de-news@1.0.0`` -> ``de-news``."""
    kind, _, rest = source.partition(":")
    if kind == "model" and rest:
        return rest.split("@", 1)[0]
    return kind


Row = tuple[Span, bool]  # the span, and whether it is only suggested


def row_order(row: Row) -> tuple[int, bool, int, str]:
    """Text order; at the same start a confirmed span before a suggestion."""
    span, suggested = row
    return (span.start, suggested, span.end, span.label)


class SpanListModel(ListTableModel[Row]):
    """Rows are the confirmed spans and the open suggestions, in text order.

    An edit inserts and removes single rows (``beginInsertRows``/``beginRemoveRows``), so a
    selection or scroll position in the list survives it and nothing else is redrawn.
    """

    columns = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._colours: dict[str, str] = {}
        self._cells: dict[Row, dict[tuple[int, int], Any]] = {}

    def set_colours(self, colours: dict[str, str]) -> None:
        self._colours = dict(colours)
        self._cells.clear()

    def set_spans(self, text: str, spans: Sequence[Span], suggestions: Sequence[Span]) -> None:
        """Show another document or version: the one place the model is reset."""
        self.beginResetModel()
        self._text = text
        self._cells.clear()
        rows = [(s, False) for s in spans] + [(s, True) for s in suggestions]
        self._rows = sorted(rows, key=row_order)
        self.endResetModel()

    def update_rows(self, removed: Iterable[Row], added: Iterable[Row]) -> None:
        """After an edit: take rows out and put rows in, one row notification each."""
        for row in removed:
            i = self._find(row)
            if i is not None:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self._cells.pop(row, None)
                self.endRemoveRows()
        for row in added:
            if self._find(row) is not None:
                continue
            i = bisect_left(self._rows, row_order(row), key=row_order)
            self.beginInsertRows(QModelIndex(), i, i)
            self._rows.insert(i, row)
            self.endInsertRows()

    def _find(self, row: Row) -> int | None:
        order = row_order(row)
        i = bisect_left(self._rows, order, key=row_order)
        return i if i < len(self._rows) and row_order(self._rows[i]) == order else None

    def span_at_row(self, row: int) -> Span | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, span: Span) -> int | None:
        for suggested in (False, True):
            i = self._find((span, suggested))
            if i is not None and self._rows[i][0] == span:
                return i
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A repaint of the list asks ~7 roles of every visible cell, after every edit: the
        # answers are plain ints compared and per-row cells made once (rows are immutable).
        if role not in _ROLES:
            return None
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return None
        key = self._rows[row]
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = self._make_cells(key)
        return cells.get((role, index.column()), cells.get((role, -1)))

    def _make_cells(self, row: Row) -> dict[tuple[int, int], Any]:
        """The row's answers by (role, column); column -1 answers for every column."""
        span, suggested = row
        state = "suggestion (Enter accepts, Delete rejects)" if suggested else "confirmed"
        cells: dict[tuple[int, int], Any] = {
            (_DISPLAY, 0): f"{span.label}?" if suggested else span.label,
            (_DISPLAY, 1): self._text[span.start : span.end],
            (_DISPLAY, 2): short_source(span.source),
            (_DECORATION, 0): QColor(self._colours.get(span.label, "#999999")),
            (_TOOLTIP, -1): f"{span.label} [{span.start}, {span.end}) from {span.source} — {state}",
        }
        if suggested:
            cells[(_FOREGROUND, -1)] = SUGGESTED_BRUSH
        return cells
