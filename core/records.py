"""What a file reader yields: one importable record, or an error that names file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from core.spans import Span, Token

Answer = Literal["accept", "reject", "ignore"]


@dataclass(slots=True)
class ImportRecord:
    """One document read from a file, with the annotation it brings, if any.

    ``spans is None`` means the record carries no annotation at all (plain text); an empty
    list means an annotation that marks nothing. ``tokens`` are kept when the record brings
    its own (Prodigy does); otherwise storage tokenizes the text with the project tokenizer.
    """

    text: str
    source: str
    line: int
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] | None = None
    tokens: list[Token] | None = None
    annotator: str | None = None
    session: str | None = None
    answer: Answer | None = None
    # A Prodigy task with spans but no answer: someone's work in progress, kept as ``open``.
    unanswered: bool = False


class RecordError(Exception):
    """A file, or one record of it, that cannot be imported; names the file and the line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message
