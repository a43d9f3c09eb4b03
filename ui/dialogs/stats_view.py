"""The statistics view: spans per label, documents per status, each annotator's progress.

Counts come from the repository (``label_span_counts`` and ``progress_by_annotator``); the
plots are pyqtgraph bar charts in the label colours. Label and annotator charts lie on
their side so that long names stay readable as the axis's tick labels; the plots follow the
window palette, light or dark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storage.repository import ProjectRepository

STATUSES = ("open", "accepted", "rejected", "skipped")
UNKNOWN_LABEL_COLOUR = "#999999"
BAR_THICKNESS = 0.7
MAX_NAME_WIDTH = 200  # pixels; longer annotator names are elided in the middle


@dataclass(frozen=True)
class _Snapshot:
    counts: dict[str, int]
    colours: dict[str, str]
    progress: dict[str, dict[str, int]]
    documents: int


class StatsView(QDialog):
    """Three bar charts over the project; Refresh reads the counts again."""

    def __init__(
        self, repo: ProjectRepository, annotator: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.annotator = annotator
        self.setWindowTitle(f"Kathode — statistics of {repo.name}")
        self.setObjectName("statsView")
        self.summary = QLabel(self)
        self.summary.setObjectName("statsSummary")
        self.label_plot = self._make_plot("labelPlot")
        self.status_plot = self._make_plot("statusPlot")
        self.progress_plot = self._make_plot("progressPlot")
        self.refresh_button = QPushButton("&Refresh", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.refresh)

        # What the charts show, kept for tests and for redrawing on a palette change.
        self.label_bars: pg.BarGraphItem | None = None
        self.status_bars: dict[str, pg.BarGraphItem] = {}
        self.progress_bars: dict[str, pg.BarGraphItem] = {}
        self._snapshot: _Snapshot | None = None

        grid = QGridLayout()
        grid.addWidget(self.label_plot, 0, 0, 2, 1)
        grid.addWidget(self.status_plot, 0, 1)
        grid.addWidget(self.progress_plot, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        self.resize(1100, 720)
        self.refresh()

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the counts again and redraw."""
        self._snapshot = _Snapshot(
            counts=self.repo.label_span_counts(),
            colours={label.name: label.colour for label in self.repo.labels()},
            progress=self.repo.progress_by_annotator(),
            documents=self.repo.count_documents(self.annotator),
        )
        self._draw()

    def _draw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        counts, progress, documents = snapshot.counts, snapshot.progress, snapshot.documents
        mine = progress.get(self.annotator, {**dict.fromkeys(STATUSES, 0), "open": documents})
        overall = {st: sum(p[st] for p in progress.values()) for st in STATUSES}
        self._draw_labels(counts, snapshot.colours)
        self._draw_statuses(mine, overall)
        self._draw_progress(progress)
        done = documents - mine["open"]
        self.summary.setText(
            f"<b>{documents}</b> documents · <b>{sum(counts.values())}</b> spans · "
            f"<b>{len(progress)}</b> annotators · <b>{escape(self.annotator)}</b> has done "
            f"<b>{done}</b> of {documents}"
        )

    # -- charts --------------------------------------------------------------------------

    def _draw_labels(self, counts: dict[str, int], colours: dict[str, str]) -> None:
        plot = self._reset(self.label_plot, "Spans per label (all annotators)")
        names = list(counts)
        values = [counts[n] for n in names]
        self.label_bars = pg.BarGraphItem(
            x0=0,
            y=list(range(len(names))),
            height=BAR_THICKNESS,
            width=values,
            brushes=[QColor(colours.get(n, UNKNOWN_LABEL_COLOUR)) for n in names],
            pens=[pg.mkPen(self._text_colour(), width=0.5) for _ in names],
        )
        plot.addItem(self.label_bars)
        self._value_texts(plot, values, [f"{v}" for v in values], horizontal=True)
        self._ticks(plot, "left", names)
        self._fit(plot, values, len(names), horizontal=True)

    def _draw_statuses(self, mine: dict[str, int], overall: dict[str, int]) -> None:
        width = 0.38
        series = {
            self.annotator: (mine, -width / 2, self.palette().color(QPalette.ColorRole.Highlight)),
            "all annotators": (overall, width / 2, QColor("#9e9e9e")),
        }
        # The legend rides in the title, where it can never cover a bar.
        legend = " ".join(
            f"<span style='color:{colour.name()}'>■</span> {escape(name)}"
            for name, (_, _, colour) in series.items()
        )
        plot = self._reset(self.status_plot, f"Documents per status: {legend}")
        self.status_bars = {}
        tallest: list[int] = []
        for name, (counts, shift, colour) in series.items():
            values = [counts.get(st, 0) for st in STATUSES]
            bars = pg.BarGraphItem(
                x=[i + shift for i in range(len(STATUSES))],
                height=values,
                width=width,
                brush=colour,
                pen=pg.mkPen(colour.darker(130)),
            )
            plot.addItem(bars)
            self.status_bars[name] = bars
            self._value_texts(plot, values, [str(v) for v in values], horizontal=False, shift=shift)
            tallest.extend(values)
        self._ticks(plot, "bottom", list(STATUSES))
        self._fit(plot, tallest, len(STATUSES), horizontal=False)

    def _draw_progress(self, progress: dict[str, dict[str, int]]) -> None:
        plot = self._reset(self.progress_plot, "Progress per annotator (done of total)")
        names = list(progress)
        totals = [sum(progress[n].values()) for n in names]
        done = [t - progress[n]["open"] for n, t in zip(names, totals, strict=True)]
        ys = list(range(len(names)))
        total_bars = pg.BarGraphItem(
            x0=0, y=ys, height=BAR_THICKNESS, width=totals, brush=self._mid_colour(), pen=None
        )
        highlight = QColor("#43a047")
        done_bars = pg.BarGraphItem(
            x0=0, y=ys, height=BAR_THICKNESS, width=done, brush=highlight, pen=None
        )
        plot.addItem(total_bars)
        plot.addItem(done_bars)
        self.progress_bars = {"total": total_bars, "done": done_bars}
        texts = [
            f"{d} / {t}" + (f"  ({100 * d // t}%)" if t else "")
            for d, t in zip(done, totals, strict=True)
        ]
        self._value_texts(plot, totals, texts, horizontal=True)
        self._ticks(plot, "left", names)
        self._fit(plot, totals, len(names), horizontal=True, room=0.45)

    # -- plot helpers --------------------------------------------------------------------

    def _make_plot(self, name: str) -> pg.PlotWidget:
        widget = pg.PlotWidget(self)
        widget.setObjectName(name)
        widget.setMinimumSize(320, 220)
        item = widget.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=False)
        return widget

    def _reset(self, widget: pg.PlotWidget, title: str) -> pg.PlotItem:
        item = widget.getPlotItem()
        item.clear()
        widget.setBackground(self._base_colour())
        text = self._text_colour()
        item.setTitle(title, color=text.name(), size="11pt")
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(self._mid_colour()))
            axis.setTextPen(pg.mkPen(text))
        return item

    def _ticks(self, plot: pg.PlotItem, side: str, names: Sequence[str]) -> None:
        """Name the bars on ``side``; the value axis goes, as every bar carries its number."""
        axis = plot.getAxis(side)
        axis.setTickFont(self.font())
        metrics = QFontMetrics(self.font())
        shown = [metrics.elidedText(n, Qt.TextElideMode.ElideMiddle, MAX_NAME_WIDTH) for n in names]
        axis.setTicks([list(enumerate(shown)), []])
        if side == "left":
            # Reserve the room up front: pyqtgraph only widens an axis after a first paint.
            axis.setWidth(max((metrics.horizontalAdvance(n) for n in shown), default=20) + 14)
            plot.getViewBox().invertY(True)  # first label at the top, as in the scheme
            plot.hideAxis("bottom")
        else:
            axis.setHeight(metrics.height() + 12)
            plot.hideAxis("left")

    def _value_texts(
        self,
        plot: pg.PlotItem,
        values: Sequence[int],
        texts: Sequence[str],
        *,
        horizontal: bool,
        shift: float = 0.0,
    ) -> None:
        for i, (value, text) in enumerate(zip(values, texts, strict=True)):
            if horizontal:
                label = pg.TextItem(f" {text}", color=self._text_colour(), anchor=(0, 0.5))
                label.setPos(value, i)
            else:
                label = pg.TextItem(text, color=self._text_colour(), anchor=(0.5, 1))
                label.setPos(i + shift, value)
            plot.addItem(label)

    @staticmethod
    def _fit(
        plot: pg.PlotItem,
        values: Sequence[int],
        count: int,
        *,
        horizontal: bool,
        room: float = 0.18,
    ) -> None:
        top = max([*values, 1]) * (1 + room)
        if horizontal:
            plot.setXRange(0, top, padding=0)
            plot.setYRange(-0.6, max(count, 1) - 0.4, padding=0)
        else:
            plot.setYRange(0, top, padding=0)
            plot.setXRange(-0.6, max(count, 1) - 0.4, padding=0)

    def _text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _base_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def _mid_colour(self) -> QColor:
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        return QColor("#4a4d52") if dark else QColor("#d0d0d0")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_snapshot", None):
            self._draw()
