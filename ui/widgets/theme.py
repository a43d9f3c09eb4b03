"""Per-user appearance: the preferences kept in QSettings, and the light and dark themes.

Both themes use the Fusion style, which draws the same on every platform and follows the
palette completely; light is Fusion's own palette, dark a palette chosen for contrast.
Label colours are shown in a variant that keeps a WCAG contrast of at least 3:1 against
the article's background (``readable_colour``): lighter on the dark theme, darker on light.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ORGANISATION = "Kathode"
APPLICATION = "Kathode"
THEMES = ("light", "dark")
FONT_SIZE_RANGE = (9, 28)
DEFAULT_FONT_SIZE = 13
MINIMUM_CONTRAST = 3.0  # WCAG 2.1 for graphical objects (1.4.11): outlines, fills, tags


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


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour (0 black … 1 white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@lru_cache(maxsize=256)
def _readable(colour: str, background: str, minimum: float) -> str:
    base, back = QColor(colour), QColor(background)
    if contrast_ratio(base, back) >= minimum:
        return colour
    towards_white = relative_luminance(back) < 0.5
    hue, saturation, lightness = base.hslHueF(), base.hslSaturationF(), base.lightnessF()
    # Lightness moves away from the background in small steps, the hue kept.
    for step in range(1, 101):
        if towards_white:
            value = lightness + (1.0 - lightness) * step / 100
        else:
            value = lightness * (1 - step / 100)
        candidate = QColor.fromHslF(max(hue, 0.0), saturation, value)
        if contrast_ratio(candidate, back) >= minimum:
            return candidate.name().upper()
    return "#FFFFFF" if towards_white else "#000000"


def readable_colour(
    colour: str, background: QColor | None = None, minimum: float = MINIMUM_CONTRAST
) -> str:
    """``colour``, or the nearest lighter (on a dark background) or darker variant of the
    same hue whose contrast with ``background`` is at least ``minimum``. The background is
    the application's article background (the palette's Base) unless given."""
    if background is None:
        background = article_background()
    return _readable(QColor(colour).name().upper(), background.name().upper(), minimum)


def article_background(palette: QPalette | None = None) -> QColor:
    """The colour behind the article text: the palette's Base."""
    return (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base)
