"""Token arithmetic: snapping character selections to tokens and aligning spans to token indices."""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from core.spans import Token


class MisalignedSpanError(ValueError):
    """A span whose boundaries do not fall on token boundaries."""

    def __init__(self, start: int, end: int, text: str) -> None:
        super().__init__(
            f"span [{start}, {end}) {text!r} does not align with the document's tokens"
        )
        self.start = start
        self.end = end


def token_index(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int]:
    """Return ``(token_start, token_end)`` (inclusive) of a span that lies exactly on tokens.

    Raises :class:`MisalignedSpanError` when ``start`` is not the start of a token or ``end``
    is not the end of one.
    """
    i = bisect_left(tokens, start, key=_start)
    j = bisect_left(tokens, end, key=_end)
    if start >= end or i >= len(tokens) or j >= len(tokens):
        raise MisalignedSpanError(start, end, "")
    if tokens[i].start != start or tokens[j].end != end or j < i:
        raise MisalignedSpanError(start, end, "")
    return i, j


def _start(token: Token) -> int:
    return token.start


def _end(token: Token) -> int:
    return token.end


def snap_to_tokens(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int] | None:
    """Widen a character selection ``[start, end)`` to whole tokens.

    Every token the selection touches is taken whole; whitespace at either edge is dropped.
    Returns ``None`` when the selection touches no token (only whitespace, or empty).
    """
    if end < start:
        start, end = end, start
    # Tokens are in text order and never overlap: bisect on them (no lists of offsets, which
    # would cost a pass over a long article's 185,000 tokens on every key press).
    first = bisect_right(tokens, start, key=_end)  # first token ending after start
    if end == start:
        # A caret: take the token it stands in (or right before it).
        if first < len(tokens) and tokens[first].start <= start:
            return tokens[first].start, tokens[first].end
        if first > 0 and tokens[first - 1].end == start:
            return tokens[first - 1].start, tokens[first - 1].end
        return None
    last = bisect_left(tokens, end, key=_start) - 1  # last token starting before end
    if first >= len(tokens) or last < first:
        return None
    return tokens[first].start, tokens[last].end


def tokens_in(tokens: Sequence[Token], start: int, end: int) -> Sequence[Token]:
    """The tokens lying inside ``[start, end)``."""
    i = bisect_left(tokens, start, key=_start)
    j = bisect_right(tokens, end, key=_end)
    return tokens[i:j]


def split_at(tokens: Sequence[Token], text: str, offsets: Sequence[int]) -> list[Token]:
    """Split tokens so that every offset in ``offsets`` falls on a token boundary.

    Used when a file brings spans but no tokens and a span edge falls inside a project
    token: the span's offsets are kept exactly and the token is cut there instead.
    """
    cuts = sorted(set(offsets))
    result: list[Token] = []
    for token in tokens:
        inner = [c for c in cuts if token.start < c < token.end]
        if not inner:
            result.append(token)
            continue
        edges = [token.start, *inner, token.end]
        for a, b in itertools.pairwise(edges):
            piece = text[a:b]
            if not piece.strip():
                continue
            last = b == token.end
            result.append(Token(piece, a, b, token.ws if last else False))
    return result
