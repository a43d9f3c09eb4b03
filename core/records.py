"""What a file reader yields: one importable record, or an error that names file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from core.spans import Span, Token

# The source of suggestions that came as Label Studio predictions: ``label-studio:<model>``.
LABEL_STUDIO_SOURCE = "label-studio"

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
    # Model predictions that came with the record, by source (``label-studio:<model>``):
    # stored as cached suggestions of that source, never as anyone's annotation.
    suggestions: dict[str, list[Span]] = field(default_factory=dict)
    # True when ``line`` is the record's number in a JSON array rather than a line number.
    numbered: bool = False

    @property
    def where(self) -> str:
        """Where the record is, for messages: ``file:line`` or ``file: record n``."""
        return (
            f"{self.source}: record {self.line}" if self.numbered else f"{self.source}:{self.line}"
        )


class RecordError(Exception):
    """A file, or one record of it, that cannot be imported; names the file and the line."""

    def __init__(
        self, path: Path | str, line: int | None, message: str, *, numbered: bool = False
    ) -> None:
        if line is None:
            where = str(path)
        else:
            where = f"{path}: record {line}" if numbered else f"{path}:{line}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message
