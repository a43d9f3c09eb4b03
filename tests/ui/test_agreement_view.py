"""The agreement dashboard shows the figures the repository computes, cell by cell."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.review.agreement_view import AgreementView, number

BATTERY = "CATL supplies LFP cells to BMW in Munich from 2026."
SWEDEN = "Northvolt builds a plant in Sweden."


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ProjectRepository]:
    with ProjectRepository.open(tmp_path / "agreement.kathode") as repository:
        added = repository.add_documents([new_document(t, "en") for t in (BATTERY, SWEDEN)])
        battery, sweden = (i for i, _ in added)
        catl, bmw = Span(0, 4, "ORG"), Span(27, 30, "ORG")
        repository.edit_spans(battery, "ana", add=[catl, bmw, Span(34, 40, "LOC")])
        repository.edit_spans(battery, "ben", add=[catl, Span(34, 40, "ORG")])
        repository.edit_spans(battery, "cem", add=[catl, bmw, Span(46, 50, "DATE")])
        for name in ("ana", "ben"):
            repository.edit_spans(sweden, name, add=[Span(0, 9, "ORG"), Span(28, 34, "LOC")])
        for document_id, name in [(battery, "ana"), (battery, "ben"), (battery, "cem"),
                                  (sweden, "ana"), (sweden, "ben")]:  # fmt: skip
            repository.set_status(document_id, name, Status.ACCEPTED)  # only finished ones count
        yield repository


@pytest.fixture
def view(qtbot: QtBot, repo: ProjectRepository) -> AgreementView:
    dialog = AgreementView(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.report is not None)  # computed off the GUI thread
    return dialog


def cell(view: AgreementView, a: str, b: str) -> Any:
    model = view.pair_model
    return model.data(model.index(model.names.index(a), model.names.index(b)))


def test_agreement_view_pair_matrix_shows_the_report(view: AgreementView) -> None:
    report = view.repo.agreement_report()
    assert view.pair_model.names == ["ana", "ben", "cem"]
    assert report.pairs
    for pair in report.pairs:
        expected = f"F1 {pair.f1:.2f}\nκ {pair.kappa:.2f}"
        assert cell(view, pair.a, pair.b) == expected
        assert cell(view, pair.b, pair.a) == expected
    for name in view.pair_model.names:
        assert cell(view, name, name) == "—"
    for figure, value in report.overall.items():
        assert f"{value:.2f}" in view.summary.text(), figure


def test_agreement_view_label_bars_and_quality_after_a_review(
    qtbot: QtBot, view: AgreementView, repo: ProjectRepository
) -> None:
    report = repo.agreement_report()
    assert view.label_bars is not None
    widths = [round(float(w), 6) for w in view.label_bars.opts["width"]]
    assert dict(zip(view.label_names, widths, strict=True)) == {
        name: round(f1, 6) for name, f1 in report.labels.items()
    }
    assert view.label_names[:2] == ["ORG", "LOC"]  # in the scheme's order
    assert view.quality_table.isHidden()
    assert "No gold versions yet" in view.quality_note.text()

    battery = repo.document_ids()[0]
    repo.save_gold(battery, "rita", [Span(0, 4, "ORG"), Span(27, 30, "ORG")], ["ana", "cem"])
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.loading)
    quality = repo.annotator_quality()
    assert not view.quality_table.isHidden()
    model = view.quality_model
    shown = {
        model.data(model.index(r, 0)): [model.data(model.index(r, c)) for c in (1, 2, 3)]
        for r in range(model.rowCount())
    }
    assert shown == {
        name: [f"{prf.precision:.2f}", f"{prf.recall:.2f}", f"{prf.f1:.2f}"]
        for name, prf in quality.items()
    }


def test_agreement_view_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, view: AgreementView, repo: ProjectRepository
) -> None:
    qtmodeltester.check(view.pair_model)
    repo.save_gold(repo.document_ids()[0], "rita", [Span(0, 4, "ORG")], ["ben"])
    with qtbot.waitSignal(view.reads.delivered):
        view.refresh()
    qtmodeltester.check(view.quality_model)


def test_agreement_view_figures_that_cannot_be_computed_read_n_a() -> None:
    assert number(float("nan")) == "n/a"
    assert number(0.5) == "0.50"


def test_agreement_view_label_figures_show_the_counts_behind_them(view: AgreementView) -> None:
    """ORG: ana-ben share CATL, ana-cem CATL and BMW, ben-cem CATL (Sweden: Northvolt), so
    10 of 14 marks found their match; LOC only in ana's and ben's Sweden: 2 of 4 (Munich
    LOC by ana alone); DATE: cem's alone, 0 of 2."""
    report = view.repo.agreement_report()
    assert view.label_figure("DATE") == "0.00 (0/2)"
    assert report.label_counts["DATE"] == (0, 2)
    for name, f1 in report.labels.items():
        matched, marks = report.label_counts[name]
        assert f1 == pytest.approx(matched / marks)
        assert view.label_figure(name) == f"{f1:.2f} ({matched}/{marks})"


def test_agreement_view_fits_the_screen(view: AgreementView) -> None:
    screen = view.screen().availableGeometry()
    assert view.width() <= screen.width() and view.height() <= screen.height()


def test_agreement_view_computes_off_the_gui_thread(
    qtbot: QtBot, repo: ProjectRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is computed on a worker while the dialog keeps handling events; the
    result arrives through a signal."""
    release = threading.Event()
    threads: list[int] = []
    compute = ProjectRepository.agreement_report

    def slow_report(self: ProjectRepository, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        assert release.wait(10)
        return compute(self, **kwargs)

    monkeypatch.setattr(ProjectRepository, "agreement_report", slow_report)
    dialog = AgreementView(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.loading and "Computing agreement" in dialog.summary.text()
    assert not dialog.refresh_button.isEnabled()
    ticks: list[int] = []
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5)  # the GUI thread runs while the worker waits
    assert dialog.report is None
    with qtbot.waitSignal(dialog.reads.delivered, timeout=10_000):
        release.set()
    timer.stop()
    assert threads and threads[0] != threading.get_ident()
    assert dialog.report is not None and dialog.refresh_button.isEnabled()
    assert "Overall" in dialog.summary.text()
