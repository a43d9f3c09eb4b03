"""Span deltas and sorted span lists: what an edit changed, applied in place."""

from __future__ import annotations

from core.edits import SpanDelta, apply_to_sorted, index_of
from core.spans import Span


def test_edits_delta_inverse_and_label_counts() -> None:
    delta = SpanDelta(
        removed=(Span(0, 2, "ORG"),),
        added=(Span(0, 2, "LOC"), Span(5, 9, "LOC")),
        rejected=(Span(10, 12, "ORG"),),
    )
    assert delta.inverse() == SpanDelta(
        removed=delta.added, added=delta.removed, unrejected=delta.rejected
    )
    assert delta.inverse().inverse() == delta
    assert delta.span_count_change == 1
    assert delta.label_count_changes() == {"ORG": -1, "LOC": 2}
    assert not SpanDelta()
    assert SpanDelta(rejected=(Span(1, 2, "ORG"),))


def test_edits_apply_to_sorted_keeps_order_and_one_span_per_key() -> None:
    spans = [Span(0, 2, "ORG"), Span(8, 11, "CHEMISTRY")]
    apply_to_sorted(
        spans, [Span(0, 2, "ORG", "rules:en")], [Span(4, 6, "LOC"), Span(8, 11, "CHEMISTRY", "x")]
    )
    assert spans == [Span(4, 6, "LOC"), Span(8, 11, "CHEMISTRY", "x")]
    assert index_of(spans, Span(8, 11, "CHEMISTRY")) == 1
    assert index_of(spans, Span(8, 11, "ORG")) is None
    apply_to_sorted(spans, [Span(30, 32, "ORG")], [])  # not there: nothing happens
    assert len(spans) == 2
