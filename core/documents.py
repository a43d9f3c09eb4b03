"""Plain views of stored documents and annotations, as the repository hands them out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, get_args

from core.spans import Span, Token


class Status(StrEnum):
    """Where one annotator stands with one document."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SKIPPED = "skipped"


QueueOrder = Literal["in_order", "random", "informative"]
QUEUE_ORDERS: tuple[str, ...] = get_args(QueueOrder)
"""The queue's orders (``storage.document_scores`` orders by them)."""

ANSWER_STATUS = {"accept": Status.ACCEPTED, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
STATUS_ANSWER = {status: answer for answer, status in ANSWER_STATUS.items()}


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document queue: enough to list it, without its text."""

    id: int
    title: str
    language: str
    status: Status
    span_count: int


@dataclass(frozen=True, slots=True)
class Document:
    """A document with its text and the tokens its spans align to."""

    id: int
    text: str
    tokens: Sequence[Token]
    language: str
    title: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    tokenizer_version: str = ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotator's version of one document."""

    document_id: int
    annotator: str
    status: Status
    spans: list[Span]
    rejected: list[Span] = field(default_factory=list)  # suggestions turned down
