"""The label bar: one button per label, in its colour, with its key and definition."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from core.labels import Label
from ui.widgets.actions import key_text
from ui.widgets.flow_layout import FlowLayout


def text_colour_on(background: str) -> str:
    colour = QColor(background)
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return "#000000" if luminance > 150 else "#ffffff"


class LabelBar(QWidget):
    """Clicking a label applies it to the selection, like pressing its key.

    The buttons wrap to a second row when the window is narrow, so twelve labels with their
    counts never make the window wider than the screen."""

    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._layout = FlowLayout(self, spacing=4)
        self._layout.setContentsMargins(6, 4, 6, 4)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.buttons: dict[str, QPushButton] = {}
        self._counts: dict[str, int] = {}

    def set_labels(self, labels: Sequence[Label]) -> None:
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons.clear()
        self._labels = {label.name: label for label in labels}
        for label in labels:
            button = QPushButton(self._caption(label, 0), self)
            button.setObjectName(f"label-{label.name}")
            button.setToolTip(
                f"<b>{label.name}</b> — key <b>{key_text(label.key)}</b><br>{label.definition}"
                f"<br><i>de:</i> {label.example_de}<br><i>en:</i> {label.example_en}"
            )
            button.setStyleSheet(
                f"QPushButton {{ background: {label.colour}; color: "
                f"{text_colour_on(label.colour)}; border-radius: 4px; padding: 3px 8px; "
                f"font-weight: 600; }}"
            )
            button.clicked.connect(lambda _=False, name=label.name: self.label_chosen.emit(name))
            self._layout.addWidget(button)
            self.buttons[label.name] = button

    @staticmethod
    def _caption(label: Label, count: int) -> str:
        return f"{label.name} [{key_text(label.key)}]" + (f" · {count}" if count else "")

    def set_counts(self, counts: dict[str, int]) -> None:
        """Show how many spans of each label the open document has."""
        self._counts = {name: counts.get(name, 0) for name in self.buttons}
        for name, button in self.buttons.items():
            button.setText(self._caption(self._labels[name], self._counts[name]))

    def change_counts(self, changes: dict[str, int]) -> None:
        """After an edit: add to (or take from) the counts of the labels it touched."""
        for name, change in changes.items():
            button = self.buttons.get(name)
            if button is None:
                continue
            self._counts[name] = self._counts.get(name, 0) + change
            button.setText(self._caption(self._labels[name], self._counts[name]))
