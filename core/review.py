"""Comparing the versions of one document: who marked what, a premerged draft for the
gold version, and how much the versions disagree.

A version is one annotator's spans of the document. Spans are compared by value: offsets
and label (their sources do not matter). See ``docs/review.md``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from core.agreement import prf_of_counts
from core.spans import Span

REVIEW_SOURCE = "review"

SpanKey = tuple[int, int, str]


class Agreement(Enum):
    """How the annotators stand on one span."""

    ALL = "all"
    LABEL = "label differs"
    BOUNDARY = "boundaries differ"
    SOME = "only some"


@dataclass(frozen=True)
class ReviewSpan:
    """One distinct span (offsets and label) of a document, with who marked it."""

    span: Span
    annotators: frozenset[str]
    agreement: Agreement


def compare_versions(versions: Mapping[str, Sequence[Span]]) -> list[ReviewSpan]:
    """Every distinct span of the versions, with its annotators and their agreement on it.

    ``ALL``: every annotator marked exactly this span. Otherwise, among the annotators who
    did not mark it: ``LABEL`` when one of them marked the same offsets with another label;
    ``BOUNDARY`` when one of them marked an overlapping span with other offsets; ``SOME``
    when none of them marked anything overlapping. Sorted by start, end, label.
    """
    everyone = frozenset(versions)
    marked: dict[SpanKey, set[str]] = defaultdict(set)
    first: dict[SpanKey, Span] = {}
    for name in sorted(versions):
        for span in versions[name]:
            key = (span.start, span.end, span.label)
            marked[key].add(name)
            first.setdefault(key, span)
    ordered = sorted(marked)
    result: list[ReviewSpan] = []
    for key in ordered:
        who = frozenset(marked[key])
        others = everyone - who
        if not others:
            agreement = Agreement.ALL
        else:
            agreement = _disagreement_kind(key, others, ordered, marked)
        result.append(ReviewSpan(first[key], who, agreement))
    return result


def _disagreement_kind(
    key: SpanKey, others: frozenset[str], ordered: list[SpanKey], marked: Mapping[SpanKey, set[str]]
) -> Agreement:
    start, end, _label = key
    overlapping = False
    for other in ordered:
        if other[0] >= end:
            break
        if other == key or other[1] <= start or not marked[other] & others:
            continue
        if (other[0], other[1]) == (start, end):
            return Agreement.LABEL
        overlapping = True
    return Agreement.BOUNDARY if overlapping else Agreement.SOME


def premerge(versions: Mapping[str, Sequence[Span]], *, threshold: float = 1.0) -> list[Span]:
    """A draft gold version: the spans at least ``threshold`` of the annotators marked.

    ``threshold`` 1.0 keeps what everyone marked, 0.5 what a majority (or half) marked. Of
    overlapping candidates the better supported one is kept, then the longer, then the
    earlier, then the label that sorts first. The spans get the source ``review``.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"the threshold must be in (0, 1], got {threshold}")
    if not versions:
        return []
    needed = threshold * len(versions) - 1e-9
    support: dict[SpanKey, int] = defaultdict(int)
    for spans in versions.values():
        for key in {(s.start, s.end, s.label) for s in spans}:
            support[key] += 1
    candidates = sorted(
        (key for key, n in support.items() if n >= needed),
        key=lambda k: (-support[k], k[0] - k[1], k[0], k[2]),
    )
    kept: list[SpanKey] = []
    for key in candidates:
        if all(key[1] <= k[0] or k[1] <= key[0] for k in kept):
            kept.append(key)
    return [Span(start, end, label, REVIEW_SOURCE) for start, end, label in sorted(kept)]


def disagreement(versions: Mapping[str, Sequence[Span]]) -> float:
    """1 − the span F1 of every pair of versions, averaged over the pairs.

    0.0 when all versions are the same (or there are fewer than two), 1.0 when no two share
    a span.
    """
    keys = [{(s.start, s.end, s.label) for s in spans} for spans in versions.values()]
    if len(keys) < 2:
        return 0.0
    scores = [
        prf_of_counts(len(a & b), len(a), len(b)).f1 for a, b in itertools.combinations(keys, 2)
    ]
    return 1.0 - sum(scores) / len(scores)
