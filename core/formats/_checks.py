"""Checks shared by the JSONL record shapes: text, offsets, labels, meta and duplicate spans.

A failed check raises :class:`InvalidRecord`; the JSONL reader reports it with file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.spans import MANUAL_SOURCE, Span


class InvalidRecord(ValueError):
    """One record cannot be imported; the message says why."""


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_offsets(where: str, start: object, end: object) -> tuple[int, int]:
    """Both offsets as ints (JSON booleans are not offsets), or :class:`InvalidRecord`."""
    if (
        not isinstance(start, int)
        or not isinstance(end, int)
        or isinstance(start, bool)
        or isinstance(end, bool)
    ):
        raise InvalidRecord(f"{where}: offsets must be integers, got {start!r} and {end!r}")
    return start, end


def check_text(record: Mapping[str, Any], max_chars: int) -> str:
    if "text" not in record:
        raise InvalidRecord("missing 'text'")
    text = record["text"]
    if not isinstance(text, str):
        raise InvalidRecord(f"'text' must be a string, got {json_type(text)}")
    if not text.strip():
        raise InvalidRecord("'text' is empty or only whitespace")
    if len(text) > max_chars:
        raise InvalidRecord(f"text too long: {len(text):,} characters; the limit is {max_chars:,}")
    return text


def check_meta(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the record's ``meta`` object (empty when absent or null)."""
    meta = record.get("meta")
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise InvalidRecord(f"'meta' must be an object, got {json_type(meta)}")
    return dict(meta)


def check_span(
    where: str, start: object, end: object, label: object, text: str, source: str = MANUAL_SOURCE
) -> Span:
    """A :class:`Span` from raw values, or :class:`InvalidRecord` naming ``where`` it was."""
    start, end = check_offsets(where, start, end)
    if not isinstance(label, str) or not label.strip():
        raise InvalidRecord(f"{where}: label must be a non-empty string, got {label!r}")
    if start >= end:
        raise InvalidRecord(f"{where}: start {start} is not before end {end}")
    if start < 0 or end > len(text):
        raise InvalidRecord(f"{where}: [{start}, {end}) lies outside the text (length {len(text)})")
    return Span(start, end, label, source)


def collapse_duplicates(spans: Iterable[Span]) -> list[Span]:
    """The spans in document order, an exact repeat (same start, end, label) kept once.

    Collapsing loses nothing: the repeat marks the very same thing. Overlapping spans with
    different labels or boundaries are all kept; storage decides what to do with them.
    """
    unique: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        unique.setdefault((span.start, span.end, span.label), span)
    return sorted(unique.values())
