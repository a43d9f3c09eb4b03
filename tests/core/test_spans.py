"""Finding the span under a caret or a selection."""

from __future__ import annotations

from core.spans import Span, find_span

SPANS = [Span(0, 3, "ORG"), Span(4, 10, "LOC"), Span(12, 15, "ORG")]


def test_find_span_under_a_caret_inside_or_right_after_a_span() -> None:
    assert find_span(SPANS, 5, 5) == SPANS[1]
    assert find_span(SPANS, 10, 10) == SPANS[1]  # right after "…LOC": still that span
    assert find_span(SPANS, 11, 11) is None


def test_find_span_overlapping_a_selection() -> None:
    assert find_span(SPANS, 9, 13) == SPANS[1]
    assert find_span(SPANS, 10, 12) is None
    assert find_span([], 0, 5) is None
