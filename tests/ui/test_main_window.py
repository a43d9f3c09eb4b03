"""The first window, driven with keys and clicks; what it stores is checked after reopening."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.main_window import MainWindow

TEXT = "General Motors kauft LFP-Zellen von CATL.\nDas Werk in Arnstadt liefert ab 2026."


def open_window(qtbot: QtBot, path: Path) -> tuple[ProjectRepository, MainWindow]:
    repo = ProjectRepository.open(path)
    window = MainWindow(repo, "ana")
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return repo, window


def test_main_window_keyboard_span_survives_reopen(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(TEXT, "de"), new_document("Zweiter Text.", "de")])
    repo, window = open_window(qtbot, path)
    assert window.windowTitle() == "Kathode — p — ana"
    assert window.document_id is not None

    # Select "eneral Mot" (inside two tokens) and press the ORG key: snapped to whole tokens.
    window.article.select_range(1, 11)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    # Click the CHEMISTRY button for a selection of "LFP".
    window.article.select_range(21, 24)
    qtbot.mouseClick(window.label_bar.buttons["CHEMISTRY"], Qt.MouseButton.LeftButton)
    # A span on "CATL" made and removed again with Delete.
    window.article.select_range(36, 40)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    window.article.select_range(37, 37)
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    # Accept the document: the queue moves on to the next one.
    first = window.document_id
    qtbot.keyClick(window.article, Qt.Key.Key_A)
    assert window.document_id != first
    window.close()
    repo.close()

    with ProjectRepository.open(path) as reopened:
        annotation = reopened.annotation(first, "ana")
    assert annotation.status is Status.ACCEPTED
    assert annotation.spans == [Span(0, 14, "ORG"), Span(21, 24, "CHEMISTRY")]


def test_main_window_overlap_is_refused_with_message(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(TEXT, "de")])
    repo, window = open_window(qtbot, path)
    window.article.select_range(0, 14)
    qtbot.keyClick(window.article, Qt.Key.Key_O)
    window.article.select_range(8, 20)
    qtbot.keyClick(window.article, Qt.Key.Key_P)
    assert "Overlaps ORG" in window.statusBar().currentMessage()
    assert window.spans == [Span(0, 14, "ORG")]
    window.close()
    repo.close()
