"""What one edit of a version changed: the spans and rejections that really went in or out.

The repository's span edit returns a ``SpanDelta``; undo applies its inverse, and every view
(article, span list, label counts, queue row) applies the delta instead of reading the whole
version back. ``apply_to_sorted`` keeps a
version's spans in text order under such deltas.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.spans import Span

Key = tuple[int, int, str]


def span_key(span: Span) -> Key:
    """Spans are the same span whatever their source: offsets and label."""
    return (span.start, span.end, span.label)


@dataclass(frozen=True, slots=True)
class SpanDelta:
    """Spans removed and added, suggestions rejected and un-rejected, by one edit."""

    removed: tuple[Span, ...] = ()
    added: tuple[Span, ...] = ()
    rejected: tuple[Span, ...] = ()
    unrejected: tuple[Span, ...] = ()

    def inverse(self) -> SpanDelta:
        """The edit that takes this one back."""
        return SpanDelta(self.added, self.removed, self.unrejected, self.rejected)

    @property
    def span_count_change(self) -> int:
        return len(self.added) - len(self.removed)

    def __bool__(self) -> bool:
        return bool(self.removed or self.added or self.rejected or self.unrejected)

    def label_count_changes(self) -> dict[str, int]:
        """How many spans of each label the edit added (positive) or removed (negative)."""
        changes: dict[str, int] = {}
        for span in self.removed:
            changes[span.label] = changes.get(span.label, 0) - 1
        for span in self.added:
            changes[span.label] = changes.get(span.label, 0) + 1
        return {label: n for label, n in changes.items() if n}


def index_of(spans: Sequence[Span], span: Span) -> int | None:
    """Where the span with this key stands in spans sorted by key, or None."""
    k = span_key(span)
    i = bisect_left(spans, k, key=span_key)
    return i if i < len(spans) and span_key(spans[i]) == k else None


def apply_to_sorted(spans: list[Span], removed: Iterable[Span], added: Iterable[Span]) -> None:
    """Change spans sorted by key in place: ``removed`` out, then ``added`` in (a span whose
    key is there already is replaced). A bisect and a list insert or delete per span."""
    for span in removed:
        i = index_of(spans, span)
        if i is not None:
            del spans[i]
    for span in added:
        i = index_of(spans, span)
        if i is None:
            insort(spans, span, key=span_key)
        else:
            spans[i] = span
