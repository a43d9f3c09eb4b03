"""What an export writer is given (one annotation with its document) and what it reports back."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.documents import Status
from core.spans import Span, Token
from core.tokens import MisalignedSpanError


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One annotator's version of one document, as it leaves the project.

    ``token_offsets`` are the document's stored tokens as flat triples ``start, end, ws``
    (the layout storage keeps them in), so the JSONL path never builds a ``Token`` per token;
    :meth:`tokens` gives them as objects. ``spans`` are sorted and already label-filtered.
    ``timestamp`` is the annotation's last change in Unix seconds. ``predictions`` are the
    document's cached suggestions by suggester, label-filtered (only the Label Studio export
    asks for them).
    """

    document_id: int
    text: str
    token_offsets: Sequence[int]
    spans: Sequence[Span]
    status: Status
    annotator: str
    session: str | None = None
    timestamp: int = 0
    meta: Mapping[str, Any] = field(default_factory=dict)
    predictions: Mapping[str, Sequence[Span]] = field(default_factory=dict)

    def tokens(self) -> list[Token]:
        flat, text = self.token_offsets, self.text
        return [
            Token(text[flat[i] : flat[i + 1]], flat[i], flat[i + 1], bool(flat[i + 2]))
            for i in range(0, len(flat), 3)
        ]


def token_range(
    starts: Sequence[int], ends: Sequence[int], span: Span, text: str
) -> tuple[int, int]:
    """``(token_start, token_end)``, inclusive, of a span lying on the tokens with these
    (sorted) starts and ends; :class:`MisalignedSpanError` for a span off them."""
    first = bisect_left(starts, span.start)
    last = bisect_left(ends, span.end)
    if (
        first >= len(starts)
        or last >= len(ends)
        or starts[first] != span.start
        or ends[last] != span.end
        or last < first
    ):
        raise MisalignedSpanError(span.start, span.end, span.text_in(text))
    return first, last


@dataclass(frozen=True, slots=True)
class Written:
    """What a writer did with one record: spans written, spans left out and why."""

    spans: int
    dropped: tuple[Span, ...] = ()
    """Overlapping spans a format cannot hold (CoNLL, ``.spacy``), left out deterministically."""
    skipped_tokens: int = 0
    """Whitespace-only tokens a format cannot hold (CoNLL)."""


class ExportWriter(Protocol):
    """One export in progress: records go in one by one; nothing is visible until ``commit``."""

    def add(self, record: ExportRecord) -> Written: ...

    def commit(self) -> list[Path]:
        """Make the output complete and visible at its destination; return the files."""
        ...

    def abort(self) -> None:
        """Throw the partial output away; the destination keeps what it had."""
        ...
