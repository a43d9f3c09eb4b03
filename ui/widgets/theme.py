"""Per-user appearance: the preferences kept in QSettings, and the light and dark themes.

Both themes use the Fusion style, which draws the same on every platform and follows the
palette completely; light is Fusion's own palette, dark a palette chosen for contrast.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ORGANISATION = "Kathode"
APPLICATION = "Kathode"
THEMES = ("light", "dark")
FONT_SIZE_RANGE = (9, 28)
DEFAULT_FONT_SIZE = 13


@dataclass(frozen=True)
class Preferences:
    """What a person chooses for themselves, whichever project they open."""

    font_size: int = DEFAULT_FONT_SIZE
    theme: str = "light"


def user_settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def load_preferences() -> Preferences:
    """The stored preferences; anything missing or out of range falls back to the default."""
    stored = user_settings()
    try:
        size = int(str(stored.value("font_size", DEFAULT_FONT_SIZE)))
    except (TypeError, ValueError):
        size = DEFAULT_FONT_SIZE
    low, high = FONT_SIZE_RANGE
    theme = str(stored.value("theme", "light"))
    return Preferences(
        font_size=min(max(size, low), high), theme=theme if theme in THEMES else "light"
    )


def save_preferences(preferences: Preferences) -> None:
    stored = user_settings()
    stored.setValue("font_size", preferences.font_size)
    stored.setValue("theme", preferences.theme)
    stored.sync()


def dark_palette() -> QPalette:
    """A dark palette whose every role pair (text on its background) stays readable."""
    window, base, alternate = QColor("#323437"), QColor("#1e1f22"), QColor("#27292c")
    text, dimmed = QColor("#e6e6e6"), QColor("#8a8d91")
    highlight = QColor("#3574f0")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: alternate,
        QPalette.ColorRole.ToolTipBase: QColor("#3c3f41"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: dimmed,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#3c3f41"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b68"),
        QPalette.ColorRole.Light: QColor("#4a4d50"),
        QPalette.ColorRole.Midlight: QColor("#3c3f41"),
        QPalette.ColorRole.Mid: QColor("#303235"),
        QPalette.ColorRole.Dark: QColor("#18191b"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#6ea8fe"),
        QPalette.ColorRole.LinkVisited: QColor("#b48ead"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(disabled, role, dimmed)
    palette.setColor(disabled, QPalette.ColorRole.Highlight, QColor("#4a4d50"))
    return palette


def apply_theme(app: QApplication, theme: str) -> None:
    """Switch the whole application to ``"light"`` or ``"dark"`` (anything else is light)."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
