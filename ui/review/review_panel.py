"""The reviewer's side panel: the legend, whole-version and pre-merge choices, and every
candidate span with who marked it, its agreement class and decision, in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.review import ReviewSpan
from ui.review.review_editor import ALL_AGREE, MAJORITY, Decision
from ui.review.review_view import STYLES, AgreementLegend
from ui.widgets.table_model import ICON_ROOM, Index, ListTableModel, configure_list_table

COLUMNS = ("Span", "Marked by", "Agreement", "Decision")
DECISION_HELP = {
    Decision.OPEN: "not decided yet (Enter takes it, Delete drops it)",
    Decision.TAKEN: "in the gold version",
    Decision.DROPPED: "dropped: left out of gold",
    Decision.REPLACED: "replaced: an overlapping span is in gold instead",
}
THRESHOLDS = (("all agree", ALL_AGREE), ("majority", MAJORITY))


class CandidateModel(ListTableModel[tuple[ReviewSpan, Decision]]):
    """Every candidate span of the open document, in text order, with its decision."""

    columns = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._colours: dict[str, str] = {}

    def set_colours(self, colours: dict[str, str]) -> None:
        self._colours = dict(colours)

    def set_candidates(self, text: str, rows: Sequence[tuple[ReviewSpan, Decision]]) -> None:
        if text == self._text and len(rows) == len(self._rows):
            # The same document after a decision: only the decisions change.
            changed = [i for i, row in enumerate(rows) if row != self._rows[i]]
            self._rows = list(rows)
            if changed:
                column = COLUMNS.index("Decision")
                self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), column))
            return
        self.beginResetModel()
        self._text = text
        self._rows = list(rows)
        self.endResetModel()

    def candidate(self, row: int) -> ReviewSpan | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def decision(self, row: int) -> Decision | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def row_of(self, candidate: ReviewSpan) -> int | None:
        return next((i for i, (c, _) in enumerate(self._rows) if c == candidate), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        candidate, decision = self._rows[index.row()]
        span, style = candidate.span, STYLES[candidate.agreement]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{span.label} “{span.text_in(self._text)}”",
                ", ".join(sorted(candidate.annotators)),
                f"{style.symbol} {style.words}",
                decision.value,
            )[column]
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 0:
                return QColor(self._colours.get(span.label, "#999999"))
            if column == 2:
                return QColor(style.colour)
        if role == Qt.ItemDataRole.ForegroundRole and decision in (
            Decision.DROPPED,
            Decision.REPLACED,
        ):
            return QBrush(QColor("#808080"))
        if role == Qt.ItemDataRole.FontRole and decision is Decision.TAKEN:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            who = ", ".join(sorted(candidate.annotators))
            return (
                f"{span.label} “{span.text_in(self._text)}” [{span.start}, {span.end})\n"
                f"Marked by {who} — {style.words} — {DECISION_HELP[decision]}"
            )
        return None


class ReviewPanel(QWidget):
    """Legend, decisions on whole versions, and the candidate list with Take and Drop."""

    candidate_chosen = Signal(object)  # ReviewSpan
    take_requested = Signal(object)  # ReviewSpan
    drop_requested = Signal(object)  # ReviewSpan
    version_requested = Signal(str)
    premerge_requested = Signal()
    threshold_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = AgreementLegend(self)
        self.version = QComboBox(self)
        self.version.setObjectName("takeVersionBox")
        self.version.setAccessibleName("Version to take")
        self.take_version = QPushButton("Take &version", self)
        self.take_version.setObjectName("takeVersionButton")
        self.take_version.setToolTip("Replace the gold version with this annotator's version")
        self.threshold = QComboBox(self)
        self.threshold.setObjectName("thresholdBox")
        self.threshold.setAccessibleName("Pre-merge threshold")
        self.threshold.setToolTip(
            "Which spans are pre-merged into gold: those all annotators marked, or a majority"
        )
        for text, value in THRESHOLDS:
            self.threshold.addItem(text, value)
        self.premerge = QPushButton("&Pre-merge", self)
        self.premerge.setObjectName("premergeButton")
        self.premerge.setToolTip("Add the agreed spans that gold lacks")
        self.model = CandidateModel()
        self.table = QTableView(self)
        self.table.setObjectName("candidateList")
        self.table.setAccessibleName("Candidate spans")
        self.table.setModel(self.model)
        self.take = QPushButton("&Take", self)
        self.take.setObjectName("takeButton")
        self.take.setToolTip("Put the selected candidate into gold (Enter on a span in the text)")
        self.drop = QPushButton("&Drop", self)
        self.drop.setObjectName("dropButton")
        self.drop.setToolTip("Leave the selected candidate out of gold (Delete in the text)")
        self.summary = QLabel(self)
        self.summary.setObjectName("reviewSummary")
        self.summary.setWordWrap(True)
        self._compose()
        self._connect_signals()

    def _compose(self) -> None:
        agreement = max((f"{s.symbol} {s.words}" for s in STYLES.values()), key=len)
        metrics = self.table.fontMetrics()
        self.needed_width = 8 + configure_list_table(self.table, (
            (1, "ana, ben"),
            (2, metrics.horizontalAdvance(agreement) + ICON_ROOM),
            (3, max((d.value for d in Decision), key=len)),
        ), stretch_characters=16)  # fmt: skip
        choices = QGridLayout()
        choices.addWidget(QLabel("Version:", self), 0, 0)
        choices.addWidget(self.version, 0, 1)
        choices.addWidget(self.take_version, 0, 2)
        choices.addWidget(QLabel("Pre-merge:", self), 1, 0)
        choices.addWidget(self.threshold, 1, 1)
        choices.addWidget(self.premerge, 1, 2)
        choices.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.take)
        buttons.addWidget(self.drop)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.legend)
        layout.addLayout(choices)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.table.clicked.connect(self.on_clicked)
        self.take.clicked.connect(lambda: self._request(self.take_requested))
        self.drop.clicked.connect(lambda: self._request(self.drop_requested))
        self.take_version.clicked.connect(self.on_take_version)
        self.premerge.clicked.connect(self.premerge_requested)
        self.threshold.currentIndexChanged.connect(
            lambda: self.threshold_changed.emit(float(self.threshold.currentData()))
        )

    def set_versions(self, names: Sequence[str]) -> None:
        current = self.version.currentText()
        self.version.clear()
        self.version.addItems(list(names))
        if current in names:
            self.version.setCurrentText(current)
        self.take_version.setEnabled(bool(names))

    def selected(self) -> ReviewSpan | None:
        return self.model.candidate(self.table.currentIndex().row())

    def select(self, candidate: ReviewSpan | None) -> None:
        """Follow the cursor in the text: select the candidate's row (or none)."""
        row = self.model.row_of(candidate) if candidate is not None else None
        if row is None:
            self.table.setCurrentIndex(QModelIndex())
            self.table.clearSelection()
            return
        if row != self.table.currentIndex().row():
            self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def on_clicked(self) -> None:
        candidate = self.selected()
        if candidate is not None:
            self.candidate_chosen.emit(candidate)

    def on_take_version(self) -> None:
        if self.version.currentText():
            self.version_requested.emit(self.version.currentText())

    def _request(self, signal: Any) -> None:
        candidate = self.selected()
        if candidate is not None:
            signal.emit(candidate)
