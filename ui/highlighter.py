"""Span highlights as character formats, computed per text block from an index of spans.

The article text is never edited to show spans: a ``QSyntaxHighlighter`` asks for each
block's formats, and only the spans that touch that block are looked up (bisect over the
sorted span starts), so a long article with thousands of spans repaints in one pass.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from core.labels import Label
from core.offsets import OffsetMap
from core.spans import Span

FILL_ALPHA = 110


def span_format(colour: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fill = QColor(colour)
    fill.setAlpha(FILL_ALPHA)
    fmt.setBackground(fill)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    fmt.setUnderlineColor(QColor(colour))
    fmt.setFontWeight(QFont.Weight.DemiBold)
    return fmt


class SpanHighlighter(QSyntaxHighlighter):
    """Draws a document's spans in their label colours."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._starts: list[int] = []
        self._spans: list[tuple[int, int, str]] = []  # Qt positions and label
        self._max_length = 0
        self._formats: dict[str, QTextCharFormat] = {}

    def set_labels(self, labels: Sequence[Label]) -> None:
        self._formats = {label.name: span_format(label.colour) for label in labels}

    def set_spans(self, spans: Sequence[Span], offsets: OffsetMap) -> None:
        """Replace the span index and repaint."""
        converted = sorted((offsets.to_qt(s.start), offsets.to_qt(s.end), s.label) for s in spans)
        self._spans = converted
        self._starts = [s for s, _, _ in converted]
        self._max_length = max((e - s for s, e, _ in converted), default=0)
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        block_start = self.currentBlock().position()
        block_end = block_start + len(text)
        first = bisect_left(self._starts, block_start - self._max_length)
        last = bisect_left(self._starts, block_end)
        for start, end, label in self._spans[first:last]:
            if end <= block_start:
                continue
            fmt = self._formats.get(label)
            if fmt is None:
                fmt = self._formats.setdefault(label, span_format("#999999"))
            a = max(start, block_start) - block_start
            b = min(end, block_end) - block_start
            self.setFormat(a, b - a, fmt)
