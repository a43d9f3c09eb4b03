"""Span highlights as character formats, computed per text block from an index of spans.

The article text is never edited to show spans: a ``QSyntaxHighlighter`` asks for each
block's formats, and only the spans that touch that block are looked up (bisect over the
sorted span starts, ``core.marks``). An edit takes its marks out of and into the index and
re-formats only the blocks those marks touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from core.labels import Label
from core.marks import Mark, MarkIndex
from core.offsets import OffsetMap
from core.spans import Span
from ui.widgets.theme import readable_colour

CONFIRMED_ALPHA = 120
SUGGESTED_ALPHA = 28
UNKNOWN_COLOUR = "#999999"


def confirmed_format(colour: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fill = QColor(colour)
    fill.setAlpha(CONFIRMED_ALPHA)
    fmt.setBackground(fill)
    return fmt


def suggested_format(colour: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fill = QColor(colour)
    fill.setAlpha(SUGGESTED_ALPHA)
    fmt.setBackground(fill)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    fmt.setUnderlineColor(QColor(colour))
    return fmt


class SpanHighlighter(QSyntaxHighlighter):
    """Draws a document's spans in their label colours: filled when confirmed, light and
    dash-underlined when only suggested (the article view adds outlines and label names)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.index = MarkIndex()
        self._colours: dict[str, str] = {}
        self._formats: dict[tuple[str, bool], QTextCharFormat] = {}  # (colour, suggested)

    def set_labels(self, labels: Sequence[Label]) -> None:
        # A variant of each colour that stays visible on the theme's background (3:1).
        self._colours = {label.name: readable_colour(label.colour) for label in labels}
        self._formats.clear()

    def colour(self, label: str) -> str:
        return self._colours.get(label, UNKNOWN_COLOUR)

    def colour_of(self, mark: Mark) -> str:
        return readable_colour(mark.colour) if mark.colour else self.colour(mark.label)

    def _format(self, mark: Mark) -> QTextCharFormat:
        key = (self.colour_of(mark), mark.suggested)
        fmt = self._formats.get(key)
        if fmt is None:
            make = suggested_format if mark.suggested else confirmed_format
            fmt = self._formats[key] = make(key[0])
        return fmt

    def set_marks(
        self,
        spans: Sequence[Span],
        suggestions: Sequence[Span],
        offsets: OffsetMap,
        *,
        full: bool = True,
    ) -> None:
        """Replace the marks; repaint everything, or only the blocks whose marks changed."""
        self.replace_marks(self.marks_of(spans, suggestions, offsets), full=full)

    def marks_of(
        self, spans: Sequence[Span], suggestions: Sequence[Span], offsets: OffsetMap
    ) -> list[Mark]:
        to_qt = offsets.to_qt
        marks = [Mark(to_qt(s.start), to_qt(s.end), s.label, False) for s in spans]
        marks += [Mark(to_qt(s.start), to_qt(s.end), s.label, True) for s in suggestions]
        return marks

    def load_marks(self, marks: Sequence[Mark]) -> None:
        """Replace the marks without formatting anything: the text is about to be replaced,
        and its blocks are formatted as they go in."""
        self.index = MarkIndex(marks)

    def replace_marks(self, marks: Sequence[Mark], *, full: bool = True) -> None:
        """Replace the marks (already in Qt positions), as ``set_marks`` does."""
        old = set(self.index.marks)
        self.index = MarkIndex(marks)
        if full:
            self.rehighlight()
            return
        self._rehighlight_marks(old.symmetric_difference(marks))

    def update_marks(self, removed: Sequence[Mark], added: Sequence[Mark]) -> None:
        """Take some marks out and others in; only the blocks they touch are formatted again."""
        self.index.remove(removed)
        self.index.add(added)
        self._rehighlight_marks([*removed, *added])

    def _rehighlight_marks(self, marks: Iterable[Mark]) -> None:
        document = self.document()
        done: set[int] = set()
        for mark in marks:
            block = document.findBlock(mark.start)
            while block.isValid() and block.position() < max(mark.end, mark.start + 1):
                if block.blockNumber() not in done:
                    done.add(block.blockNumber())
                    self.rehighlightBlock(block)
                block = block.next()

    def highlightBlock(self, text: str) -> None:
        block_start = self.currentBlock().position()
        block_end = block_start + len(text)
        for mark in self.index.between(block_start, block_end):
            a = max(mark.start, block_start) - block_start
            b = min(mark.end, block_end) - block_start
            self.setFormat(a, b - a, self._format(mark))
