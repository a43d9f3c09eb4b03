"""The statistics view: spans per label, documents per status, each person's progress, and
a team page (progress of assignments, documents per day, agreement over time, work rates).

Every figure comes from ``storage.statistics`` (the one definition ``stats`` and ``team
status`` print too): people's work, with the gold versions shown apart. The figures are
read off the GUI thread (``ui.widgets.background``); until they arrive the view says it is
loading. Label and person charts lie on their side so that long names stay readable; the
plots follow the window palette, light or dark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from storage.repository import ProjectRepository
from storage.statistics import WorkRate
from ui.dialogs.stats_plots import BAR_THICKNESS, PlotStyle
from ui.dialogs.team_stats import TeamFigures, TeamStats
from ui.widgets.background import BackgroundReads
from ui.widgets.window_size import fit_to_screen

STATUSES = ("open", "accepted", "rejected", "skipped")
UNKNOWN_LABEL_COLOUR = "#999999"
GOLD_COLOUR = "#9e9e9e"
GOLD_THICKNESS = 0.25
LOADING = "Loading figures…"


@dataclass(frozen=True)
class Figures:
    """Everything the view shows, read in one background job."""

    stats: dict[str, Any]  # ``repo.stats()``: people's work, gold apart
    labels: list[str]  # the scheme's order
    colours: dict[str, str]
    progress: dict[str, dict[str, int]]
    documents: int  # in this person's queue
    team: TeamFigures

    def by_label(self, *, gold: bool = False) -> dict[str, int]:
        """People's spans (or the gold versions') per label: the scheme's labels in order
        (0 when unused), then labels outside the scheme by name."""
        used = self.stats["gold"]["spans"] if gold else self.stats["spans"]
        counts = dict.fromkeys(self.labels, 0)
        for name in sorted(used["by_label"]):
            counts[name] = used["by_label"][name]
        return counts


def read_figures(
    repo: ProjectRepository, annotator: str, session_start: datetime | None
) -> Figures:
    """All the view's figures (runs on a worker thread with its own repository object)."""
    now = datetime.now(UTC)
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    session = (
        repo.work_since(session_start, now=now).get(annotator, WorkRate(0, 0, 0.0))
        if session_start is not None
        else None
    )
    settings = repo.team_settings()
    return Figures(
        stats=repo.stats(),
        labels=[label.name for label in repo.labels()],
        colours={label.name: label.colour for label in repo.labels()},
        progress=repo.progress_by_annotator(),
        documents=repo.count_documents(annotator),
        team=TeamFigures(
            team=settings.team,
            people=repo.team_progress() if settings.team else [],
            progress=repo.progress_by_annotator(),
            finished=repo.finished_per_day(),
            agreement=repo.agreement_over_time(),
            today=repo.work_since(today, now=now, from_first_work=True),
            session=session,
        ),
    )


class StatsView(QDialog):
    """The project's figures on two pages; Refresh reads them again (in the background)."""

    loaded = Signal()  # the figures arrived and are drawn
    failed = Signal(str)

    def __init__(
        self,
        repo: ProjectRepository,
        annotator: str,
        parent: QWidget | None = None,
        *,
        session_start: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.plots = PlotStyle(self)
        self.repo = repo
        self.annotator = annotator
        self.session_start = session_start
        self.setWindowTitle(f"Kathode — statistics of {repo.name}")
        self.setObjectName("statsView")
        self.summary = QLabel(LOADING, self)
        self.summary.setObjectName("statsSummary")
        self.summary.setWordWrap(True)
        self.label_plot = self.plots.make_plot("labelPlot")
        self.status_plot = self.plots.make_plot("statusPlot")
        self.progress_plot = self.plots.make_plot("progressPlot")
        self.team = TeamStats(self)
        self.tabs = QTabWidget(self)
        self.refresh_button = QPushButton("&Refresh", self)
        self.reads = BackgroundReads(repo, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.refresh)
        self.finished.connect(lambda _result: self.reads.shutdown())

        # What the charts show, kept for tests and for redrawing on a palette change.
        self.label_bars: pg.BarGraphItem | None = None
        self.gold_bars: pg.BarGraphItem | None = None
        self.status_bars: dict[str, pg.BarGraphItem] = {}
        self.progress_bars: dict[str, pg.BarGraphItem] = {}
        self._figures: Figures | None = None
        self.loading = False

        project = QWidget(self)
        grid = QGridLayout(project)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.label_plot, 0, 0, 2, 1)
        grid.addWidget(self.status_plot, 0, 1)
        grid.addWidget(self.progress_plot, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.tabs.addTab(project, "&Project")
        self.tabs.addTab(self.team, "&Team")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 1100, 760)
        self.refresh()

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the figures again off the GUI thread; the view says so until they are in."""
        self.loading = True
        self.refresh_button.setEnabled(False)
        self.summary.setText(LOADING)
        self.tabs.setEnabled(False)
        annotator, start = self.annotator, self.session_start
        self.reads.read(
            "figures",
            lambda repo: read_figures(repo, annotator, start),
            self.on_figures,
            self.on_failed,
        )

    def on_figures(self, figures: Figures) -> None:
        self._figures = figures
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.tabs.setEnabled(True)
        self._draw()
        self.loaded.emit()

    def on_failed(self, message: str) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.summary.setText(f"The figures could not be read: {escape(message)}")
        self.failed.emit(message)

    def _draw(self) -> None:
        figures = self._figures
        if figures is None:
            return
        progress, documents = figures.progress, figures.documents
        mine = progress.get(self.annotator, {**dict.fromkeys(STATUSES, 0), "open": documents})
        overall = {st: sum(p[st] for p in progress.values()) for st in STATUSES}
        people = figures.by_label()
        gold = figures.by_label(gold=True)
        self._draw_labels(people, gold, figures.colours)
        self._draw_statuses(mine, overall)
        self._draw_progress(progress)
        self.team.draw(figures.team, self.annotator)
        done = sum(n for status, n in mine.items() if status != "open")
        gold_versions = figures.stats["gold"]["versions"]
        self.summary.setText(
            f"<b>{figures.stats['documents']}</b> documents · <b>{sum(people.values())}</b> "
            f"spans by <b>{len(progress)}</b> annotators · gold apart: <b>{gold_versions}</b> "
            f"versions, <b>{sum(gold.values())}</b> spans · <b>{escape(self.annotator)}</b> "
            f"has done <b>{done}</b> of {documents}"
        )

    # -- charts --------------------------------------------------------------------------

    def _draw_labels(
        self, counts: dict[str, int], gold: dict[str, int], colours: dict[str, str]
    ) -> None:
        legend = f"<span style='color:{GOLD_COLOUR}'>▬</span> gold, apart"
        plot = self.plots.reset(self.label_plot, f"Spans per label (people's work) {legend}")
        names = list(counts)
        values = [counts[n] for n in names]
        gold_values = [gold.get(n, 0) for n in names]
        self.label_bars = pg.BarGraphItem(
            x0=0,
            y=[i - GOLD_THICKNESS / 2 for i in range(len(names))],
            height=BAR_THICKNESS - GOLD_THICKNESS,
            width=values,
            brushes=[QColor(colours.get(n, UNKNOWN_LABEL_COLOUR)) for n in names],
            pens=[pg.mkPen(self.plots.text_colour(), width=0.5) for _ in names],
        )
        self.gold_bars = pg.BarGraphItem(
            x0=0,
            y=[i + (BAR_THICKNESS - GOLD_THICKNESS) / 2 for i in range(len(names))],
            height=GOLD_THICKNESS,
            width=gold_values,
            brush=QColor(GOLD_COLOUR),
            pen=None,
        )
        plot.addItem(self.label_bars)
        plot.addItem(self.gold_bars)
        texts = [f"{v}" + (f" · gold {g}" if g else "") for v, g in zip(values, gold_values,
                                                                         strict=True)]  # fmt: skip
        self.plots.value_texts(plot, [max(v, g) for v, g in zip(values, gold_values, strict=True)],
                          texts, horizontal=True)  # fmt: skip
        self.plots.ticks(plot, "left", names)
        self.plots.fit(plot, [*values, *gold_values], len(names), horizontal=True, room=0.3)

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
        plot = self.plots.reset(self.status_plot, f"Documents per status: {legend}")
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
            texts = [str(v) for v in values]
            self.plots.value_texts(plot, values, texts, horizontal=False, shift=shift)
            tallest.extend(values)
        self.plots.ticks(plot, "bottom", list(STATUSES))
        self.plots.fit(plot, tallest, len(STATUSES), horizontal=False)

    def _draw_progress(self, progress: dict[str, dict[str, int]]) -> None:
        plot = self.plots.reset(self.progress_plot, "Progress per annotator (done of total)")
        names = list(progress)
        totals = [sum(progress[n].values()) for n in names]
        done = [t - progress[n]["open"] for n, t in zip(names, totals, strict=True)]
        self.progress_bars = self.plots.progress_bars(plot, names, done, totals)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_figures", None):
            self._draw()
