"""The overlap rule for CoNLL and .spacy: longest first, then earlier, then label order."""

from __future__ import annotations

import itertools
import random

from core.exports.overlaps import non_overlapping
from core.spans import Span


def test_exports_overlaps_none_keeps_all_in_order() -> None:
    spans = [Span(5, 9, "B"), Span(0, 5, "A"), Span(9, 10, "C")]  # touching is no overlap
    assert non_overlapping(spans) == (sorted(spans), [])


def test_exports_overlaps_longest_wins_then_earlier_then_label() -> None:
    long, inner, crossing = Span(0, 10, "ORG"), Span(2, 4, "LOC"), Span(8, 14, "ORG")
    assert non_overlapping([inner, crossing, long]) == ([long], [inner, crossing])
    a, b = Span(0, 4, "X"), Span(2, 6, "X")  # same length: the earlier one
    assert non_overlapping([b, a]) == ([a], [b])
    same = [Span(0, 4, "ORG"), Span(0, 4, "LOC")]  # same place: the label that sorts first
    assert non_overlapping(same) == ([Span(0, 4, "LOC")], [Span(0, 4, "ORG")])


def test_exports_overlaps_kept_spans_never_overlap_and_nothing_is_lost() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = {
            Span(start, start + rng.randint(1, 6), rng.choice("AB"))
            for start in (rng.randint(0, 30) for _ in range(rng.randint(0, 12)))
        }
        kept, dropped = non_overlapping(spans)
        assert sorted(kept + dropped) == sorted(spans)
        assert all(a.end <= b.start for a, b in itertools.pairwise(kept))
        assert all(any(d.overlaps(k) for k in kept) for d in dropped)
        assert non_overlapping(reversed(sorted(spans))) == (kept, dropped)
