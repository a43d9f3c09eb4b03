"""The agreement dashboard: overall figures, a matrix of annotator pairs, F1 per label, and
each annotator's precision and recall against the gold versions.

Figures come from ``repo.agreement_report()`` and ``repo.annotator_quality()``; the label
bars are pyqtgraph, like the statistics view. Every number is written out: colour only
tints the matrix cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QCloseEvent, QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.agreement import PRF, AgreementReport, PairAgreement
from core.labels import Label
from storage.repository import ProjectRepository
from ui.widgets.background import BackgroundReads
from ui.widgets.table_model import ListTableModel
from ui.widgets.window_size import fit_to_screen

FIGURE_NAMES = {"f1": "span F1", "kappa": "κ (mean of pairs)", "alpha": "Krippendorff's α"}
UNKNOWN_LABEL_COLOUR = "#999999"
BAR_THICKNESS = 0.7
TINT = "#228833"  # matrix cells: the more agreement, the deeper the green
TINT_ALPHA = (12, 110)  # at F1 0 and at F1 1

Index = QModelIndex | QPersistentModelIndex


def figure_name(key: str) -> str:
    return FIGURE_NAMES.get(key.lower(), key)


def number(value: float) -> str:
    """Two decimals; “n/a” for a figure that could not be computed (NaN)."""
    return f"{value:.2f}" if math.isfinite(value) else "n/a"


def _tint(value: float) -> QColor:
    v = min(max(value, 0.0), 1.0)
    colour = QColor(TINT)
    low, high = TINT_ALPHA
    colour.setAlpha(round(low + (high - low) * v))
    return colour


class PairMatrixModel(QAbstractTableModel):
    """Annotators × annotators; each cell holds the pair's F1 and κ, the diagonal “—”."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._pairs: dict[frozenset[str], PairAgreement] = {}

    def set_pairs(self, pairs: list[PairAgreement]) -> None:
        self.beginResetModel()
        self.names = sorted({p.a for p in pairs} | {p.b for p in pairs})
        self._pairs = {frozenset((p.a, p.b)): p for p in pairs}
        self.endResetModel()

    def pair(self, row: int, column: int) -> PairAgreement | None:
        if row == column or not (0 <= row < len(self.names) and 0 <= column < len(self.names)):
            return None
        return self._pairs.get(frozenset((self.names[row], self.names[column])))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.names)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.names):
            return self.names[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self.names) and 0 <= column < len(self.names)):
            return None
        pair = self.pair(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if row == column:
                return "—"
            return (
                f"F1 {number(pair.f1)}\nκ {number(pair.kappa)}" if pair else "no shared\ndocuments"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and pair is not None and math.isfinite(pair.f1):
            return _tint(pair.f1)
        if role == Qt.ItemDataRole.ToolTipRole and pair is not None:
            return (
                f"{pair.a} and {pair.b}: span F1 {number(pair.f1)}, Cohen's κ {number(pair.kappa)} "
                f"over {pair.documents} documents both annotated"
            )
        return None


QUALITY_COLUMNS = ("Annotator", "Precision", "Recall", "F1")


class QualityModel(ListTableModel[tuple[str, PRF]]):
    """Each annotator's precision, recall and F1 against the gold versions."""

    columns = QUALITY_COLUMNS

    def set_quality(self, quality: dict[str, PRF]) -> None:
        self.beginResetModel()
        self._rows = sorted(quality.items())
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        name, prf = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return name
            return number((prf.precision, prf.recall, prf.f1)[column - 1])
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


@dataclass(frozen=True)
class AgreementFigures:
    """What the dashboard shows, computed in one go."""

    report: AgreementReport
    quality: dict[str, PRF]
    scheme: list[Label]


def read_figures(repo: ProjectRepository) -> AgreementFigures:
    """The dashboard's figures; runs on a worker with a repository of its own."""
    return AgreementFigures(repo.agreement_report(), repo.annotator_quality(), repo.labels())


class AgreementView(QDialog):
    """How far the annotators agree, and how close each comes to gold; Refresh reads again."""

    def __init__(self, repo: ProjectRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle(f"Kathode — agreement in {repo.name}")
        self.setObjectName("agreementView")
        self.summary = QLabel(self)
        self.summary.setObjectName("agreementSummary")
        self.summary.setWordWrap(True)
        self.pair_model = PairMatrixModel()
        self.pair_table = self._table(self.pair_model, "pairMatrix", "Pairs of annotators")
        self.quality_model = QualityModel()
        self.quality_table = self._table(self.quality_model, "qualityTable", "Against gold")
        self.quality_note = QLabel(self)
        self.quality_note.setWordWrap(True)
        self.label_plot = pg.PlotWidget(self)
        self.label_plot.setObjectName("labelAgreementPlot")
        self.label_plot.setMinimumSize(320, 240)
        item = self.label_plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        self.label_bars: pg.BarGraphItem | None = None
        self.label_names: list[str] = []  # the bars' labels, top to bottom
        self.report: AgreementReport | None = None
        self.quality: dict[str, PRF] = {}
        self.refresh_button = QPushButton("&Refresh", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.refresh)
        # The figures are computed on a worker with a repository of its own.
        self.reads = BackgroundReads(repo, self)
        self._scheme: list[Label] = []
        self._compose(buttons)
        fit_to_screen(self, 1100, 700)
        self.refresh()

    def _table(self, model: QAbstractTableModel, name: str, title: str) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setAccessibleName(title)
        table.setModel(model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setWordWrap(True)
        return table

    @staticmethod
    def _fit_height(table: QTableView) -> None:
        """As tall as its rows: the figures, not empty space, fill the dialog."""
        rows = table.model().rowCount()
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(rows))
        table.setFixedHeight(height + 2)

    def _compose(self, buttons: QDialogButtonBox) -> None:
        self.pair_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lines = self.fontMetrics().height() * 2 + 14
        self.pair_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.pair_table.verticalHeader().setDefaultSectionSize(lines)
        self.quality_table.verticalHeader().hide()
        self.quality_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Pairs of annotators</b> (F1 and Cohen's κ)", self))
        left.addWidget(self.pair_table)
        left.addSpacing(12)
        left.addWidget(QLabel("<b>Each annotator against gold</b>", self))
        left.addWidget(self.quality_note)
        left.addWidget(self.quality_table)
        left.addStretch(1)
        grid = QGridLayout()
        grid.addLayout(left, 0, 0)
        grid.addWidget(self.label_plot, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the figures again, in the background; the dialog says so meanwhile."""
        self.refresh_button.setEnabled(False)
        self.summary.setText("Computing agreement…")
        self.reads.read("figures", read_figures, self.on_figures_read, self.on_read_failed)

    @property
    def loading(self) -> bool:
        return self.reads.pending("figures")

    def on_figures_read(self, figures: AgreementFigures) -> None:
        self.refresh_button.setEnabled(True)
        self.report = figures.report
        self.quality = figures.quality
        self._scheme = figures.scheme
        self.pair_model.set_pairs(self.report.pairs)
        self.quality_model.set_quality(self.quality)
        has_quality = bool(self.quality)
        self.quality_table.setVisible(has_quality)
        self.quality_note.setText(
            "" if has_quality else "No gold versions yet: review documents to see this."
        )
        self.quality_note.setVisible(not has_quality)
        self.pair_table.resizeRowsToContents()
        for row in range(self.pair_model.rowCount()):  # a little air around the two lines
            self.pair_table.setRowHeight(row, self.pair_table.rowHeight(row) + 10)
        self._fit_height(self.pair_table)
        self._fit_height(self.quality_table)
        self._draw()

    def on_read_failed(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self.summary.setText(f"Could not compute the agreement: {escape(message)}")

    def done(self, result: int) -> None:
        self.reads.shutdown()  # no computation outlives the dialog
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.reads.shutdown()
        super().closeEvent(event)

    def _draw(self) -> None:
        report = self.report
        if report is None:
            return
        figures = " · ".join(
            f"{escape(figure_name(k))} <b>{number(v)}</b>" for k, v in report.overall.items()
        )
        names = sorted({p.a for p in report.pairs} | {p.b for p in report.pairs})
        self.summary.setText(
            f"Overall: {figures or 'no figures yet'} — {len(names)} annotators, "
            f"{len(report.documents)} documents with two or more versions"
        )
        self._draw_labels(report.labels)

    def label_figure(self, name: str) -> str:
        """A label's F1 with the counts behind it: matched marks / all marks."""
        report = self.report
        if report is None or name not in report.labels:
            return ""
        matched, marks = report.label_counts.get(name, (0, 0))
        return f"{number(report.labels[name])} ({matched}/{marks})"

    def _draw_labels(self, f1: dict[str, float]) -> None:
        item = self.label_plot.getPlotItem()
        item.clear()
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        self.label_plot.setBackground(palette.color(QPalette.ColorRole.Base))
        item.setTitle("F1 per label (matched / marks)", color=text.name(), size="11pt")
        self.label_plot.setToolTip(
            "Each label's F1 with the counts behind it: of all the spans with this label in "
            "pairs of versions (each version counted once per pair), how many the other "
            "version of the pair marked exactly the same."
        )
        scheme = self._scheme
        colours = {label.name: label.colour for label in scheme}
        order = {label.name: i for i, label in enumerate(scheme)}  # as in the scheme
        names = sorted(f1, key=lambda n: (order.get(n, len(order)), n))
        self.label_names = names
        values = [f1[n] if math.isfinite(f1[n]) else 0.0 for n in names]
        self.label_bars = pg.BarGraphItem(
            x0=0,
            y=list(range(len(names))),
            height=BAR_THICKNESS,
            width=values,
            brushes=[QColor(colours.get(n, UNKNOWN_LABEL_COLOUR)) for n in names],
            pens=[pg.mkPen(text, width=0.5) for _ in names],
        )
        item.addItem(self.label_bars)
        for i, value in enumerate(values):
            label = pg.TextItem(f" {self.label_figure(names[i])}", color=text, anchor=(0, 0.5))
            label.setPos(value, i)
            item.addItem(label)
        axis = item.getAxis("left")
        axis.setTickFont(self.font())
        axis.setTextPen(pg.mkPen(text))
        axis.setPen(pg.mkPen(text))
        axis.setTicks([list(enumerate(names)), []])
        metrics = QFontMetrics(self.font())
        axis.setWidth(max((metrics.horizontalAdvance(n) for n in names), default=20) + 14)
        bottom = item.getAxis("bottom")
        bottom.setTextPen(pg.mkPen(text))
        bottom.setPen(pg.mkPen(text))
        bottom.setTicks([[(x / 4, f"{x / 4:g}") for x in range(5)], []])
        item.getViewBox().invertY(True)
        item.setXRange(0, 1.18, padding=0)
        item.setYRange(-0.6, max(len(names), 1) - 0.4, padding=0)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "report", None):
            self._draw()
