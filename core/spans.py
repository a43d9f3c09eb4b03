"""The two value types everything else passes around: a token and a labelled character span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MANUAL_SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a document: its text, character offsets ``[start, end)`` and trailing space."""

    text: str
    start: int
    end: int
    ws: bool = False


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A labelled character range ``[start, end)`` of a document text.

    ``source`` tells where it came from: ``manual``, ``rules:<set>`` or ``model:<name>@<version>``.
    """

    start: int
    end: int
    label: str
    source: str = MANUAL_SOURCE

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def find_span(spans: Sequence[Span], start: int, end: int) -> Span | None:
    """The first of ``spans`` under a caret (``start == end``: the span containing it, or one
    ending right at it) or overlapping the selection ``[start, end)``."""
    for span in spans:
        if start == end:
            if span.start <= start < span.end or (span.end == start and span.start < start):
                return span
        elif span.start < end and start < span.end:
            return span
    return None
