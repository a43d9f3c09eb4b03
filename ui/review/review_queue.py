"""The review queue: documents to review, most disagreement first, filtered by annotator and
label; a thin Qt table model over ``repo.review_queue``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from storage.repository import ProjectRepository
from storage.review import ReviewItem
from ui.widgets.table_model import Index, ListTableModel, configure_list_table

COLUMNS = ("Document", "Versions", "Disagreement", "Reviewed")
ALL_ANNOTATORS = "All annotators"
ALL_LABELS = "All labels"
SORT_ROLE = Qt.ItemDataRole.UserRole


class ReviewQueueModel(ListTableModel[ReviewItem]):
    """One row per document with versions to settle, in the order the repository gives."""

    columns = COLUMNS

    def __init__(self, repo: ProjectRepository) -> None:
        super().__init__()
        self.repo = repo
        self._filter: dict[str, Any] = {}

    def set_filter(
        self, *, annotator: str | None = None, label: str | None = None, include_reviewed: bool
    ) -> None:
        self._filter = {
            "annotator": annotator,
            "label": label,
            "include_reviewed": include_reviewed,
        }
        self.reload()

    @property
    def query(self) -> dict[str, Any]:
        """The filter as ``repo.review_queue``'s arguments (a copy: a background read keeps
        the one it was started with)."""
        return dict(self._filter)

    def reload(self) -> None:
        self.set_rows(self.repo.review_queue(**self._filter))

    def set_rows(self, rows: list[ReviewItem]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_reviewed(self, document_id: int, reviewed: bool) -> None:
        """A gold version was written: update that row only, keep the order."""
        row = self.row_of(document_id)
        if row is None or self._rows[row].reviewed == reviewed:
            return
        old = self._rows[row]
        self._rows[row] = ReviewItem(
            old.document_id, old.title, old.annotators, old.disagreement, reviewed
        )
        cell = self.index(row, COLUMNS.index("Reviewed"))
        self.dataChanged.emit(cell, cell)

    def item(self, row: int) -> ReviewItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, document_id: int) -> int | None:
        return next((i for i, it in enumerate(self._rows) if it.document_id == document_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.title,
                ", ".join(item.annotators),
                f"{item.disagreement:.2f}",
                "yes" if item.reviewed else "no",
            )[column]
        if role == SORT_ROLE:
            return (item.title, len(item.annotators), item.disagreement, item.reviewed)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            state = "has a gold version" if item.reviewed else "not reviewed yet"
            return (
                f"{item.title}\nVersions by {', '.join(item.annotators)}\n"
                f"Disagreement {item.disagreement:.2f} (0 = all agree) — {state}"
            )
        return None


class ReviewQueuePanel(QWidget):
    """The queue with its filters; emits the id of the document to open."""

    document_chosen = Signal(int)

    def __init__(self, repo: ProjectRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.model = ReviewQueueModel(repo)
        self.annotator = QComboBox(self)
        self.annotator.setObjectName("reviewAnnotatorFilter")
        self.annotator.setToolTip("Only documents this annotator has a version of")
        self.annotator.setAccessibleName("Annotator filter")
        self.label = QComboBox(self)
        self.label.setObjectName("reviewLabelFilter")
        self.label.setToolTip("Only documents where some version uses this label")
        self.label.setAccessibleName("Label filter")
        self.include_reviewed = QCheckBox("Show reviewed", self)
        self.include_reviewed.setChecked(True)
        self.include_reviewed.setToolTip("List documents that already have a gold version too")
        self.table = QTableView(self)
        self.table.setObjectName("reviewQueueView")
        self.table.setAccessibleName("Review queue")
        self.table.setModel(self.model)
        self._compose()
        self.refresh_filters()
        self._connect_signals()
        self.on_filter_changed()

    def _compose(self) -> None:
        self.needed_width = (
            configure_list_table(self.table, ((1, "ana, ben"), (2, "0.00"), (3, "yes"))) + 8
        )  # the panel's margins
        filters = QHBoxLayout()
        filters.addWidget(self.annotator, 1)
        filters.addWidget(self.label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.include_reviewed)
        layout.addWidget(self.table, 1)

    def _connect_signals(self) -> None:
        self.annotator.currentIndexChanged.connect(self.on_filter_changed)
        self.label.currentIndexChanged.connect(self.on_filter_changed)
        self.include_reviewed.toggled.connect(self.on_filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self.on_row_changed)

    def refresh_filters(self) -> None:
        """Fill the combos with the project's annotators and labels, keeping the choice."""
        for combo, first, names in (
            (self.annotator, ALL_ANNOTATORS, self.repo.annotators()),
            (self.label, ALL_LABELS, [label.name for label in self.repo.labels()]),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def on_filter_changed(self) -> None:
        current = self.current_document()
        self.model.set_filter(
            annotator=self.annotator.currentData(),
            label=self.label.currentData(),
            include_reviewed=self.include_reviewed.isChecked(),
        )
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)
        elif self.model.rowCount() > 0:
            self.table.selectRow(0)

    def show_rows(self, rows: list[ReviewItem]) -> None:
        """Rows read again in the background: the selected document stays selected, and no
        ``document_chosen`` follows (the open document stays open)."""
        current = self.current_document()
        self.blockSignals(True)
        try:
            self.model.set_rows(rows)
            row = None if current is None else self.model.row_of(current)
            if row is not None:
                self.table.selectRow(row)
        finally:
            self.blockSignals(False)

    def current_document(self) -> int | None:
        item = self.model.item(self.table.currentIndex().row())
        return item.document_id if item else None

    def on_row_changed(self) -> None:
        document_id = self.current_document()
        if document_id is not None:
            self.document_chosen.emit(document_id)

    def select_document(self, document_id: int) -> None:
        row = self.model.row_of(document_id)
        if row is not None and row != self.table.currentIndex().row():
            self.table.selectRow(row)

    def step(self, step: int) -> bool:
        """Open the next (or previous) document in the queue; False at the end."""
        row = self.table.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            return True
        return False
