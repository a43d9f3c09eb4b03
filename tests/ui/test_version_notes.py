"""The note on a version in the annotator's window: typed and chosen, stored at once, kept
after reopening, filterable in the queue and shown in the review window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.notes import VersionNote
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow
from ui.annotate.main_window import MainWindow
from ui.review.review_window import ReviewWindow

TEXTS = ["CATL liefert Zellen an BMW.", "Northvolt baut in Heide.", "GM kauft LFP-Zellen."]


def make(path: Path) -> list[int]:
    with ProjectRepository.open(path) as repo:
        ids = [i for i, _ in repo.add_documents([new_document(t, "de") for t in TEXTS])]
        for name in ("ana", "ben"):
            repo.edit_spans(ids[0], name, add=[Span(0, 4, "ORG")])
            repo.set_status(ids[0], name, Status.ACCEPTED)
    return ids


def listed(window: MainWindow) -> list[int]:
    model = window.queue.model
    return [row.id for r in range(model.rowCount()) if (row := model.row_at(model.index(r, 0)))]


def test_version_notes_typed_and_flagged_are_stored_and_filtered(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    ids = make(path)
    repo, window = open_window(path)
    assert window.document_id == ids[0]
    notes = window.notes
    qtbot.mouseClick(notes.comment, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(notes.comment, "Is BMW the buyer or the partner?")
    qtbot.keyClick(notes.comment, Qt.Key.Key_Return)
    assert window.article.hasFocus()  # the keys go back to the article
    assert repo.note(ids[0], "ana") == VersionNote("Is BMW the buyer or the partner?")
    notes.flag.setCurrentIndex(notes.flag.findData("unsure"))
    notes.flag.activated.emit(notes.flag.currentIndex())  # as a click on the menu item does
    assert repo.note(ids[0], "ana").flag == "unsure"
    assert "Note saved" in window.statusBar().currentMessage()

    status = window.queue.status
    status.setCurrentIndex(status.findData("unsure"))  # the queue's flag filter
    assert listed(window) == [ids[0]]
    status.setCurrentIndex(status.findData("bad text"))
    assert listed(window) == []
    status.setCurrentIndex(0)
    assert listed(window) == ids

    window.queue.step(1)  # another document: its own (empty) note
    assert window.document_id == ids[1]
    assert notes.comment.text() == "" and notes.flag.currentData() is None
    window.queue.step(-1)
    assert notes.comment.text() == "Is BMW the buyer or the partner?"
    window.close()
    repo.close()
    with ProjectRepository.open(path) as reopened:
        assert reopened.note(ids[0], "ana") == VersionNote(
            "Is BMW the buyer or the partner?", "unsure"
        )


def test_version_notes_another_version_is_read_only(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    ids = make(path)
    with ProjectRepository.open(path) as repo:
        repo.set_note(ids[0], "ben", VersionNote("Heide is the town", "bad text"))
    repo, window = open_window(path)
    window.side.version_chosen.emit("ben")
    qtbot.waitUntil(lambda: window.editor.viewing == "ben")
    assert window.notes.comment.text() == "Heide is the town"
    assert window.notes.comment.isReadOnly() and not window.notes.flag.isEnabled()
    assert repo.note(ids[0], "ana").empty


def test_version_notes_are_shown_in_the_review_window(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    ids = make(path)
    with ProjectRepository.open(path) as repo:
        repo.set_note(ids[0], "ben", VersionNote("BMW <is> a buyer", "unsure"))
    repo = ProjectRepository.open(path)
    window = ReviewWindow(repo, "rita")
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.document_id == ids[0])
        heading = window.heading.text()
        assert "ben: ⚑ unsure — “BMW &lt;is&gt; a buyer”" in heading  # escaped, not markup
        assert "ana:" not in heading
    finally:
        window.close()
        repo.close()
