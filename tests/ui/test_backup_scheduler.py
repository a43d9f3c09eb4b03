"""The window's backups run in the thread pool; one still running when its window is gone
ends quietly (it used to print ``RuntimeError: Signal source has been deleted``)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThreadPool
from pytestqt.qtbot import QtBot

from storage.backup import list_backups
from storage.repository import ProjectRepository
from ui.backup_scheduler import BackupScheduler


def test_backup_at_start_reports_where_it_went(tmp_path: Path, qtbot: QtBot) -> None:
    project = tmp_path / "p.kathode"
    ProjectRepository.open(project).close()
    scheduler = BackupScheduler(project)
    with qtbot.waitSignal(scheduler.message, timeout=10_000) as said:
        scheduler.start()
    assert said.args is not None and said.args[0].startswith("Backed up to ")
    assert len(list_backups(project)) == 1
    scheduler.timer.stop()


def test_backup_finishing_after_its_window_closed_is_quiet(
    tmp_path: Path, qtbot: QtBot, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p.kathode"
    ProjectRepository.open(project).close()
    window = QObject()
    scheduler = BackupScheduler(project, window)
    release = threading.Event()
    run = scheduler.policy.run
    monkeypatch.setattr(scheduler.policy, "run", lambda: (release.wait(10), run())[1])
    scheduler.start()
    window.deleteLater()
    qtbot.waitUntil(lambda: not _alive(scheduler))
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)
    assert "RuntimeError" not in capfd.readouterr().err
    assert len(list_backups(project)) == 1  # the backup itself was taken


def _alive(obj: QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True
