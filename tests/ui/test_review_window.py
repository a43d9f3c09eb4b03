"""The review window driven with keys and clicks; the gold version is checked after reopening."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.review import Agreement
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.review.review_editor import Decision, key
from ui.review.review_panel import COLUMNS, CandidateModel
from ui.review.review_window import ReviewWindow

CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)
# CATL(0,4) supplies LFP(14,17) cells(18,23) to BMW(27,30) in Munich(34,40) from 2026(46,50).
BATTERY = "CATL supplies LFP cells to BMW in Munich from 2026."
SWEDEN = "Northvolt builds a plant in Sweden."
TESLA = "Tesla opens a factory."
CATL, BMW = Span(0, 4, "ORG"), Span(27, 30, "ORG")
LFP, LFP_CELLS = Span(14, 17, "CHEMISTRY"), Span(14, 23, "COMPONENT")
MUNICH_LOC, MUNICH_ORG = Span(34, 40, "LOC"), Span(34, 40, "ORG")
YEAR = Span(46, 50, "DATE")
VERSIONS = {
    "ana": [CATL, LFP, BMW, MUNICH_LOC],
    "ben": [CATL, LFP_CELLS, BMW, MUNICH_ORG],
    "cem": [CATL, LFP, BMW, YEAR],
}

OpenReview = Callable[..., tuple[ProjectRepository, ReviewWindow]]


def make_project(path: Path) -> dict[str, int]:
    """Three documents: three versions that disagree, two that agree, one alone."""
    with ProjectRepository.open(path) as repo:
        texts = {"battery": BATTERY, "sweden": SWEDEN, "tesla": TESLA}
        added = repo.add_documents([new_document(t, "en") for t in texts.values()])
        ids = dict(zip(texts, (i for i, _ in added), strict=True))
        versions = {(ids["battery"], name): spans for name, spans in VERSIONS.items()}
        for name in ("ana", "ben"):
            versions[ids["sweden"], name] = [Span(0, 9, "ORG"), Span(28, 34, "LOC")]
        versions[ids["tesla"], "ana"] = [Span(0, 5, "ORG")]
        for (document_id, name), spans in versions.items():
            repo.edit_spans(document_id, name, add=spans)
            repo.set_status(document_id, name, Status.ACCEPTED)  # the queue lists decided ones
    return ids


@pytest.fixture
def open_review(qtbot: QtBot) -> Iterator[OpenReview]:
    opened: list[tuple[ProjectRepository, ReviewWindow]] = []

    def open_(path: Path, reviewer: str = "rita") -> tuple[ProjectRepository, ReviewWindow]:
        repo = ProjectRepository.open(path)
        window = ReviewWindow(repo, reviewer)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        qtbot.waitUntil(lambda: not window.loading)  # the first document is read off-thread
        opened.append((repo, window))
        return repo, window

    yield open_
    for repo, window in opened:
        window.close()
        repo.close()


def rows(model: CandidateModel) -> dict[tuple[int, int, str], dict[str, Any]]:
    """The candidate list as shown: one dict of column texts per span."""
    result = {}
    for row in range(model.rowCount()):
        candidate = model.candidate(row)
        assert candidate is not None
        result[key(candidate.span)] = {
            name: model.data(model.index(row, column)) for column, name in enumerate(COLUMNS)
        }
    return result


def keys(spans: list[Span]) -> list[tuple[int, int, str]]:
    return sorted(key(s) for s in spans)


def test_review_window_whole_review_survives_reopen(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    """Queue order, candidate list in words, pre-merge, take, drop, whole version, undo, redo."""
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    repo, window = open_review(path)
    queue = window.queue.model
    shown = [queue.item(r) for r in range(queue.rowCount())]
    assert [it.document_id for it in shown if it] == [it.document_id for it in repo.review_queue()]
    assert shown[0] is not None and shown[0].document_id == ids["battery"]
    disagreements = [float(queue.data(queue.index(r, 2))) for r in range(queue.rowCount())]
    assert disagreements == sorted(disagreements, reverse=True)
    assert disagreements[0] > 0

    # The most disputed document is open, and what everyone marked is already in gold.
    assert window.document_id == ids["battery"]
    assert keys(window.editor.gold) == keys([CATL, BMW])
    listed = rows(window.panel.model)
    assert listed[key(CATL)]["Marked by"] == "ana, ben, cem"
    assert listed[key(CATL)]["Agreement"] == "= all agree"
    assert listed[key(CATL)]["Decision"] == "in gold"
    assert listed[key(MUNICH_LOC)]["Marked by"] == "ana"
    assert listed[key(MUNICH_LOC)]["Agreement"] == "≠ label differs"
    assert listed[key(MUNICH_ORG)]["Marked by"] == "ben"
    assert listed[key(LFP)]["Marked by"] == "ana, cem"
    assert listed[key(LFP)]["Agreement"] == "↔ boundaries differ"
    assert listed[key(YEAR)] == {
        "Span": "DATE “2026”",
        "Marked by": "cem",
        "Agreement": "⊂ only some",
        "Decision": "open",
    }

    view = window.gold_view
    view.select_range(15, 15)  # caret in "LFP": Enter takes ana's and cem's CHEMISTRY span
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert key(LFP) in keys(window.editor.gold)
    assert rows(window.panel.model)[key(LFP_CELLS)]["Decision"] == "replaced"
    view.select_range(47, 47)  # caret in "2026": Delete drops cem's DATE
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert rows(window.panel.model)[key(YEAR)]["Decision"] == "dropped"
    assert key(YEAR) not in keys(window.editor.gold)

    row = window.panel.model.row_of(
        next(c for c in window.editor.candidates if c.span == MUNICH_LOC)
    )
    assert row is not None
    table = window.panel.table
    rect = table.visualRect(window.panel.model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.gold_view.selection() == (34, 40)
    qtbot.mouseClick(window.panel.take, Qt.MouseButton.LeftButton)
    decided = [CATL, LFP, BMW, MUNICH_LOC]
    assert keys(window.editor.gold) == keys(decided)
    assert rows(window.panel.model)[key(MUNICH_ORG)]["Decision"] == "replaced"

    window.panel.version.setCurrentText("ben")
    qtbot.mouseClick(window.panel.take_version, Qt.MouseButton.LeftButton)
    assert keys(window.editor.gold) == keys(VERSIONS["ben"])
    assert window.editor.sources == ["ben"]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo the whole version
    assert keys(window.editor.gold) == keys(decided)
    assert window.editor.sources == ["ana", "ben", "cem"]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)  # redo it
    assert keys(window.editor.gold) == keys(VERSIONS["ben"])
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert keys(repo.gold(ids["battery"]).spans) == keys(decided)  # type: ignore[union-attr]
    assert queue.item(0) is not None and queue.item(0).reviewed  # type: ignore[union-attr]
    window.close()
    repo.close()

    with ProjectRepository.open(path) as reopened:
        gold = reopened.gold(ids["battery"])
        reviewer, sources = reopened.gold_info(ids["battery"])
        queue_after = {it.document_id: it.reviewed for it in reopened.review_queue()}
    assert gold is not None
    assert keys(gold.spans) == keys(decided)
    assert reviewer == "rita"
    assert sorted(sources) == ["ana", "ben", "cem"]
    assert queue_after[ids["battery"]] is True


def test_review_window_free_edits_with_label_keys(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    repo, window = open_review(path)
    view = window.gold_view
    view.select_range(35, 35)  # caret on the open LOC/ORG candidates of "Munich"
    qtbot.keyClick(view, Qt.Key.Key_L)  # a label key takes the candidate with that label
    assert key(MUNICH_LOC) in keys(window.editor.gold)
    view.select_range(42, 49)  # "rom 202": snapped to "from 2026"
    qtbot.keyClick(view, Qt.Key.Key_D)
    assert (41, 50, "DATE") in keys(window.editor.gold)
    view.select_range(1, 1)  # relabel the pre-merged CATL span
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert (0, 4, "PERSON") in keys(window.editor.gold)
    assert key(CATL) not in keys(window.editor.gold)
    qtbot.keyClick(view, Qt.Key.Key_Backspace)  # undo the relabel
    assert key(CATL) in keys(window.editor.gold)
    gold = repo.gold(ids["battery"])
    assert gold is not None
    assert keys(gold.spans) == keys([CATL, BMW, MUNICH_LOC, Span(41, 50, "DATE")])


def test_review_window_premerge_by_majority_and_undo(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    repo, window = open_review(path)
    assert keys(window.editor.gold) == keys([CATL, BMW])
    window.panel.threshold.setCurrentIndex(window.panel.threshold.findText("majority"))
    qtbot.mouseClick(window.panel.premerge, Qt.MouseButton.LeftButton)
    assert keys(window.editor.gold) == keys([CATL, LFP, BMW])  # ana and cem: two of three
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Z, CTRL)  # the pre-merge on opening too
    assert window.editor.gold == []
    assert repo.gold(ids["battery"]) is None  # unreviewed again
    row = window.queue.model.row_of(ids["battery"])
    assert row is not None
    assert window.queue.model.data(window.queue.model.index(row, 3)) == "no"
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert keys(window.editor.gold) == keys([CATL, BMW])
    assert repo.gold_info(ids["battery"]) == ("rita", ["ana", "ben", "cem"])


def test_review_window_undo_brings_the_document_back(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    repo, window = open_review(path)
    window.gold_view.select_range(47, 47)
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Return)  # take cem's DATE
    assert key(YEAR) in keys(window.editor.gold)
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Down, ALT)  # next document, read off-thread
    qtbot.waitUntil(lambda: window.document_id != ids["battery"])
    other = window.document_id
    assert other is not None
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Z, CTRL)  # undo its pre-merge
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Z, CTRL)  # undo the DATE: back to battery
    assert window.document_id == ids["battery"]
    assert key(YEAR) not in keys(window.editor.gold)
    gold = repo.gold(ids["battery"])
    assert gold is not None and key(YEAR) not in keys(gold.spans)


def test_review_window_queue_filters(qtbot: QtBot, tmp_path: Path, open_review: OpenReview) -> None:
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    repo, window = open_review(path)
    panel = window.queue
    model = panel.model

    def listed() -> set[int]:
        return {it.document_id for r in range(model.rowCount()) if (it := model.item(r))}

    assert listed() == set(ids.values())
    panel.annotator.setCurrentIndex(panel.annotator.findData("cem"))
    assert listed() == {ids["battery"]}
    panel.annotator.setCurrentIndex(0)
    panel.label.setCurrentIndex(panel.label.findData("LOC"))
    assert listed() == {ids["battery"], ids["sweden"]}
    panel.label.setCurrentIndex(0)
    panel.include_reviewed.setChecked(False)  # the battery document was pre-merged on opening
    assert ids["battery"] not in listed()
    panel.include_reviewed.setChecked(True)
    late = repo.add_documents([new_document("Umicore opens a plant.", "en")])[0][0]
    repo.edit_spans(late, "ana", add=[Span(0, 7, "ORG")])
    repo.set_status(late, "ana", Status.ACCEPTED)
    assert late not in listed()
    qtbot.keyClick(window.gold_view, Qt.Key.Key_F5)  # finished since the window opened
    assert late in listed()


def test_review_window_queue_read_of_an_older_filter_is_not_shown(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    """Others' changes start a background read of the queue; the reviewer changes a filter
    before it answers: what the queue shows is the new filter's rows."""
    from storage.changes import Change

    path = tmp_path / "p.kathode"
    ids = make_project(path)
    _, window = open_review(path)
    panel = window.queue
    window.live_updates.changed.emit([Change("database")])  # the read starts, unfiltered
    panel.annotator.setCurrentIndex(panel.annotator.findData("cem"))  # answered at once
    qtbot.waitUntil(lambda: not window.reads.pending("review-queue"), timeout=5000)
    qtbot.wait(50)
    shown = {it.document_id for r in range(panel.model.rowCount()) if (it := panel.model.item(r))}
    assert shown == {ids["battery"]}


def test_review_window_stacked_versions_and_legend(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path)
    _, window = open_review(path)
    assert not window.versions.isVisible()
    qtbot.keyClick(window.gold_view, Qt.Key.Key_V, CTRL | SHIFT)
    assert window.stacked.isChecked() and window.versions.isVisible()
    assert sorted(window.versions.views) == ["ana", "ben", "cem"]
    ben = window.versions.views["ben"]
    assert ben.isReadOnly()
    assert {(m.start, m.end, m.label) for m in ben.highlighter.index.marks} == set(
        keys(VERSIONS["ben"])
    )
    description = window.panel.legend.accessibleDescription()
    for words in ("all agree", "label differs", "boundaries differ", "only some"):
        assert words in description
    # Open candidates are drawn in their agreement colour; gold spans in their label colour.
    marks = window.gold_view.highlighter.index.marks
    outlined = {(m.start, m.end, m.label): m.colour for m in marks if m.suggested}
    assert outlined[key(YEAR)] == "#4477AA"
    assert outlined[key(MUNICH_ORG)] == "#AA3377"
    assert {(m.start, m.end, m.label) for m in marks if not m.suggested} == set(keys([CATL, BMW]))
    assert "marked by cem" in (window.gold_view.describe_at(47) or "")


def test_review_window_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path)
    _, window = open_review(path)
    qtmodeltester.check(window.queue.model)
    qtmodeltester.check(window.panel.model)
    assert all(
        window.panel.model.decision(r) in Decision for r in range(window.panel.model.rowCount())
    )
    assert {c.agreement for c in window.editor.candidates} == set(Agreement)


def test_review_window_context_menu_takes_and_drops(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path)
    _, window = open_review(path)
    menu = QMenu(window)
    window.gold_view.context_requested.emit(menu, 47)  # on cem's DATE candidate
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["Take DATE (cem)", "Drop"]
    menu.actions()[0].trigger()
    assert key(YEAR) in keys(window.editor.gold)
    menu = QMenu(window)
    window.gold_view.context_requested.emit(menu, 47)  # now a gold span
    assert menu.actions()[0].text() == "Drop DATE from gold"
    menu.actions()[0].trigger()
    assert key(YEAR) not in keys(window.editor.gold)
    assert rows(window.panel.model)[key(YEAR)]["Decision"] == "dropped"


def test_review_window_dropped_candidate_stays_dropped_after_reopening(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path)
    repo, window = open_review(path)
    document = window.editor.document_id
    assert document is not None
    window.gold_view.select_range(47, 47)  # caret in "2026": Delete drops cem's DATE
    qtbot.keyClick(window.gold_view, Qt.Key.Key_Delete)
    assert rows(window.panel.model)[key(YEAR)]["Decision"] == "dropped"
    window.close()
    gold = repo.gold(document)
    assert gold is not None and [key(s) for s in gold.rejected] == [key(YEAR)]
    _, again = open_review(path)
    assert rows(again.panel.model)[key(YEAR)]["Decision"] == "dropped"
    qtbot.keyClick(again.gold_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # The undo stack is per window: nothing to undo here, the drop stays.
    assert rows(again.panel.model)[key(YEAR)]["Decision"] == "dropped"


def test_review_window_tab_reaches_the_other_candidate_after_a_drop(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    """Munich is LOC for ana and ORG for ben: dropping ana's leaves the place selected, Tab
    goes to ben's there and Enter takes it."""
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    repo, window = open_review(path)
    view = window.gold_view
    view.select_range(31, 31)  # "in", before Munich
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selection() == (34, 40)
    assert window.panel.selected() is not None
    assert window.panel.selected().span == MUNICH_LOC  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # drop ana's LOC
    assert rows(window.panel.model)[key(MUNICH_LOC)]["Decision"] == "dropped"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selection() == (34, 40)  # still Munich: ben's ORG is open there
    assert window.panel.selected().span == MUNICH_ORG  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert key(MUNICH_ORG) in keys(window.editor.gold)
    gold = repo.gold(ids["battery"])
    assert gold is not None and key(MUNICH_ORG) in keys(gold.spans)
    assert [key(s) for s in gold.rejected] == [key(MUNICH_LOC)]


def test_review_window_tab_and_enter_pick_the_second_candidate_at_one_place(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    make_project(path)
    _, window = open_review(path)
    view = window.gold_view
    view.select_range(31, 31)
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # ana's LOC at Munich
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # ben's ORG at the same place, not past it
    assert view.selection() == (34, 40)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert key(MUNICH_ORG) in keys(window.editor.gold)
    assert key(MUNICH_LOC) not in keys(window.editor.gold)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selection() == (46, 50)  # then on to cem's DATE


def test_review_window_fits_the_screen_and_stays_shrunk(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    _, window = open_review(path)
    screen = window.screen().availableGeometry()
    assert window.frameGeometry().width() <= screen.width()
    assert window.height() <= screen.height()
    assert window.minimumSizeHint().width() <= min(1024, screen.width())
    window.resize(window.minimumSizeHint().width() + 20, 500)
    qtbot.waitUntil(lambda: window.width() == window.minimumSizeHint().width() + 20)
    shrunk = window.width()
    for document_id in (ids["sweden"], ids["tesla"], ids["battery"]):
        window.queue.select_document(document_id)
        qtbot.waitUntil(lambda d=document_id: window.document_id == d)  # type: ignore[misc]
        qtbot.wait(20)
        assert window.width() == shrunk  # opening a document never widens the window
    window.on_agreement()
    assert window.agreement_view is not None
    assert window.agreement_view.width() <= screen.width()


def test_review_window_columns_whole_at_1280(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    """At the width the window opens with on a 1,280-pixel screen (92 %), every column of
    the queue (Reviewed too) and of the candidate list is inside its table, and so is the
    legend's text."""
    path = tmp_path / "p.kathode"
    make_project(path)
    _, window = open_review(path)
    window.resize(int(1280 * 0.92), 700)
    qtbot.waitUntil(lambda: window.width() == int(1280 * 0.92))
    window.share_width()
    qtbot.wait(20)
    for table in (window.queue.table, window.panel.table):
        header = table.horizontalHeader()
        last = header.count() - 1
        right = header.sectionViewportPosition(last) + header.sectionSize(last)
        assert right <= table.viewport().width(), table.objectName()
        assert header.sectionSize(0) >= table.fontMetrics().averageCharWidth() * 6
    legend = window.panel.legend
    assert legend.width() >= legend.minimumSizeHint().width()
    assert legend.height() >= legend.heightForWidth(legend.width())


def test_review_window_tab_scrolls_the_candidate_into_view(
    qtbot: QtBot, tmp_path: Path, open_review: OpenReview
) -> None:
    path = tmp_path / "p.kathode"
    text = "Filler words about batteries. " * 200 + "CATL ships cells."
    with ProjectRepository.open(path) as repo:
        [(doc, _)] = repo.add_documents([new_document(text, "en")])
        start = text.index("CATL")
        for name, label in (("ana", "ORG"), ("ben", "PRODUCT")):
            repo.edit_spans(doc, name, add=[Span(start, start + 4, label)])
            repo.set_status(doc, name, Status.ACCEPTED)
    _, window = open_review(path)
    window.resize(800, 500)
    view = window.gold_view
    view.select_range(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selection() == (start, start + 4)
    assert view.viewport().rect().contains(view.cursorRect())


def test_review_window_reads_a_document_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a document: the reads run on a worker, the heading says "loading", the
    window handles events meanwhile, and the document arrives through a signal."""
    path = tmp_path / "p.kathode"
    ids = make_project(path)
    release = threading.Event()
    threads: list[int] = []
    read_versions = ProjectRepository.versions

    def slow_versions(self: ProjectRepository, document_id: int) -> Any:
        threads.append(threading.get_ident())
        assert release.wait(10)
        return read_versions(self, document_id)

    monkeypatch.setattr(ProjectRepository, "versions", slow_versions)
    repo = ProjectRepository.open(path)
    window = ReviewWindow(repo, "rita")
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.loading and "loading" in window.heading.text()
        ticks: list[int] = []
        timer = QTimer(window)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        qtbot.waitUntil(lambda: len(ticks) >= 5)  # the event loop runs during the read
        assert window.document_id is None
        with qtbot.waitSignal(window.editor.document_opened, timeout=10_000):
            release.set()
        timer.stop()
        assert threads and threads[0] != threading.get_ident()
        assert window.document_id == ids["battery"] and not window.loading
        assert "loading" not in window.heading.text()
        assert keys(window.editor.gold) == keys([CATL, BMW])  # pre-merged on arrival
    finally:
        release.set()
        window.close()
        repo.close()
