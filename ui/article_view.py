"""The article view: read-only text with span highlights and token-snapped selections."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from core.documents import Document
from core.labels import Label
from core.offsets import OffsetMap
from core.spans import Span
from core.tokens import snap_to_tokens
from ui.highlighter import SpanHighlighter


class ArticleView(QPlainTextEdit):
    """Shows one document; the text is display only, spans come from the highlighter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.font())
        font.setPointSize(13)
        self.setFont(font)
        self.document().setDocumentMargin(18)
        self._highlighter = SpanHighlighter(self.document())
        self._document: Document | None = None
        self._offsets = OffsetMap("")
        self._spans: list[Span] = []

    @property
    def current(self) -> Document | None:
        return self._document

    def set_labels(self, labels: Sequence[Label]) -> None:
        self._highlighter.set_labels(labels)
        self._highlighter.rehighlight()

    def show_document(self, document: Document | None, spans: Sequence[Span]) -> None:
        self._document = document
        self._offsets = OffsetMap(document.text if document else "")
        self._spans = list(spans)
        self._highlighter.set_spans([], self._offsets)
        self.setPlainText(document.text if document else "")
        self._highlighter.set_spans(self._spans, self._offsets)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def show_spans(self, spans: Sequence[Span]) -> None:
        self._spans = list(spans)
        self._highlighter.set_spans(self._spans, self._offsets)

    def selection(self) -> tuple[int, int]:
        """The selection (or caret) as Python offsets into the document text."""
        cursor = self.textCursor()
        return (
            self._offsets.from_qt(cursor.selectionStart()),
            self._offsets.from_qt(cursor.selectionEnd()),
        )

    def snapped_selection(self) -> tuple[int, int] | None:
        """The selection widened to whole tokens, or None when it touches none."""
        if self._document is None:
            return None
        start, end = self.selection()
        if start == end:
            return None
        return snap_to_tokens(self._document.tokens, start, end)

    def spans_at_cursor(self) -> list[Span]:
        """Spans under the caret, or touching the selection."""
        start, end = self.selection()
        return [s for s in self._spans if (s.start <= end and start < s.end) or s.start == start]

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
