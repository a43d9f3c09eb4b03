"""A flat Qt table model over a Python list of rows, with fixed column headings.

The window's lists (queue, span list, review queue, candidates, quality) differ only in
their rows and cells; sizes and headings are the same everywhere and live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class ListTableModel(QAbstractTableModel, Generic[Row]):
    """Subclasses set ``columns``, fill ``_rows`` and implement ``data``."""

    columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def row_at(self, index: Index) -> Row | None:
        """The row behind a valid index, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        return None


CELL_PADDING = 18  # a cell's margins and the header's sort-arrow room, in pixels
ICON_ROOM = 22  # a decoration (colour chip) before a cell's text
STRETCH_CHARACTERS = 8  # the stretching column never gets narrower than this


def column_width(table: QTableView, column: int, width: int | str) -> int:
    """A column's width: ``width`` pixels, or the width of a sample text (the widest cell
    expected), and never less than the column's heading, in the table's own font."""
    metrics = table.fontMetrics()
    title = table.model().headerData(column, Qt.Orientation.Horizontal) if table.model() else ""
    heading = table.horizontalHeader().fontMetrics().horizontalAdvance(str(title or ""))
    if isinstance(width, str):
        width = metrics.horizontalAdvance(width)
    return max(width, heading) + CELL_PADDING


def configure_list_table(
    table: QTableView,
    widths: Sequence[tuple[int, int | str]],
    stretch_characters: int = STRETCH_CHARACTERS,
) -> int:
    """Rows selected whole, one at a time; column 0 stretches, the others get fixed widths
    (pixels, or a sample text measured in the table's font), never narrower than their
    headings; column 0 keeps ``stretch_characters``. Returns the width the table needs to
    show every column whole, for the window's splitter to give it when the screen has room:
    one rule for every list.

    Sizing columns to their contents would read every row on each change, so it is avoided.
    """
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    total = 0
    for column, width in widths:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        size = column_width(table, column, width)
        header.resizeSection(column, size)
        total += size
    stretch = table.fontMetrics().averageCharWidth() * stretch_characters + CELL_PADDING
    scrollbar = table.verticalScrollBar().sizeHint().width()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return total + stretch + scrollbar + 2 * table.frameWidth()
