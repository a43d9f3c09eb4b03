"""The document's span list: label, text and source of every span and suggestion."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from core.spans import Span
from ui.table_model import Index, ListTableModel

COLUMNS = ("Label", "Text", "Source")


def short_source(source: str) -> str:
    """``rules:de-patterns`` -> ``rules``, ``model:de-news@1.0.0`` -> ``de-news``."""
    kind, _, rest = source.partition(":")
    if kind == "model" and rest:
        return rest.split("@", 1)[0]
    return kind


class SpanListModel(ListTableModel[tuple[Span, bool]]):
    """Rows are the confirmed spans, then the open suggestions, each in text order."""

    columns = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._colours: dict[str, str] = {}

    def set_colours(self, colours: dict[str, str]) -> None:
        self._colours = dict(colours)

    def set_spans(self, text: str, spans: Sequence[Span], suggestions: Sequence[Span]) -> None:
        self.beginResetModel()
        self._text = text
        # Both lists come sorted: merging keeps this linear on every edit.
        self._rows = list(
            heapq.merge(
                ((s, False) for s in spans),
                ((s, True) for s in suggestions),
                key=lambda row: row[0].start,
            )
        )
        self.endResetModel()

    def span_at_row(self, row: int) -> Span | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, span: Span) -> int | None:
        return next((i for i, (s, _) in enumerate(self._rows) if s == span), None)

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
