"""Finding the span under a caret or a selection."""

from __future__ import annotations

import pytest

from core.spans import PackedTokens, Span, Token, find_span
from core.tokens import snap_to_tokens, token_index

SPANS = [Span(0, 3, "ORG"), Span(4, 10, "LOC"), Span(12, 15, "ORG")]


def test_find_span_under_a_caret_inside_or_right_after_a_span() -> None:
    assert find_span(SPANS, 5, 5) == SPANS[1]
    assert find_span(SPANS, 10, 10) == SPANS[1]  # right after "…LOC": still that span
    assert find_span(SPANS, 11, 11) is None


def test_find_span_overlapping_a_selection() -> None:
    assert find_span(SPANS, 9, 13) == SPANS[1]
    assert find_span(SPANS, 10, 12) is None
    assert find_span([], 0, 5) is None


# -- PackedTokens: the stored tokens, made one at a time --------------------------------------


def _packed(text: str, tokens: list[Token]) -> PackedTokens:
    flat = [n for t in tokens for n in (t.start, t.end, int(t.ws))]
    return PackedTokens(text, flat)


def test_packed_tokens_read_as_the_list_they_were_made_from() -> None:
    text = "GM kauft LFP-Zellen von CATL."
    tokens = [
        Token("GM", 0, 2, True), Token("kauft", 3, 8, True), Token("LFP", 9, 12),
        Token("-", 12, 13), Token("Zellen", 13, 19, True), Token("von", 20, 23, True),
        Token("CATL", 24, 28), Token(".", 28, 29),
    ]  # fmt: skip
    packed = _packed(text, tokens)
    assert len(packed) == len(tokens)
    assert packed == tokens and tokens == packed  # either side of ==
    assert list(packed) == tokens
    assert packed[0] == tokens[0] and packed[-1] == tokens[-1]
    assert packed[2:5] == tokens[2:5] and packed[::-3] == tokens[::-3]
    assert packed != tokens[:-1] and packed != "GM kauft"
    with pytest.raises(IndexError):
        packed[len(tokens)]
    with pytest.raises(TypeError):
        hash(packed)
    # What the window does with them: bisect without making every token.
    assert snap_to_tokens(packed, 25, 26) == (24, 28)
    assert token_index(packed, 9, 19) == (2, 4)
