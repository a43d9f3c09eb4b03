"""Find in the document: a bar under the article that highlights every hit and steps
through them (Enter / F3 next, Shift+Enter / Shift+F3 previous, Escape closes).

The hits are the only ``ExtraSelections`` of the article (span highlights are painted by the
article view itself), set when the search text or the document changes and never touched by
an edit, so finding costs nothing while annotating.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from ui.widgets.article_view import ArticleView

HIGHLIGHT_LIMIT = 2_000  # more hits are counted and stepped through, not all painted
HIT_COLOUR = "#ffd54f"


def find_hits(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``, case-insensitively, as ``[start, end)`` offsets."""
    if not query:
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


class FindBar(QWidget):
    """Finds text in the article it belongs to; hidden until Ctrl+F."""

    closed = Signal()  # Escape or the close button: the article has the focus again

    def __init__(self, article: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.article = article
        self.hits: list[tuple[int, int]] = []
        self.current = -1
        self.field = QLineEdit(self)
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in the document…")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("findCount")
        self.previous = self._button(
            "▲", "Previous hit (Shift+Enter, Shift+F3)", self.find_previous
        )
        self.next = self._button("▼", "Next hit (Enter, F3)", self.find_next)
        close = self._button("✕", "Close (Escape)", self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.previous)
        layout.addWidget(self.next)
        layout.addWidget(close)
        self.field.textChanged.connect(self.search)
        self.field.installEventFilter(self)
        self.hide()

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def open_bar(self) -> None:
        """Show the bar with the field focused, its text selected (Ctrl+F again: the same)."""
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        self.search()

    def close_bar(self) -> None:
        self.hide()
        self.article.setExtraSelections([])
        self.article.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter, Shift+Enter and Escape in the field (the window's shortcuts for Enter would
        take them otherwise)."""
        if watched is self.field and event.type() in (QEvent.Type.ShortcutOverride,
                                                      QEvent.Type.KeyPress):  # fmt: skip
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()  # a key press for the field, not a shortcut
                    return True
                if key == Qt.Key.Key_Escape:
                    self.close_bar()
                elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)

    # -- searching -----------------------------------------------------------------------

    def search(self) -> None:
        """Find the field's text again (it changed, or another document is shown)."""
        document = self.article.current
        text = document.text if document is not None else ""
        self.hits = find_hits(text, self.field.text()) if self.isVisible() else []
        self.current = -1
        self._highlight()
        self._show_count()

    def _highlight(self) -> None:
        to_qt = self.article.offsets.to_qt
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(HIT_COLOUR))
        fmt.setForeground(QColor("#000000"))
        selections = []
        for start, end in self.hits[:HIGHLIGHT_LIMIT]:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.article.document())
            cursor.setPosition(to_qt(start))
            cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.article.setExtraSelections(selections)

    def _show_count(self) -> None:
        if not self.field.text():
            self.count.setText("")
        elif not self.hits:
            self.count.setText("no hits")
        elif self.current < 0:
            self.count.setText(f"{len(self.hits)} hit" + ("" if len(self.hits) == 1 else "s"))
        else:
            self.count.setText(f"{self.current + 1} of {len(self.hits)}")

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        """Select the next (or previous) hit after (before) the article's cursor, wrapping."""
        if not self.isVisible():
            self.open_bar()
        if not self.hits:
            return
        start, end = self.article.selection()
        starts = [hit[0] for hit in self.hits]
        if step > 0:
            i = (
                bisect_right(starts, start)
                if (start, end) in self.hits
                else bisect_left(starts, start)
            )
            i %= len(self.hits)
        else:
            i = (bisect_left(starts, start) - 1) % len(self.hits)
        self.current = i
        self.article.select_range(*self.hits[i])
        self._show_count()
