"""The side panel: a legend of how spans look, and the document's span list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.spans import Span
from ui.annotate.span_list import SpanListModel
from ui.widgets.legend import Legend


class SpanPanel(QWidget):
    """Clicking a row jumps to the span; the version box shows another annotator's work."""

    span_chosen = Signal(Span)
    version_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version = QComboBox(self)
        self.version.setObjectName("versionBox")
        self.version.setToolTip("Whose version of the document is shown (others: read-only)")
        self.legend = Legend(self)
        self.model = SpanListModel()
        self.table = QTableView(self)
        self.table.setObjectName("spanList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Fixed widths: sizing columns to their contents would read every row on each edit.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 112)
        header.resizeSection(2, 64)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        versions = QHBoxLayout()
        versions.addWidget(QLabel("Version:", self))
        versions.addWidget(self.version, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(versions)
        layout.addWidget(self.legend)
        layout.addWidget(self.table, 1)
        self.table.clicked.connect(self.on_clicked)
        self.version.textActivated.connect(self.version_chosen)

    def set_versions(self, names: list[str], current: str) -> None:
        self.version.blockSignals(True)
        self.version.clear()
        self.version.addItems(names)
        self.version.setCurrentText(current)
        self.version.blockSignals(False)

    def follow(self, span: Span | None) -> None:
        """Select (and scroll to) the row of the span under the article's cursor."""
        row = None if span is None else self.model.row_of(span)
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        self.table.scrollTo(index)

    def on_clicked(self) -> None:
        span = self.model.span_at_row(self.table.currentIndex().row())
        if span is not None:
            self.span_chosen.emit(span)
