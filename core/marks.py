"""What the article views draw and step through, without Qt: marks, their index, suggestions.

A ``Mark`` is a span as drawn (confirmed or suggested, in the view's positions); a
``MarkIndex`` finds the marks of one text block by bisect and takes single marks in and out,
so an edit costs a bisect, not a rebuild. Which suggestions are still open, how an edit
changes that, and which mark Tab goes to next are decided here for both windows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from heapq import merge

from core.edits import Key, span_key
from core.spans import Span, longest_of, touching


@dataclass(frozen=True, slots=True)
class Mark:
    """A span as drawn: confirmed (filled) or suggested (outlined).

    ``colour`` overrides the label's colour (the review window colours candidate spans by
    how far the annotators agree on them).
    """

    start: int
    end: int
    label: str
    suggested: bool
    colour: str | None = None


def _mark_order(mark: Mark) -> tuple[int, int, str, bool, str]:
    return (mark.start, mark.end, mark.label, mark.suggested, mark.colour or "")


def _start(item: Mark | Span) -> int:
    return item.start


class MarkIndex:
    """Marks sorted by start; ``between`` looks back no further than the longest mark."""

    def __init__(self, marks: Iterable[Mark] = ()) -> None:
        self.marks: list[Mark] = sorted(marks, key=_mark_order)
        self._longest = max((m.end - m.start for m in self.marks), default=0)

    def __len__(self) -> int:
        return len(self.marks)

    def add(self, marks: Iterable[Mark]) -> None:
        for mark in marks:
            insort(self.marks, mark, key=_mark_order)
            self._longest = max(self._longest, mark.end - mark.start)

    def remove(self, marks: Iterable[Mark]) -> None:
        """Take marks out (one each; a mark not in the index is ignored)."""
        for mark in marks:
            i = bisect_left(self.marks, _mark_order(mark), key=_mark_order)
            if i < len(self.marks) and self.marks[i] == mark:
                del self.marks[i]

    def between(self, start: int, end: int) -> list[Mark]:
        """Marks overlapping ``[start, end)``, in order."""
        first = bisect_right(self.marks, start - self._longest, key=_start)
        last = bisect_left(self.marks, end, key=_start)
        return [m for m in self.marks[first:last] if m.end > start]


def _overlaps_any(spans: Sequence[Span], longest: int, start: int, end: int) -> bool:
    """Whether a span of ``spans`` (sorted by start, none longer than ``longest``)
    overlaps ``[start, end)``."""
    return any(s.start < end and s.end > start for s in touching(spans, start, end, longest))


def visible_suggestions(
    suggestions: Sequence[Span], spans: Sequence[Span], rejected: Iterable[Span]
) -> list[Span]:
    """Suggestions still to decide on: not rejected and not overlapping a confirmed span."""
    turned_down = {span_key(s) for s in rejected}
    taken = sorted(spans, key=span_key)
    longest = longest_of(taken)
    return [
        s
        for s in suggestions
        if span_key(s) not in turned_down and not _overlaps_any(taken, longest, s.start, s.end)
    ]


def suggestion_changes(
    suggestions: Sequence[Span],
    shown: Iterable[Key],
    spans: Sequence[Span],
    rejected: Iterable[Key],
    touched: Iterable[Span],
) -> tuple[list[Span], list[Span]]:
    """After an edit that touched ``touched``: the suggestions it hides and those it shows.

    ``suggestions`` are all of the document's (sorted by key), ``shown`` the keys visible
    before, ``spans`` the confirmed spans after the edit (sorted by key), ``rejected`` the
    rejected keys after it. Only suggestions overlapping a touched span are looked at.
    """
    shown_keys = set(shown)
    turned_down = set(rejected)
    longest_suggestion = longest_of(suggestions)
    longest_span = longest_of(spans)
    candidates: dict[Key, Span] = {}
    for span in touched:
        end = max(span.end, span.start + 1)
        for s in touching(suggestions, span.start, end, longest_suggestion):
            if s.start < end and s.end > span.start:
                candidates[span_key(s)] = s
    hidden, revealed = [], []
    for k, s in sorted(candidates.items()):
        visible = k not in turned_down and not _overlaps_any(spans, longest_span, s.start, s.end)
        if visible and k not in shown_keys:
            revealed.append(s)
        elif not visible and k in shown_keys:
            hidden.append(s)
    return hidden, revealed


def ordered_marks(*sorted_lists: Sequence[Span]) -> list[Span]:
    """Spans of several lists (each sorted by key) in text order, for Tab and Shift+Tab."""
    return list(merge(*sorted_lists, key=span_key))


def next_mark(
    marks: Sequence[Span], start: int, end: int, step: int, current: Span | None = None
) -> Span | None:
    """The mark Tab (``step`` > 0) or Shift+Tab goes to from the selection ``[start, end)``,
    wrapping around at either end. From a bare caret the mark starting right there is first.

    ``current`` is the mark the selection was last put on (by Tab or a decision): when the
    selection still covers exactly its extent, Tab goes on from it in ``marks``' order, so
    a second mark at the same place (another label) is reached too; when ``current`` has
    left ``marks`` (it was decided), the marks at its place come first.
    """
    if not marks:
        return None
    if current is not None and (current.start, current.end) == (start, end):
        k = span_key(current)
        i = bisect_left(marks, k, key=span_key)
        present = i < len(marks) and span_key(marks[i]) == k
        if step > 0:
            if present:
                i += 1
            else:
                i = bisect_left(marks, start, key=_start)
            return marks[i] if i < len(marks) else marks[0]
        return marks[i - 1] if i else marks[-1]
    if step > 0:
        first = start if start == end else start + 1
        i = bisect_left(marks, first, key=_start)
        return marks[i] if i < len(marks) else marks[0]
    i = bisect_left(marks, start, key=_start)
    return marks[i - 1] if i else marks[-1]
