"""The two value types everything else passes around: a token and a labelled character span."""

from __future__ import annotations

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
