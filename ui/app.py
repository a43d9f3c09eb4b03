"""Starting the GUI: the QApplication, the annotator's name, and the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from storage.repository import ProjectRepository
from ui.main_window import MainWindow

ORGANISATION = "Kathode"
APPLICATION = "Kathode"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def ask_annotator(default: str = "") -> str | None:
    """Ask for the annotator's name (first start, or when it is changed)."""
    name, ok = QInputDialog.getText(
        None,
        "Kathode — who is annotating?",
        "Your name (it marks your version of every document):",
        QLineEdit.EchoMode.Normal,
        default,
    )
    name = name.strip()
    return name if ok and name else None


def run_app(repo: ProjectRepository, annotator: str | None) -> int:
    """Show the window on ``repo``; returns the application's exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    stored = settings()
    name = annotator or str(stored.value("annotator", "") or "") or ask_annotator()
    if not name:
        return 1
    stored.setValue("annotator", name)
    repo.add_annotator(name)
    window = MainWindow(repo, name)
    window.show()
    if os.environ.get("KATHODE_QUIT_WHEN_SHOWN"):  # start-up benchmark: first paint, then quit
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()
