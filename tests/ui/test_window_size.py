"""The windows fit a laptop's screen: the label bar wraps, long titles wrap."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow

TITLE = "Der chinesische Batteriehersteller CATL baut sein Zellwerk in Thüringen um 12 GWh aus "
TEXT = TITLE * 3 + "\nGM buys LFP cells from CATL."


def test_window_size_main_window_fits_1024_with_every_label_counted(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(TEXT, "de")])
    _, window = open_window(path)
    assert len(window.labels) == 12
    window.label_bar.set_counts({label.name: 1234 for label in window.labels})
    window.article.select_range(0, 3)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    assert window.label_bar.buttons["ORG"].text() == "ORG [O] · 1235"
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    bar = window.label_bar
    # Every button is inside the bar, which wrapped onto more rows instead of growing.
    for button in bar.buttons.values():
        assert bar.rect().contains(button.geometry()), button.text()
    assert bar.height() > 2 * window.label_bar.buttons["ORG"].height()


def test_window_size_review_window_fits_1024(
    qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        [(doc, _)] = repo.add_documents([new_document(TEXT, "de")])
        repo.add_span(doc, "ana", Span(0, 3, "ORG"))
        repo.add_span(doc, "ben", Span(4, 15, "ORG"))
        for name in ("ana", "ben"):
            repo.set_status(doc, name, Status.ACCEPTED)
    _, window = open_window(path)
    from ui.widgets.actions import ActionId

    window.actions_by_id[ActionId.REVIEW].trigger()
    review = window.project_actions.review_window
    assert review is not None and review.editor.document_id == doc
    assert review.minimumSizeHint().width() <= 1024
    screen = review.screen().availableGeometry()
    assert review.width() <= screen.width()
