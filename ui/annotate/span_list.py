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

    def set_colours(self, colours: dict[str, str]) -> None:
        self._colours = dict(colours)

    def set_spans(self, text: str, spans: Sequence[Span], suggestions: Sequence[Span]) -> None:
        """Show another document or version: the one place the model is reset."""
        self.beginResetModel()
        self._text = text
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
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        span, suggested = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{span.label}?" if suggested else span.label
            if column == 1:
                return self._text[span.start : span.end]
            return short_source(span.source)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return QColor(self._colours.get(span.label, "#999999"))
        if role == Qt.ItemDataRole.ForegroundRole and suggested:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.ToolTipRole:
            state = "suggestion (Enter accepts, Delete rejects)" if suggested else "confirmed"
            return f"{span.label} [{span.start}, {span.end}) from {span.source} — {state}"
        return None
