"""The settings dialog: font size and theme for this person, and the way to the label scheme.

A change takes effect at once: it is stored in the user's settings and announced with
``preferences_changed``, so the window can follow while the dialog is still open.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.theme import (
    FONT_SIZE_RANGE,
    THEMES,
    Preferences,
    load_preferences,
    save_preferences,
)

THEME_NAMES = {"light": "Light", "dark": "Dark"}


class SettingsDialog(QDialog):
    """Font size (9–28 pt) and theme; a button asks for the label scheme editor."""

    preferences_changed = Signal(object)  # Preferences
    edit_labels_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kathode — settings")
        self.setObjectName("settingsDialog")
        self._preferences = load_preferences()

        self.font_size_spin = QSpinBox(self)
        self.font_size_spin.setObjectName("fontSize")
        self.font_size_spin.setRange(*FONT_SIZE_RANGE)
        self.font_size_spin.setSuffix(" pt")
        self.font_size_spin.setKeyboardTracking(False)  # one change per typed number
        self.font_size_spin.setValue(self._preferences.font_size)
        self.font_size_spin.setToolTip("Size of the article text")

        self.theme_combo = QComboBox(self)
        self.theme_combo.setObjectName("theme")
        for theme in THEMES:
            self.theme_combo.addItem(THEME_NAMES[theme], theme)
        self.theme_combo.setCurrentIndex(THEMES.index(self._preferences.theme))

        self.labels_button = QPushButton("Edit label scheme…", self)
        self.labels_button.setObjectName("editLabels")
        self.labels_button.setToolTip("Add, rename, recolour, reorder or delete labels")
        labels_note = QLabel("Labels belong to the project and are shared by its annotators.")
        labels_note.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Font size:", self.font_size_spin)
        form.addRow("&Theme:", self.theme_combo)
        form.addRow("Labels:", self.labels_button)
        form.addRow("", labels_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

        self.font_size_spin.valueChanged.connect(self.on_font_size_changed)
        self.theme_combo.currentIndexChanged.connect(self.on_theme_changed)
        self.labels_button.clicked.connect(self.edit_labels_requested)

    @property
    def preferences(self) -> Preferences:
        return self._preferences

    def on_font_size_changed(self, points: int) -> None:
        self._change(Preferences(points, self._preferences.theme))

    def on_theme_changed(self, _index: int) -> None:
        self._change(Preferences(self._preferences.font_size, str(self.theme_combo.currentData())))

    def _change(self, preferences: Preferences) -> None:
        if preferences == self._preferences:
            return
        self._preferences = preferences
        save_preferences(preferences)
        self.preferences_changed.emit(preferences)
