"""The suggester interface and the span bookkeeping every suggester shares."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from core.spans import Span


class SuggesterError(RuntimeError):
    """A suggester that cannot be built: unknown name, bad path, broken or unusable model.

    The message always names the suggester.
    """


@runtime_checkable
class Suggester(Protocol):
    """Something that proposes labelled spans for texts.

    ``name`` is ``rules``, ``de-news``, ``spacy:<package-or-path>``,
    ``project-model:<path>`` or ``default``; ``version`` changes whenever the output could
    change (cache suggestions under it); ``labels`` are the Kathode labels it can produce.
    ``suggest`` is batched: one sorted, non-overlapping list of spans per text, every span
    aligned to the project tokens and carrying its ``source``.
    """

    name: str
    version: str

    @property
    def labels(self) -> frozenset[str]: ...

    def suggest(self, texts: Sequence[str]) -> list[list[Span]]: ...


def keep_longest(matches: Iterable[tuple[Span, int, int]]) -> list[Span]:
    """Resolve overlaps among the matches of one source: the longer match wins.

    Each match is ``(span, length in tokens, rank)``. Longer in tokens wins, then longer in
    characters, then the earlier start, then the lower rank (for rules: the pattern earlier
    in its file). Returns the kept spans sorted.
    """
    ranked = sorted(
        matches, key=lambda m: (-m[1], -(m[0].end - m[0].start), m[0].start, m[2], m[0].label)
    )
    kept = NonOverlapping()
    for span, _, _ in ranked:
        kept.add_if_free(span)
    return kept.spans


class NonOverlapping:
    """A sorted list of non-overlapping spans that accepts a span only where it fits."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self._starts: list[int] = []

    def add_if_free(self, span: Span) -> bool:
        i = bisect_left(self._starts, span.start)
        if i > 0 and self.spans[i - 1].end > span.start:
            return False
        if i < len(self.spans) and self.spans[i].start < span.end:
            return False
        self.spans.insert(i, span)
        self._starts.insert(i, span.start)
        return True
