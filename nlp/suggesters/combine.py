"""Several suggesters as one, with one overlap rule.

The overlap rule: members are ranked in the order given (the default puts ``rules`` first).
A span of a lower-ranked member is dropped where it overlaps a span already kept from a
higher-ranked one, even partly; spans that overlap nothing are all kept. The rules rank
first because they are domain-specific and precise (``Lithium-Eisenphosphat`` CHEMISTRY
beats whatever the news model guesses there). Inside one member the member's own rule
applies (rules: the longer match wins; a model never returns overlapping entities). The
result never holds overlapping spans, and every span keeps its member's ``source``.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.spans import Span
from nlp.suggesters.base import NonOverlapping, Suggester


class CombinedSuggester:
    """Members' suggestions merged by rank (see the module docstring)."""

    def __init__(self, members: Sequence[Suggester], *, name: str = "default") -> None:
        if not members:
            raise ValueError("a combined suggester needs at least one member")
        self.name = name
        self.members = tuple(members)
        self.version = "|".join(f"{m.name}={m.version}" for m in self.members)

    @property
    def labels(self) -> frozenset[str]:
        """The members' labels (asking loads a member's model, so it is asked for lazily)."""
        return frozenset().union(*(m.labels for m in self.members))

    def suggest(self, texts: Sequence[str]) -> list[list[Span]]:
        per_member = [member.suggest(texts) for member in self.members]
        if len(per_member) == 1:
            return per_member[0]
        return [merge_ranked([spans[i] for spans in per_member]) for i in range(len(texts))]


def merge_ranked(ranked: Sequence[Sequence[Span]]) -> list[Span]:
    """Merge non-overlapping span lists, higher-ranked first; see the module docstring."""
    kept = NonOverlapping()
    for spans in ranked:
        for span in spans:
            kept.add_if_free(span)
    return kept.spans
