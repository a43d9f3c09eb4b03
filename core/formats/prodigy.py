"""Prodigy task records (``ner_manual`` and binary ``ner`` answers) as import records.

Mapping: ``tokens`` become :class:`Token` objects (``ws`` from the token when given, else
whether the next token, or the end of the text, lies after it); ``_annotator_id`` and
``_session_id`` become annotator and session as written; ``answer`` is kept. A span keeps the
source ``manual`` unless the task came from a non-manual view and the span names its
``source``: then it is ``model:<source>`` (``rules:<source>`` for a pattern match). All other
top-level keys (``_input_hash``, ``_task_hash``, ``_view_id``, ``options``…) go under
``meta["prodigy"]``, so nothing Prodigy wrote is lost; a ``prodigy`` key the record's own
``meta`` already has wins. Per-span extras (``score``, ``rank``, ``token_start``…) are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.formats._checks import (
    InvalidRecord,
    check_meta,
    check_offsets,
    check_span,
    collapse_duplicates,
    json_type,
)
from core.records import Answer, ImportRecord
from core.spans import MANUAL_SOURCE, Span, Token
from core.text_rules import InvalidNameError, check_annotator_name

_MARKER_KEYS = frozenset(
    {"spans", "tokens", "answer", "_annotator_id", "_session_id", "_view_id", "_input_hash"}
)
_OWN_KEYS = frozenset({"text", "meta", "spans", "tokens", "answer", "_annotator_id", "_session_id"})
_MANUAL_VIEWS = frozenset({"ner_manual", "spans_manual"})
_ANSWERS: dict[object, Answer] = {"accept": "accept", "reject": "reject", "ignore": "ignore"}


def is_prodigy(record: Mapping[str, Any]) -> bool:
    return not _MARKER_KEYS.isdisjoint(record)


def prodigy_record(record: Mapping[str, Any], text: str, source: str, line: int) -> ImportRecord:
    """One record; ``spans`` is None only when the task has neither spans nor an answer."""
    meta = check_meta(record)
    tokens = _tokens(record.get("tokens"), text)
    answer = _answer(record.get("answer"))
    raw_spans = record.get("spans")
    spans: list[Span] | None
    if raw_spans is None:
        spans = None if answer is None else []
    elif isinstance(raw_spans, list):
        view = record.get("_view_id")
        spans = collapse_duplicates(_span(i, raw, text, view) for i, raw in enumerate(raw_spans))
        if tokens:
            _check_alignment(spans, tokens, text)
    else:
        raise InvalidRecord(f"'spans' must be an array, got {json_type(raw_spans)}")
    extras = {key: value for key, value in record.items() if key not in _OWN_KEYS}
    if extras:
        meta.setdefault("prodigy", extras)
    return ImportRecord(
        text=text,
        source=source,
        line=line,
        meta=meta,
        spans=spans,
        tokens=tokens,
        annotator=_annotator(record.get("_annotator_id")),
        session=_optional_str(record.get("_session_id")),
        answer=answer,
        unanswered=answer is None and spans is not None,
    )


def _answer(value: object) -> Answer | None:
    if value is None:
        return None
    answer = _ANSWERS.get(value) if isinstance(value, str) else None
    if answer is None:
        raise InvalidRecord(f"'answer' must be accept, reject or ignore, got {value!r}")
    return answer


def _annotator(value: object) -> str | None:
    if value is None:
        return None
    try:
        return check_annotator_name(str(value))
    except InvalidNameError as error:
        raise InvalidRecord(f"_annotator_id: {error}") from None


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _span(index: int, raw: object, text: str, view: object) -> Span:
    where = f"spans[{index}]"
    if not isinstance(raw, dict):
        raise InvalidRecord(f"{where}: expected an object, got {json_type(raw)}")
    origin = raw.get("source")
    source = MANUAL_SOURCE
    if view not in _MANUAL_VIEWS and isinstance(origin, str) and origin:
        source = f"rules:{origin}" if "pattern" in raw else f"model:{origin}"
    return check_span(where, raw.get("start"), raw.get("end"), raw.get("label"), text, source)


def _tokens(raw: object, text: str) -> list[Token] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InvalidRecord(f"'tokens' must be an array, got {json_type(raw)}")
    found: list[tuple[str, int, int, bool | None]] = []
    previous_end = 0
    for index, item in enumerate(raw):
        where = f"tokens[{index}]"
        if not isinstance(item, dict):
            raise InvalidRecord(f"{where}: expected an object, got {json_type(item)}")
        start, end = check_offsets(where, item.get("start"), item.get("end"))
        if not previous_end <= start < end <= len(text):
            raise InvalidRecord(
                f"{where}: [{start}, {end}) is empty, outside the text (length {len(text)}) "
                "or overlaps the token before it"
            )
        token_text = item.get("text", text[start:end])
        if token_text != text[start:end]:
            raise InvalidRecord(
                f"{where}: {token_text!r} differs from the text at [{start}, {end}): "
                f"{text[start:end]!r}"
            )
        ws = item.get("ws")
        found.append((token_text, start, end, ws if isinstance(ws, bool) else None))
        previous_end = end
    if not found:
        return None
    tokens = []
    for index, (token_text, start, end, ws) in enumerate(found):
        if ws is None:
            following = found[index + 1][1] if index + 1 < len(found) else len(text)
            ws = following > end
        tokens.append(Token(token_text, start, end, ws))
    return tokens


def _check_alignment(spans: list[Span], tokens: list[Token], text: str) -> None:
    """A span must start and end where the record's own tokens do: report it, never drop it."""
    starts = {token.start for token in tokens}
    ends = {token.end for token in tokens}
    for span in spans:
        if span.start not in starts or span.end not in ends:
            raise InvalidRecord(
                f"span [{span.start}, {span.end}) {span.text_in(text)!r} ({span.label}) "
                "does not align with the record's tokens"
            )
