"""The settings dialog and the themes: a change is announced, stored and applied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.dialogs.settings_dialog import SettingsDialog
from ui.widgets.theme import (
    Preferences,
    apply_theme,
    load_preferences,
    save_preferences,
    user_settings,
)


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, with its style and palette put back after the test."""
    style, palette = qapp.style().name(), qapp.palette()
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)


def test_settings_dialog_font_size_typed_is_announced_and_stored(
    qtbot: QtBot, dialog: SettingsDialog, isolated_user_dirs: Path
) -> None:
    spin = dialog.font_size_spin
    assert spin.value() == 13 and (spin.minimum(), spin.maximum()) == (9, 28)
    spin.selectAll()
    with qtbot.waitSignal(dialog.preferences_changed) as changed:
        qtbot.keyClicks(spin, "16")
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert changed.args == [Preferences(font_size=16, theme="light")]
    assert int(str(user_settings().value("font_size"))) == 16
    assert (isolated_user_dirs / "config" / "Kathode" / "Kathode.conf").exists()
    assert load_preferences() == Preferences(16, "light")

    with qtbot.waitSignal(dialog.preferences_changed) as changed:
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert changed.args[0].font_size == 17


def test_settings_dialog_font_size_stays_in_range(qtbot: QtBot, dialog: SettingsDialog) -> None:
    spin = dialog.font_size_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "99")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() <= 28
    assert 9 <= load_preferences().font_size <= 28


def test_settings_dialog_theme_is_announced_stored_and_reopened(
    qtbot: QtBot, dialog: SettingsDialog
) -> None:
    with qtbot.waitSignal(dialog.preferences_changed) as changed:
        qtbot.keyClick(dialog.theme_combo, Qt.Key.Key_Down)
    assert changed.args == [Preferences(font_size=13, theme="dark")]
    assert user_settings().value("theme") == "dark"
    again = SettingsDialog()
    qtbot.addWidget(again)
    assert again.theme_combo.currentData() == "dark"
    assert again.preferences == Preferences(13, "dark")


def test_settings_dialog_label_button_asks_for_the_editor(
    qtbot: QtBot, dialog: SettingsDialog
) -> None:
    with qtbot.waitSignal(dialog.edit_labels_requested):
        qtbot.mouseClick(dialog.labels_button, Qt.MouseButton.LeftButton)


def test_settings_preferences_fall_back_on_bad_values() -> None:
    assert load_preferences() == Preferences(13, "light")
    stored = user_settings()
    stored.setValue("font_size", "huge")
    stored.setValue("theme", "neon")
    assert load_preferences() == Preferences(13, "light")
    stored.setValue("font_size", 4)
    assert load_preferences().font_size == 9
    save_preferences(Preferences(20, "dark"))
    assert load_preferences() == Preferences(20, "dark")


def test_settings_theme_dark_and_back_to_light(app: QApplication) -> None:
    apply_theme(app, "dark")
    assert app.style().name().lower() == "fusion"
    palette = app.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    assert window.lightness() < 80 and text.lightness() > 200
    base, body = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    assert body.lightness() - base.lightness() > 150
    apply_theme(app, "light")
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert app.palette() == app.style().standardPalette()
