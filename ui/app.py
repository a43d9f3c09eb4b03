"""Starting the GUI: the QApplication, the annotator's name, and the main window (composed
with its project commands by ``ui.project_actions``)."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core.text_rules import InvalidNameError, check_annotator_name
from storage.backup import project_file
from storage.repository import ProjectRepository
from storage.review import is_reserved_name
from ui.backup_scheduler import BackupScheduler
from ui.dialogs.annotator_dialog import APPLICATION, ORGANISATION, ask_annotator, settings
from ui.project_actions import open_main_window


def run_app(repo: ProjectRepository, annotator: str | None) -> int:
    """Show the window on ``repo``; returns the application's exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    stored = settings()
    name = annotator or str(stored.value("annotator", "") or "") or ask_annotator()
    if not name:
        return 1
    if is_reserved_name(name):
        print(f"kathode: “{name}” is reserved for the gold versions; choose another name",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        name = check_annotator_name(name)
    except InvalidNameError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return 2
    stored.setValue("annotator", name)
    repo.add_annotator(name)
    window = open_main_window(repo, name)
    window.show()
    project = project_file(repo)
    if project is not None:  # a backup at open, then every 30 minutes of editing
        scheduler = BackupScheduler(project, window)
        scheduler.message.connect(window.on_message)
        QTimer.singleShot(0, scheduler.start)
    if os.environ.get("KATHODE_QUIT_WHEN_SHOWN"):  # start-up benchmark: first paint, then quit
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()
