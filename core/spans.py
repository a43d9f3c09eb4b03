"""The two value types everything else passes around: a token and a labelled character span."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

MANUAL_SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a document: its text, character offsets ``[start, end)`` and trailing space."""

    text: str
    start: int
    end: int
    ws: bool = False


class PackedTokens(Sequence[Token]):
    """A document's tokens as they are stored, a flat ``[start, end, ws, …]`` list, with each
    ``Token`` made when it is asked for.

    Opening a 1,000,000-character article would otherwise make 185,000 objects before the
    first paint, while the window only ever bisects into them. Compares equal to any
    sequence of the same tokens.
    """

    __slots__ = ("_flat", "_text")

    def __init__(self, text: str, flat: Sequence[int]) -> None:
        self._text = text
        self._flat = flat

    @property
    def flat(self) -> Sequence[int]:
        return self._flat

    def __len__(self) -> int:
        return len(self._flat) // 3

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> list[Token]: ...

    def __getitem__(self, index: int | slice) -> Token | list[Token]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("token index out of range")
        flat, i = self._flat, index * 3
        return Token(self._text[flat[i] : flat[i + 1]], flat[i], flat[i + 1], bool(flat[i + 2]))

    def __iter__(self) -> Iterator[Token]:
        text, numbers = self._text, iter(self._flat)
        for start, end, ws in zip(numbers, numbers, numbers, strict=True):
            yield Token(text[start:end], start, end, bool(ws))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return f"PackedTokens({len(self)} tokens)"


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
