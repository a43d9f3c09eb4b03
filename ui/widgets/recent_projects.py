"""The projects opened lately, most recent first, kept in the user's settings (File → Open
Recent, and the project the app reopens when started without ``--project``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QMenu, QWidget

RECENT_SETTING = "recent_projects"
RECENT_LIMIT = 8


def recent_projects(settings: QSettings) -> list[str]:
    """The remembered projects, most recent first (files or URLs)."""
    value = settings.value(RECENT_SETTING, [])
    if isinstance(value, str):  # the INI format returns a one-item list as its item
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if item][:RECENT_LIMIT]


def remember_project(settings: QSettings, target: str) -> None:
    """Put a project at the top of the list (once), keeping the newest eight."""
    items = [target, *(item for item in recent_projects(settings) if item != target)]
    settings.setValue(RECENT_SETTING, items[:RECENT_LIMIT])


def forget_project(settings: QSettings, target: str) -> None:
    settings.setValue(RECENT_SETTING, [p for p in recent_projects(settings) if p != target])


def is_available(target: str) -> bool:
    """A URL is tried when chosen; a file must still be there (opening would create it)."""
    return "://" in target or Path(target).is_file()


class RecentMenu(QMenu):
    """File → Open Recent: the projects opened lately that are still there, but the open
    one; filled each time it opens. ``chosen`` names the project picked."""

    chosen = Signal(str)

    def __init__(self, settings: Callable[[], QSettings], current: str, parent: QWidget) -> None:
        super().__init__("Open &Recent", parent)
        self.setObjectName("recentMenu")
        self._settings = settings
        self.current = current
        self.aboutToShow.connect(self.fill)

    def fill(self) -> None:
        self.clear()
        for target in recent_projects(self._settings()):
            if target != self.current and is_available(target):
                self.addAction(target, partial(self.chosen.emit, target))
        if self.isEmpty():
            self.addAction("No other recent project").setEnabled(False)
