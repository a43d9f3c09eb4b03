"""Project → Restore backup… and the message a damaged project opens with, driven as a
person would: the menu action, a row chosen, the Restore button, and what was stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from core.spans import Span
from storage.backup import list_backups, take_backup
from storage.repository import CorruptProjectError, ProjectRepository
from tests.storage.conftest import new_document
from tests.ui.conftest import OpenWindow
from ui.dialogs.restore_dialog import RestoreDialog, offer_backup
from ui.widgets.actions import ActionId


def _project(path: Path, documents: int) -> Path:
    with ProjectRepository.open(path) as repo:
        repo.add_documents(
            new_document(f"CATL liefert Zellen Nummer {i}.") for i in range(documents)
        )
    return path


def test_restore_dialog_lists_backups_and_restores_the_chosen_one(
    tmp_path: Path, qtbot: QtBot, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path / "p.kathode", 3)
    first = take_backup(project)
    repo, window = open_window(project)
    document = repo.document_ids()[0]
    repo.add_span(document, "ana", Span(0, 4, "ORG"))
    take_backup(project)
    dialogs: list[RestoreDialog] = []

    def drive() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RestoreDialog))
        dialogs.append(dialog)
        assert dialog.table.rowCount() == 2
        assert dialog.table.item(0, 3).text() == "1"  # the newest has the span
        assert dialog.table.item(1, 1).text() == "3"
        dialog.table.selectRow(1)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)
    window.actions_by_id[ActionId.RESTORE_BACKUP].trigger()
    assert dialogs, "the dialog did not open"
    assert repo.annotation(document, "ana").spans == []
    assert window.editor.spans == []
    assert "Restored the project from " + first.path.name in window.statusBar().currentMessage()
    assert len(list_backups(project)) == 3  # the state before the restore was kept


def test_restore_dialog_without_backups_says_so(tmp_path: Path, qtbot: QtBot) -> None:
    project = _project(tmp_path / "p.kathode", 1)
    dialog = RestoreDialog(project)
    qtbot.addWidget(dialog)
    assert "has no backups yet" in dialog.intro.text()
    assert not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.backup_now, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 1
    assert dialog.restore_button.isEnabled()


def test_damaged_project_offers_its_newest_good_backup(tmp_path: Path, qtbot: QtBot) -> None:
    project = _project(tmp_path / "p.kathode", 30)
    take_backup(project)
    with project.open("r+b") as handle:
        for page in range(1, project.stat().st_size // 4096):
            handle.seek(page * 4096)
            handle.write(os.urandom(64))
    with pytest.raises(CorruptProjectError) as caught:
        ProjectRepository.open(project)
    seen: list[str] = []

    def click_restore() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox))
        seen.append(box.text())
        [button] = [b for b in box.findChildren(QPushButton) if "backup" in b.text()]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click_restore)
    assert offer_backup(caught.value, project)
    assert seen == ["The project p.kathode is damaged and cannot be opened."]
    with ProjectRepository.open(project) as repo:
        assert len(repo.document_ids()) == 30
