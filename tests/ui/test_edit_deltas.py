"""Every view applies an edit's delta: row inserts and removes, counts changed, no re-reads.

Driven with keys like the other window tests; what was stored is checked after reopening.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document, record_statements
from tests.ui.conftest import OpenWindow

ENGLISH = "GM buys LFP cells from CATL for its plant in Tennessee."
CTRL = Qt.KeyboardModifier.ControlModifier


class ModelSignals:
    """Which structural notifications a Qt model sent."""

    def __init__(self, model: object) -> None:
        self.events: list[tuple[str, int]] = []
        model.modelReset.connect(lambda: self.events.append(("reset", -1)))  # type: ignore[attr-defined]
        model.rowsInserted.connect(lambda _p, first, _l: self.events.append(("insert", first)))  # type: ignore[attr-defined]
        model.rowsRemoved.connect(lambda _p, first, _l: self.events.append(("remove", first)))  # type: ignore[attr-defined]

    def take(self) -> list[tuple[str, int]]:
        events, self.events = self.events, []
        return events


def test_edit_deltas_span_list_gets_rows_not_a_reset(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(ENGLISH), new_document("Second text about BYD.")])
    repo, window = open_window(path)
    article, model = window.article, window.side.model
    document = window.document_id
    assert document is not None
    window.editor.set_suggestions(document, [Span(23, 27, "ORG", "rules:en")])
    assert model.rowCount() == 1
    signals = ModelSignals(model)
    queue_signals = ModelSignals(window.queue.model)
    # The queue is counted off the GUI thread when the window opens.
    qtbot.waitUntil(lambda: window.progress.text() == "ana: 0 of 2 done", timeout=2000)
    progress = window.progress.text()

    article.select_range(0, 2)
    qtbot.keyClick(article, Qt.Key.Key_O)  # GM: a row before the suggestion's
    assert signals.take() == [("insert", 0)]
    sent = record_statements(repo)  # the first edit made the annotator's version: now
    article.select_range(23, 27)
    qtbot.keyClick(article, Qt.Key.Key_O)  # CATL confirmed: its suggestion's row goes
    assert signals.take() == [("remove", 1), ("insert", 1)]
    # The key press was one edit: the queue row and the counts came from its delta.
    assert 0 < len(sent) <= 3, sent
    assert window.queue.model.data(window.queue.model.index(0, 3)) == 2
    assert window.label_bar.buttons["ORG"].text() == "ORG [O] · 2"
    assert window.progress.text() == progress
    article.select_range(24, 24)
    qtbot.keyClick(article, Qt.Key.Key_Delete)  # CATL removed, its suggestion rejected
    assert signals.take() == [("remove", 1)]
    assert model.rowCount() == 1
    qtbot.keyClick(article, Qt.Key.Key_Z, CTRL)  # undo: CATL back, the suggestion hidden
    assert signals.take() == [("insert", 1)]
    assert model.data(model.index(1, 0)) == "ORG"
    assert window.label_bar.buttons["ORG"].text() == "ORG [O] · 2"
    article.select_range(1, 1)
    qtbot.keyClick(article, Qt.Key.Key_L)  # relabel GM
    assert signals.take() == [("remove", 0), ("insert", 0)]
    assert window.label_bar.buttons["LOC"].text() == "LOC [L] · 1"
    assert window.label_bar.buttons["ORG"].text() == "ORG [O] · 1"
    qtbot.keyClick(article, Qt.Key.Key_A)  # accept: progress counts on, no count query
    assert window.progress.text() == "ana: 1 of 2 done"
    assert not any("count(" in s.lower() for s in sent), sent
    assert ("reset", -1) not in queue_signals.take()
    window.close()

    with ProjectRepository.open(path) as reopened:
        annotation = reopened.annotation(document, "ana")
        assert annotation.spans == [Span(0, 2, "LOC"), Span(23, 27, "ORG")]
        assert annotation.status.value == "accepted"
        assert reopened.document_summary(document, "ana").span_count == 2  # type: ignore[union-attr]
