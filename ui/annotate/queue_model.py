"""The document queue as a Qt model over paged repository queries (texts are never loaded)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from core.documents import DocumentSummary, Status
from storage.repository import ProjectRepository
from ui.widgets.table_model import Index, ListTableModel

PAGE_SIZE = 200
COLUMNS = ("Title", "Lang", "Status", "Spans")
STATUS_MARK = {
    Status.OPEN: "○ open",
    Status.ACCEPTED: "✓ accepted",
    Status.REJECTED: "✗ rejected",
    Status.SKIPPED: "→ skipped",
}


class QueueModel(ListTableModel[DocumentSummary]):
    """Rows are fetched a page at a time as the view scrolls (``canFetchMore``/``fetchMore``)."""

    columns = COLUMNS

    def __init__(self, repo: ProjectRepository, annotator: str, order: str = "in_order") -> None:
        super().__init__()
        self._repo = repo
        self._annotator = annotator
        self._status: Status | None = None
        self._search = ""
        self._entity_search = ""
        self._flag: str | None = None
        self._order = order
        self._total = 0
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._repo.count_documents(
            self._annotator,
            status=self._status,
            search=self._search,
            entity_search=self._entity_search,
            flag=self._flag,
        )
        self._rows = self._page(0)
        self.endResetModel()

    @property
    def annotator(self) -> str:
        return self._annotator

    @property
    def filtered(self) -> bool:
        """Whether a status, search or flag filter hides some of the queue's documents."""
        return bool(self._status or self._search or self._entity_search or self._flag)

    @property
    def order(self) -> str:
        return self._order

    def set_order(self, order: str) -> None:
        """List the documents in ``order`` (one of ``storage.document_scores.QUEUE_ORDERS``)."""
        if order != self._order:
            self._order = order
            self.reload()

    def set_filter(
        self,
        status: Status | None,
        search: str = "",
        *,
        entity_search: str = "",
        annotator: str | None = None,
        flag: str | None = None,
    ) -> None:
        """Show the documents whose status for ``annotator`` is ``status``, matching searches
        (and whose version carries ``flag``, when given)."""
        self._status, self._search, self._entity_search = status, search, entity_search
        self._flag = flag
        self._annotator = annotator or self._annotator
        self.reload()

    def _page(self, offset: int) -> list[DocumentSummary]:
        return self._repo.list_documents(
            self._annotator,
            offset=offset,
            limit=PAGE_SIZE,
            status=self._status,
            search=self._search,
            entity_search=self._entity_search,
            order=self._order,
            flag=self._flag,
        )

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        page = self._page(len(self._rows))
        if not page:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, row.language, STATUS_MARK[row.status], row.span_count)[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.title
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def document_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, document_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == document_id), None)

    def refresh_row(self, document_id: int) -> None:
        """Re-read one row after an edit (status or span count changed)."""
        row = self.row_of(document_id)
        if row is None:
            return
        fresh = self._repo.document_summary(document_id, self._annotator)
        if fresh is not None:
            self._rows[row] = fresh
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def change_row(self, document_id: int, *, spans: int = 0, status: Status | None = None) -> None:
        """After an edit: change one row's span count by ``spans`` and set its status, with
        no query (the edit's delta says what changed)."""
        row = self.row_of(document_id)
        if row is None:
            return
        summary = self._rows[row]
        self._rows[row] = replace(
            summary,
            span_count=summary.span_count + spans,
            status=summary.status if status is None else status,
        )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
