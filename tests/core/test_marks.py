"""Marks, their index, open suggestions and Tab order: the editors' pure parts, without Qt."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.edits import apply_to_sorted, span_key
from core.marks import (
    Mark,
    MarkIndex,
    next_mark,
    ordered_marks,
    suggestion_changes,
    visible_suggestions,
)
from core.spans import Span

LABELS = ("ORG", "LOC")


@st.composite
def spans(draw: st.DrawFn, max_size: int = 30) -> list[Span]:
    items = draw(
        st.lists(
            st.tuples(st.integers(0, 200), st.integers(1, 25), st.sampled_from(LABELS)),
            max_size=max_size,
        )
    )
    return sorted({(a, a + n, label) for a, n, label in items})  # type: ignore[return-value]


def _spans(keys: list[tuple[int, int, str]]) -> list[Span]:
    return [Span(*k) for k in keys]


@given(spans(), spans(max_size=5), spans(max_size=5), st.integers(0, 230), st.integers(0, 30))
def test_marks_index_between_matches_a_full_scan_under_edits(
    first: list, gone: list, new: list, start: int, width: int
) -> None:
    marks = [Mark(a, b, label, False) for a, b, label in first]
    index = MarkIndex(marks)
    removed = [Mark(a, b, label, False) for a, b, label in gone]
    added = [Mark(a, b, label, True) for a, b, label in new]
    index.remove(removed)
    index.add(added)
    expected = [m for m in marks if m not in removed] + added
    end = start + width
    found = index.between(start, end)
    assert sorted(found, key=repr) == sorted(
        [m for m in expected if m.start < end and m.end > start], key=repr
    )
    assert len(index) == len(expected)


def test_marks_visible_suggestions_leave_out_rejected_and_taken() -> None:
    suggestions = [Span(0, 2, "ORG"), Span(8, 11, "CHEMISTRY"), Span(23, 27, "ORG")]
    confirmed = [Span(22, 30, "ORG")]
    rejected = [Span(8, 11, "CHEMISTRY")]
    assert visible_suggestions(suggestions, confirmed, rejected) == [Span(0, 2, "ORG")]


@given(spans(), spans(), spans(max_size=4), spans(max_size=4), spans(max_size=4))
def test_marks_suggestion_changes_agree_with_recomputing(
    suggestion_keys: list, span_keys: list, remove: list, add: list, reject: list
) -> None:
    suggestions = _spans(suggestion_keys)
    confirmed = _spans(span_keys)
    rejected: list[Span] = []
    before = visible_suggestions(suggestions, confirmed, rejected)
    removed = [s for s in _spans(remove) if s in confirmed]
    added = [s for s in _spans(add) if s not in confirmed]
    apply_to_sorted(confirmed, removed, added)
    apply_to_sorted(rejected, [], _spans(reject))
    after = visible_suggestions(suggestions, confirmed, rejected)
    hidden, shown = suggestion_changes(
        suggestions,
        map(span_key, before),
        confirmed,
        map(span_key, rejected),
        [*removed, *added, *_spans(reject)],
    )
    current = list(before)
    apply_to_sorted(current, hidden, shown)
    assert current == after


def test_marks_next_mark_wraps_and_starts_at_the_caret() -> None:
    marks = ordered_marks([Span(0, 2, "ORG"), Span(23, 27, "ORG")], [Span(8, 11, "CHEMISTRY")])
    assert [m.start for m in marks] == [0, 8, 23]
    assert next_mark(marks, 0, 0, 1) == marks[0]  # a bare caret on a mark: that one
    assert next_mark(marks, 0, 2, 1) == marks[1]  # a selected mark: the next one
    assert next_mark(marks, 23, 27, 1) == marks[0]  # past the last: wraps around
    assert next_mark(marks, 8, 11, -1) == marks[0]
    assert next_mark(marks, 0, 2, -1) == marks[2]
    assert next_mark([], 0, 0, 1) is None


def test_marks_next_mark_reaches_a_second_mark_at_the_same_place() -> None:
    loc, org = Span(34, 40, "LOC"), Span(34, 40, "ORG")
    date = Span(46, 50, "DATE")
    marks = ordered_marks([loc, org, date])
    assert next_mark(marks, 34, 40, 1, current=loc) == org  # not past the place
    assert next_mark(marks, 34, 40, 1, current=org) == date
    assert next_mark(marks, 34, 40, -1, current=org) == loc
    # LOC was decided (left the marks): Tab goes to what is still open at its place.
    assert next_mark([org, date], 34, 40, 1, current=loc) == org
    assert next_mark(ordered_marks([Span(34, 40, "CHEMISTRY"), date]), 34, 40, 1, current=loc) == (
        Span(34, 40, "CHEMISTRY")
    )
    # A selection moved away from the current mark: the plain rule.
    assert next_mark(marks, 35, 36, 1, current=loc) == date
