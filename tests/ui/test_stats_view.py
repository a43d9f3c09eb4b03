"""The statistics view: its bars carry the counts stored in the project, in label colours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.dialogs.stats_view import STATUSES, StatsView

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


@pytest.fixture
def view(qtbot: QtBot, repo: ProjectRepository) -> StatsView:
    dialog = StatsView(repo, "ana")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


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
    view = StatsView(repo, "newcomer")
    qtbot.addWidget(view)
    assert values(view.status_bars["newcomer"], "height") == [3, 0, 0, 0]
    assert tick_names(view.label_plot, "left")[-1] == "SUPPLIER"
    assert view.label_bars is not None
    assert QColor(view.label_bars.opts["brushes"][-1]).name() == "#999999"


def test_stats_view_empty_project(qtbot: QtBot, tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "empty.kathode") as repo:
        view = StatsView(repo, "ana")
        qtbot.addWidget(view)
        assert values(view.label_bars, "width") == [0] * 12
        assert values(view.status_bars["ana"], "height") == [0, 0, 0, 0]
        assert tick_names(view.progress_plot, "left") == []
