"""Windows open at a size that fits the screen they open on, and where the user left them
(geometry and splitters kept in the user's settings; Qt keeps a restored geometry on screen)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget

SCREEN_SHARE = 0.92  # leave the desktop's panels and a margin visible


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize to ``width`` × ``height``, or to most of the screen when that is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * SCREEN_SHARE))
        height = min(height, int(available.height() * SCREEN_SHARE))
    window.resize(width, height)


def save_geometry(window: QWidget, settings: QSettings, key: str) -> None:
    settings.setValue(f"{key}/geometry", window.saveGeometry())


def restore_geometry(
    window: QWidget, settings: QSettings, key: str, width: int, height: int
) -> None:
    """Where the window was last closed; the default size (fitted to the screen) the first
    time. ``restoreGeometry`` itself keeps a geometry saved on a larger or another monitor
    inside the screen the window opens on (shrunk to it, moved onto it)."""
    state = settings.value(f"{key}/geometry")
    if isinstance(state, QByteArray) and not state.isEmpty() and window.restoreGeometry(state):
        return
    fit_to_screen(window, width, height)


def restore_splitter(splitter: QSplitter, settings: QSettings, key: str) -> None:
    state = settings.value(f"{key}/splitter")
    if isinstance(state, QByteArray) and not state.isEmpty():
        splitter.restoreState(state)
