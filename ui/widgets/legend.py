"""The legend: how a confirmed span and a suggestion look, drawn as they are in the text."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.widgets.highlighter import CONFIRMED_ALPHA, SUGGESTED_ALPHA

SAMPLE_COLOUR = "#88CCEE"
ROWS = (
    (False, "confirmed (label below)"),
    (True, "suggested (Enter / Delete)"),
)


class Legend(QWidget):
    """Two sample chips with their meaning, in words as well as colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Legend")
        self.setAccessibleDescription("; ".join(text for _, text in ROWS))
        self.setToolTip("A label key on a suggestion confirms it with that label.")

    def sizeHint(self) -> QSize:
        return QSize(240, self.fontMetrics().height() * 2 + 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = self.fontMetrics().height() + 6
        for i, (suggested, text) in enumerate(ROWS):
            chip = QRectF(4, 4 + i * line, 38, line - 6)
            colour = QColor(SAMPLE_COLOUR)
            fill = QColor(colour)
            fill.setAlpha(SUGGESTED_ALPHA if suggested else CONFIRMED_ALPHA)
            painter.setBrush(fill)
            if suggested:
                painter.setPen(QPen(colour.darker(130), 1.4, Qt.PenStyle.DashLine))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(chip, 3, 3)
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRectF(
                    chip.right() + 8, chip.top(), self.width() - chip.right() - 8, chip.height()
                ),
                Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        painter.end()
