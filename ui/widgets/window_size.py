"""Windows open at a size that fits the screen they open on."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_SHARE = 0.92  # leave the desktop's panels and a margin visible


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize to ``width`` × ``height``, or to most of the screen when that is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * SCREEN_SHARE))
        height = min(height, int(available.height() * SCREEN_SHARE))
    window.resize(width, height)
