"""Cutting texts longer than a pipeline's ``max_length`` into pieces spaCy will accept.

Cuts fall at a paragraph break if the window has one, else at a line break, a sentence end,
any whitespace, and only as a last resort in the middle of a word. Offsets are kept, so spans
found in a piece shift back to the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

_SENTENCE_END = re.compile(r"[.!?…][\"'»«“”)\]]*\s+")
_WHITESPACE = re.compile(r"\s+")


def split_for_length(text: str, max_length: int) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of ``text``, each at most ``max_length`` characters long."""
    if max_length < 1:
        raise ValueError("max_length must be positive")
    pieces = []
    start = 0
    while len(text) - start > max_length:
        cut = _best_cut(text, start, start + max_length)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


def _best_cut(text: str, start: int, limit: int) -> int:
    """The last good place to cut in ``text[start:limit]`` (an offset > ``start``)."""
    for separator in ("\n\n", "\n"):
        at = text.rfind(separator, start, limit)
        if at > start:
            return at + len(separator)
    for pattern in (_SENTENCE_END, _WHITESPACE):
        last = None
        for match in pattern.finditer(text, start, limit):
            last = match
        if last is not None and last.end() > start:
            return last.end()
    return limit


def pieces_of(texts: Sequence[str], max_length: int) -> Iterator[tuple[str, tuple[int, int]]]:
    """``(piece, (text_index, offset))`` for every text, cut where longer than ``max_length``.

    Shaped for ``nlp.pipe(..., as_tuples=True)``.
    """
    for index, text in enumerate(texts):
        if len(text) <= max_length:
            yield text, (index, 0)
            continue
        for start, end in split_for_length(text, max_length):
            yield text[start:end], (index, start)
