"""The statistics view: its bars carry the counts stored in the project, in label colours,
the same figures as the `stats` CLI, read off the GUI thread; and the team page."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from storage.team import add_member, init_team
from tests.conftest import ROOT
from tests.storage.conftest import new_document
from ui.dialogs.stats_view import LOADING, STATUSES, StatsView

TEXTS = ["CATL baut in Arnstadt ein Werk.", "GM kauft LFP-Zellen von CATL.", "Tesla baut."]


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ProjectRepository]:
    with ProjectRepository.open(tmp_path / "stats.kathode") as repository:
        ids = [i for i, _ in repository.add_documents([new_document(t, "de") for t in TEXTS])]
        repository.edit_spans(ids[0], "ana", add=[Span(0, 4, "ORG"), Span(13, 21, "LOC")])
        repository.edit_spans(ids[1], "ana", add=[Span(9, 12, "CHEMISTRY")])
        repository.edit_spans(ids[1], "ben", add=[Span(0, 2, "ORG"), Span(24, 28, "ORG")])
        repository.set_status(ids[0], "ana", Status.ACCEPTED)
        repository.set_status(ids[1], "ana", Status.SKIPPED)
        repository.set_status(ids[1], "ben", Status.REJECTED)
        yield repository


def opened(qtbot: QtBot, repo: ProjectRepository, annotator: str = "ana", **kw: Any) -> StatsView:
    """The view as a person opens it: it says it is loading until the figures arrive."""
    dialog = StatsView(repo, annotator, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_loaded(qtbot, dialog)
    return dialog


def wait_loaded(qtbot: QtBot, dialog: StatsView) -> None:
    if dialog.loading:
        with qtbot.waitSignal(dialog.loaded, timeout=10_000):
            pass


@pytest.fixture
def view(qtbot: QtBot, repo: ProjectRepository) -> StatsView:
    return opened(qtbot, repo)


def values(bars: pg.BarGraphItem | None, key: str) -> list[Any]:
    assert bars is not None
    return [int(v) for v in bars.opts[key]]


def tick_names(plot: pg.PlotWidget, side: str) -> list[str]:
    # pyqtgraph has no public getter for ticks given with setTicks.
    return [name for _, name in plot.getPlotItem().getAxis(side)._tickLevels[0]]


def label_widths(view: StatsView) -> dict[str, int]:
    names = tick_names(view.label_plot, "left")
    return dict(zip(names, values(view.label_bars, "width"), strict=True))


def test_stats_view_spans_per_label_in_label_colours(
    view: StatsView, repo: ProjectRepository
) -> None:
    labels = repo.labels()
    assert tick_names(view.label_plot, "left") == [label.name for label in labels]
    widths = label_widths(view)
    assert widths["ORG"] == 3 and widths["LOC"] == 1 and widths["CHEMISTRY"] == 1
    assert sum(widths.values()) == 5
    assert view.label_bars is not None
    brushes = [QColor(b).name().upper() for b in view.label_bars.opts["brushes"]]
    assert brushes == [label.colour.upper() for label in labels]


def test_stats_view_documents_per_status_mine_and_overall(view: StatsView) -> None:
    assert tick_names(view.status_plot, "bottom") == list(STATUSES)
    assert set(view.status_bars) == {"ana", "all annotators"}
    assert values(view.status_bars["ana"], "height") == [1, 1, 0, 1]
    # ben: 2 open, 1 rejected; ana: 1 open, 1 accepted, 1 skipped
    assert values(view.status_bars["all annotators"], "height") == [3, 1, 1, 1]
    assert "ana" in view.status_plot.getPlotItem().titleLabel.text


def test_stats_view_progress_per_annotator(view: StatsView) -> None:
    assert tick_names(view.progress_plot, "left") == ["ana", "ben"]
    assert values(view.progress_bars["done"], "width") == [2, 1]
    assert values(view.progress_bars["total"], "width") == [3, 3]
    assert "has done <b>2</b> of 3" in view.summary.text()


def test_stats_view_refresh_reads_new_spans(
    qtbot: QtBot, view: StatsView, repo: ProjectRepository
) -> None:
    doc_id = repo.document_ids()[2]
    repo.edit_spans(doc_id, "cleo", add=[Span(0, 5, "ORG")])
    repo.set_status(doc_id, "cleo", Status.ACCEPTED)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    widths = label_widths(view)
    assert widths["ORG"] == 4
    assert tick_names(view.progress_plot, "left") == ["ana", "ben", "cleo"]
    assert values(view.progress_bars["done"], "width") == [2, 1, 1]


def test_stats_view_for_a_new_annotator_and_labels_outside_the_scheme(
    qtbot: QtBot, repo: ProjectRepository
) -> None:
    doc_id = repo.document_ids()[0]
    repo.edit_spans(doc_id, "ben", add=[Span(0, 4, "SUPPLIER")])
    view = opened(qtbot, repo, "newcomer")
    assert values(view.status_bars["newcomer"], "height") == [3, 0, 0, 0]
    assert tick_names(view.label_plot, "left")[-1] == "SUPPLIER"
    assert view.label_bars is not None
    assert QColor(view.label_bars.opts["brushes"][-1]).name() == "#999999"


def test_stats_view_empty_project(qtbot: QtBot, tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "empty.kathode") as repo:
        view = opened(qtbot, repo)
        assert values(view.label_bars, "width") == [0] * 12
        assert values(view.status_bars["ana"], "height") == [0, 0, 0, 0]
        assert tick_names(view.progress_plot, "left") == []


def test_stats_view_reads_off_the_gui_thread_and_says_it_is_loading(
    qtbot: QtBot, repo: ProjectRepository
) -> None:
    threads: list[tuple[int, str]] = []

    @event.listens_for(repo.engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        threads.append((threading.get_ident(), statement))

    dialog = StatsView(repo, "ana")
    qtbot.addWidget(dialog)
    # The constructor returned before any figure was in: the window stays responsive.
    assert dialog.loading and dialog.summary.text() == LOADING
    assert not dialog.tabs.isEnabled() and not dialog.refresh_button.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    event.remove(repo.engine, "before_cursor_execute", record)
    on_gui = [q for thread, q in threads if thread == threading.get_ident() and q != "BEGIN"]
    # Every count on the worker; the GUI thread read only the title's project name.
    assert len(threads) > 10 and all("FROM project" in q and "count(" not in q for q in on_gui)
    assert not dialog.loading and dialog.tabs.isEnabled()
    assert sum(label_widths(dialog).values()) == 5


def test_stats_view_and_cli_give_the_same_figures(
    qtbot: QtBot, repo: ProjectRepository, tmp_path: Path
) -> None:
    """People's work in both, the gold versions apart in both."""
    ids = repo.document_ids()
    repo.save_gold(ids[1], "rita", [Span(0, 2, "ORG"), Span(9, 12, "CHEMISTRY")], ["ben"])
    cli = subprocess.run(
        [sys.executable, "main.py", "stats", "--project", str(repo.url.database), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    figures = json.loads(cli.stdout)
    view = opened(qtbot, repo)
    shown = {name: n for name, n in label_widths(view).items() if n}
    assert shown == figures["spans"]["by_label"] == {"CHEMISTRY": 1, "LOC": 1, "ORG": 3}
    gold = dict(zip(tick_names(view.label_plot, "left"), values(view.gold_bars, "width"),
                    strict=True))  # fmt: skip
    assert {n: v for n, v in gold.items() if v} == figures["gold"]["spans"]["by_label"]
    assert figures["gold"] == {"versions": 1, "spans": {"total": 2, "by_label":
                                                        {"CHEMISTRY": 1, "ORG": 1}}}  # fmt: skip
    overall = dict(zip(STATUSES, values(view.status_bars["all annotators"], "height"),
                       strict=True))  # fmt: skip
    for status in ("accepted", "rejected", "skipped"):
        assert overall[status] == figures["annotations"]["by_status"][status]
    text = view.summary.text()
    assert f"<b>{figures['documents']}</b> documents" in text
    assert (
        f"<b>{figures['spans']['total']}</b> spans by <b>{len(figures['annotators'])}</b>" in text
    )
    assert "gold apart: <b>1</b> versions, <b>2</b> spans" in text


def test_stats_view_team_page(qtbot: QtBot, tmp_path: Path) -> None:
    """Progress of assignments (the figures of `team status`), documents per day,
    agreement over time and work rates, on a team project with k = 2."""
    with ProjectRepository.open(tmp_path / "team.kathode") as repo:
        ids = [i for i, _ in repo.add_documents([new_document(t, "de") for t in TEXTS])]
        init_team(repo, overlap=2)
        for name in ("ana", "ben"):
            add_member(repo, name, "annotator")
        catl = Span(0, 4, "ORG")
        for name, spans in (("ana", [catl]), ("ben", [catl])):
            document_id = repo.next_document(name)
            assert document_id == ids[0]
            repo.edit_spans(document_id, name, add=spans)
            repo.set_status(document_id, name, Status.ACCEPTED)
        assert repo.next_document("ana") == ids[1]
        start = datetime.now(UTC) - timedelta(hours=1)
        view = opened(qtbot, repo, session_start=start)
        team = view.team
        people = {p.name: p for p in repo.team_progress()}
        assert tick_names(team.progress_plot, "left") == ["ana", "ben"]
        assert values(team.progress_bars["done"], "width") == [1, 1]
        assert values(team.progress_bars["total"], "width") == [people["ana"].assigned, 1]
        assert "done of assigned" in team.progress_plot.getPlotItem().titleLabel.text
        assert "<b>ana</b> has done <b>1</b> of 2" in view.summary.text()  # her queue
        finished = repo.finished_per_day()
        assert team.days == sorted({d for per in finished.values() for d in per})
        assert list(team.throughput_lines) == ["ana", "ben"]
        assert list(team.throughput_lines["ana"].yData) == [1]
        assert list(team.agreement_lines["daily"].yData) == [1.0]  # both marked CATL alike
        work = {
            team.work.item(r, 0).text(): [team.work.item(r, c).text() for c in range(1, 5)]
            for r in range(team.work.rowCount())
        }
        assert set(work) == {"ana", "ben"}
        assert work["ben"][2:] == ["—", "—"]  # a session is this window's person only
        assert work["ana"][2] == "1.0 (1)"  # one document in the hour since the start
        assert work["ana"][3] == "1 (1)"
