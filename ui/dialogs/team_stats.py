"""The statistics view's team page: each person's progress (on a team project: done of
assigned, the figures of ``team status``), documents finished per day, agreement over
time, and work rates today and this session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from storage.assignment import PersonProgress
from storage.statistics import AgreementDay, WorkRate
from ui.dialogs.stats_plots import SERIES_COLOURS, PlotStyle

WORK_COLUMNS = ("Person", "Today\ndocs/h", "Today\nentities/h", "Session\ndocs/h",
                "Session\nentities/h")  # fmt: skip


@dataclass(frozen=True)
class TeamFigures:
    team: bool  # k was set: progress is done of assigned
    people: list[PersonProgress]  # on a team project (``team status``)
    progress: dict[str, dict[str, int]]  # every person, documents by status
    finished: dict[str, dict[date, int]]
    agreement: list[AgreementDay]
    today: dict[str, WorkRate]
    session: WorkRate | None  # the window's person, since the window opened


def person_progress(figures: TeamFigures) -> dict[str, tuple[int, int]]:
    """Per person (done, of how many): assigned on a team project, else every document."""
    if figures.team:
        return {p.name: (p.done, p.assigned) for p in figures.people}
    return {
        name: (sum(counts.values()) - counts["open"], sum(counts.values()))
        for name, counts in figures.progress.items()
    }


class TeamStats(QWidget):
    """Three plots and a table over the team's work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plots = PlotStyle(self)
        self.progress_plot = self.plots.make_plot("teamProgressPlot")
        self.throughput_plot = self.plots.make_plot("throughputPlot")
        self.agreement_plot = self.plots.make_plot("agreementTimePlot")
        self.work = QTableWidget(0, len(WORK_COLUMNS), self)
        self.work.setObjectName("workRates")
        self.work.setHorizontalHeaderLabels(list(WORK_COLUMNS))
        self.work.verticalHeader().hide()
        self.work.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.work.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.work.setToolTip(
            "Documents finished and entities marked per hour, from the stored times: today "
            "from each person's first piece of work, this session since this window opened"
        )
        # What the plots show, kept for tests.
        self.progress_bars: dict[str, pg.BarGraphItem] = {}
        self.throughput_lines: dict[str, pg.PlotDataItem] = {}
        self.agreement_lines: dict[str, pg.PlotDataItem] = {}
        self.days: list[date] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.progress_plot, 0, 0)
        grid.addWidget(self.throughput_plot, 0, 1)
        grid.addWidget(self.agreement_plot, 1, 0)
        grid.addWidget(self.work, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def draw(self, figures: TeamFigures, annotator: str) -> None:
        self._draw_progress(figures)
        self._draw_throughput(figures.finished)
        self._draw_agreement(figures.agreement)
        self._fill_work(figures, annotator)

    def _draw_progress(self, figures: TeamFigures) -> None:
        of = "assigned" if figures.team else "all documents"
        plot = self.plots.reset(self.progress_plot, f"Progress per person (done of {of})")
        progress = person_progress(figures)
        names = list(progress)
        done = [progress[n][0] for n in names]
        totals = [progress[n][1] for n in names]
        self.progress_bars = self.plots.progress_bars(plot, names, done, totals)

    def _draw_throughput(self, finished: dict[str, dict[date, int]]) -> None:
        days = sorted({day for per_day in finished.values() for day in per_day})
        self.days = days
        legend = " ".join(
            f"<span style='color:{SERIES_COLOURS[i % len(SERIES_COLOURS)]}'>●</span> {escape(name)}"
            for i, name in enumerate(finished)
        )
        plot = self.plots.reset(self.throughput_plot, f"Documents finished per day {legend}")
        self.throughput_lines = {}
        index = {day: i for i, day in enumerate(days)}
        tallest = 1
        for i, (name, per_day) in enumerate(finished.items()):
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            xs = [index[day] for day in per_day]
            ys = list(per_day.values())
            tallest = max(tallest, *ys)
            line = pg.PlotDataItem(
                xs, ys, pen=pg.mkPen(colour, width=2), symbol="o", symbolBrush=colour,
                symbolPen=None, symbolSize=7, name=name,
            )  # fmt: skip
            plot.addItem(line)
            self.throughput_lines[name] = line
        self._day_axis(plot, days)
        plot.setYRange(0, tallest * 1.15, padding=0)
        plot.showAxis("left")

    def _draw_agreement(self, agreement: list[AgreementDay]) -> None:
        colour, mean = SERIES_COLOURS[0], SERIES_COLOURS[1]
        title = (
            f"Agreement (span F1): <span style='color:{colour}'>●</span> per day "
            f"<span style='color:{mean}'>—</span> so far"
        )
        plot = self.plots.reset(self.agreement_plot, title)
        days = [a.day for a in agreement]
        xs = list(range(len(days)))
        daily = pg.PlotDataItem(
            xs, [a.f1 for a in agreement], pen=None, symbol="o", symbolBrush=colour,
            symbolPen=None, symbolSize=8,
        )  # fmt: skip
        overall = pg.PlotDataItem(xs, [a.overall for a in agreement], pen=pg.mkPen(mean, width=2))
        plot.addItem(daily)
        plot.addItem(overall)
        self.agreement_lines = {"daily": daily, "overall": overall}
        self._day_axis(plot, days)
        plot.setYRange(0, 1.05, padding=0)
        plot.showAxis("left")
        if not agreement:
            empty = pg.TextItem(
                "No document has two accepted versions yet", color=self.plots.text_colour(),
                anchor=(0.5, 0.5),
            )  # fmt: skip
            empty.setPos(0, 0.5)
            plot.addItem(empty)

    def _day_axis(self, plot: pg.PlotItem, days: list[date]) -> None:
        step = max(1, len(days) // 8)  # at most about eight dates on the axis
        axis = plot.getAxis("bottom")
        axis.setTicks([[(i, d.strftime("%d %b")) for i, d in enumerate(days) if i % step == 0]])
        plot.setXRange(-0.5, max(len(days), 1) - 0.5, padding=0.02)

    def _fill_work(self, figures: TeamFigures, annotator: str) -> None:
        names = sorted({*figures.today, *person_progress(figures), annotator})
        self.work.setRowCount(len(names))
        for row, name in enumerate(names):
            today = figures.today.get(name)
            session = figures.session if name == annotator else None
            cells = [
                name,
                _rate(today, documents=True),
                _rate(today, documents=False),
                _rate(session, documents=True) if name == annotator else "—",
                _rate(session, documents=False) if name == annotator else "—",
            ]
            for column, text in enumerate(cells):
                self.work.setItem(row, column, QTableWidgetItem(text))


def _rate(rate: WorkRate | None, *, documents: bool) -> str:
    if rate is None:
        return "0"
    if documents:
        return f"{rate.documents_per_hour:.1f} ({rate.documents})"
    return f"{rate.entities_per_hour:.0f} ({rate.entities})"
