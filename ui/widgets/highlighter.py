"""The marks a view shows and their colours: an index of spans, looked up per text block.

Nothing here touches the ``QTextDocument``. Highlights used to be character formats from a
``QSyntaxHighlighter``, but Qt lays a document out again after any format change and walks
every block to do it (7 ms per edit on a 1,000,000-character article, and a format pass over
the whole text when it opens). The article view paints the fills itself, under the text,
for the blocks on screen; an edit changes the index and repaints the blocks it touched.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor

from core.labels import Label
from core.marks import Mark, MarkIndex
from core.offsets import OffsetMap
from core.spans import Span

CONFIRMED_ALPHA = 120
SUGGESTED_ALPHA = 28
UNKNOWN_COLOUR = "#999999"


class SpanHighlighter:
    """Which marks a document has (in Qt positions) and how each is coloured: filled when
    confirmed, light when only suggested (the article view adds outlines and label names)."""

    def __init__(self) -> None:
        self.index = MarkIndex()
        self._colours: dict[str, str] = {}
        self._fills: dict[tuple[str, bool], QColor] = {}  # (colour, suggested)

    def set_labels(self, labels: Sequence[Label]) -> None:
        self._colours = {label.name: label.colour for label in labels}

    def colour(self, label: str) -> str:
        return self._colours.get(label, UNKNOWN_COLOUR)

    def colour_of(self, mark: Mark) -> str:
        return mark.colour or self.colour(mark.label)

    def fill_of(self, mark: Mark) -> QColor:
        key = (self.colour_of(mark), mark.suggested)
        fill = self._fills.get(key)
        if fill is None:
            fill = self._fills[key] = QColor(key[0])
            fill.setAlpha(SUGGESTED_ALPHA if mark.suggested else CONFIRMED_ALPHA)
        return fill

    def marks_of(
        self, spans: Sequence[Span], suggestions: Sequence[Span], offsets: OffsetMap
    ) -> list[Mark]:
        to_qt = offsets.to_qt
        marks = [Mark(to_qt(s.start), to_qt(s.end), s.label, False) for s in spans]
        marks += [Mark(to_qt(s.start), to_qt(s.end), s.label, True) for s in suggestions]
        return marks

    def replace_marks(self, marks: Sequence[Mark]) -> set[Mark]:
        """Put other marks in place; returns the marks that came or went."""
        old = set(self.index.marks)
        self.index = MarkIndex(marks)
        return old.symmetric_difference(marks)

    def update_marks(self, removed: Sequence[Mark], added: Sequence[Mark]) -> None:
        """Take some marks out and others in."""
        self.index.remove(removed)
        self.index.add(added)
