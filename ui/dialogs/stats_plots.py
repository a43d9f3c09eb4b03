"""Plot helpers shared by the statistics view's pages: pyqtgraph plots that follow the
window palette (light or dark), bars named on their axis, numbers on the bars."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QWidget

MAX_NAME_WIDTH = 200  # pixels; longer names are elided in the middle
# Colour-blind-safe series colours (Paul Tol's bright scheme), one per person.
SERIES_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB")


BAR_THICKNESS = 0.7
DONE_COLOUR = "#43a047"


class PlotStyle:
    """Plots of one widget in its palette and font."""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner

    def palette(self) -> QPalette:
        return self.owner.palette()

    def font(self) -> QFont:
        return self.owner.font()

    def make_plot(self, name: str) -> pg.PlotWidget:
        widget = pg.PlotWidget(self.owner)
        widget.setObjectName(name)
        widget.setMinimumSize(300, 200)
        item = widget.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=False)
        return widget

    def reset(self, widget: pg.PlotWidget, title: str) -> pg.PlotItem:
        item = widget.getPlotItem()
        item.clear()
        widget.setBackground(self.base_colour())
        text = self.text_colour()
        item.setTitle(title, color=text.name(), size="11pt")
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(self.mid_colour()))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(self.font())
        return item

    def ticks(self, plot: pg.PlotItem, side: str, names: Sequence[str]) -> None:
        """Name the bars on ``side``; the value axis goes, as every bar carries its number."""
        axis = plot.getAxis(side)
        metrics = QFontMetrics(self.font())
        shown = [metrics.elidedText(n, Qt.TextElideMode.ElideMiddle, MAX_NAME_WIDTH) for n in names]
        axis.setTicks([list(enumerate(shown)), []])
        if side == "left":
            # Reserve the room up front: pyqtgraph only widens an axis after a first paint.
            axis.setWidth(max((metrics.horizontalAdvance(n) for n in shown), default=20) + 14)
            plot.getViewBox().invertY(True)  # first name at the top
            plot.hideAxis("bottom")
        else:
            axis.setHeight(metrics.height() + 12)
            plot.hideAxis("left")

    def value_texts(
        self,
        plot: pg.PlotItem,
        values: Sequence[float],
        texts: Sequence[str],
        *,
        horizontal: bool,
        shift: float = 0.0,
    ) -> None:
        for i, (value, text) in enumerate(zip(values, texts, strict=True)):
            if horizontal:
                label = pg.TextItem(f" {text}", color=self.text_colour(), anchor=(0, 0.5))
                label.setPos(value, i + shift)
            else:
                label = pg.TextItem(text, color=self.text_colour(), anchor=(0.5, 1))
                label.setPos(i + shift, value)
            plot.addItem(label)

    @staticmethod
    def fit(
        plot: pg.PlotItem,
        values: Sequence[float],
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

    def progress_bars(
        self, plot: pg.PlotItem, names: Sequence[str], done: Sequence[int], totals: Sequence[int]
    ) -> dict[str, pg.BarGraphItem]:
        """Done of total per person, as horizontal bars with "d / t  (p%)" beside them."""
        ys = list(range(len(names)))
        bars = {
            "total": pg.BarGraphItem(
                x0=0, y=ys, height=BAR_THICKNESS, width=totals, brush=self.mid_colour(), pen=None
            ),
            "done": pg.BarGraphItem(
                x0=0, y=ys, height=BAR_THICKNESS, width=done, brush=QColor(DONE_COLOUR), pen=None
            ),
        }
        plot.addItem(bars["total"])
        plot.addItem(bars["done"])
        texts = [
            f"{d} / {t}" + (f"  ({100 * d // t}%)" if t else "")
            for d, t in zip(done, totals, strict=True)
        ]
        self.value_texts(plot, totals, texts, horizontal=True)
        self.ticks(plot, "left", names)
        self.fit(plot, totals, len(names), horizontal=True, room=0.45)
        return bars

    def text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def base_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def mid_colour(self) -> QColor:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        return QColor("#4a4d52") if dark else QColor("#d0d0d0")
