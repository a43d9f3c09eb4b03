"""Choosing a non-overlapping subset of spans for formats that cannot hold overlaps.

CoNLL tags and spaCy's ``doc.ents`` allow one entity per token. An annotation may still hold
overlapping spans (imported files can have them); the rule keeps the longest span first,
then the earlier one, then the one whose label sorts first, and leaves out every span that
overlaps one already kept. The caller counts and reports what was left out.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable

from core.spans import Span


def non_overlapping(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """``(kept, dropped)``, both sorted by position; deterministic for the same spans."""
    ordered = sorted(spans)
    if all(a.end <= b.start for a, b in itertools.pairwise(ordered)):
        return ordered, []
    starts: list[int] = []  # starts and ends of kept spans, both sorted (kept never overlap)
    ends: list[int] = []
    kept: list[Span] = []
    dropped: list[Span] = []
    for span in sorted(ordered, key=lambda s: (s.start - s.end, s.start, s.label, s.end)):
        i = bisect_left(starts, span.start)
        clash_after = i < len(starts) and starts[i] < span.end
        clash_before = i > 0 and ends[i - 1] > span.start
        if clash_after or clash_before:
            dropped.append(span)
            continue
        starts.insert(i, span.start)
        ends.insert(i, span.end)
        kept.append(span)
    return sorted(kept), sorted(dropped)
