"""Label Studio tasks (its JSON export, and its import shape) as import records.

A task is ``{"data": {"text": …, …}, "annotations": [...], "predictions": [...]}``. Each
annotation becomes one record of its author: ``completed_by`` (an id, an email, or an object
with ``email``/``id``) becomes the annotator (the email, else ``label-studio-user-<id>``); a
cancelled one (``was_cancelled``) is a skipped version, any other an accepted one, unless the
``kathode_status`` that Kathode's export writes says otherwise. Each
prediction becomes cached suggestions of the source ``label-studio:<model_version>``, never
anyone's annotation. Only ``labels`` results on the text are read (choices, relations and
text areas are no spans). Offsets are checked against each result's ``text``; Label Studio
counts in UTF-16 code units, so where a text has characters outside the Basic Multilingual
Plane they are converted. Other ``data`` keys and the task's ``meta`` become meta.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.formats._checks import (
    InvalidRecord,
    check_meta,
    check_span,
    check_text,
    collapse_duplicates,
    is_int,
    json_type,
)
from core.offsets import OffsetMap
from core.records import LABEL_STUDIO_SOURCE, Answer, ImportRecord
from core.spans import MANUAL_SOURCE, Span
from core.text_rules import InvalidNameError, check_annotator_name

_STATUS_ANSWERS: dict[str, Answer] = {
    "accepted": "accept",
    "rejected": "reject",
    "skipped": "ignore",
}


def is_label_studio(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("data"), dict) and "text" not in record


def label_studio_records(
    record: Mapping[str, Any], max_chars: int, source: str, line: int
) -> list[ImportRecord]:
    data = record["data"]
    if "text" not in data:
        keys = ", ".join(repr(key) for key in data) or "none"
        raise InvalidRecord(f"'data' has no 'text' (Kathode imports text tasks); it has {keys}")
    text = check_text(data, max_chars)
    meta = {key: value for key, value in data.items() if key != "text"}
    meta.update(check_meta(record))
    offsets = OffsetMap(text)
    suggestions: dict[str, list[Span]] = {}
    for index, prediction in enumerate(_list(record, "predictions")):
        where = f"predictions[{index}]"
        if not isinstance(prediction, dict):
            raise InvalidRecord(f"{where}: expected an object, got {json_type(prediction)}")
        model = prediction.get("model_version")
        name = f"{LABEL_STUDIO_SOURCE}:{model}" if model not in (None, "") else LABEL_STUDIO_SOURCE
        spans = _result_spans(where, prediction, text, offsets, name)
        suggestions.setdefault(name, []).extend(spans)
    suggestions = {name: collapse_duplicates(spans) for name, spans in suggestions.items()}
    records: list[ImportRecord] = []
    for index, annotation in enumerate(_list(record, "annotations")):
        where = f"annotations[{index}]"
        if not isinstance(annotation, dict):
            raise InvalidRecord(f"{where}: expected an object, got {json_type(annotation)}")
        status = annotation.get("kathode_status")  # written by Kathode's own export
        answer: Answer | None = _STATUS_ANSWERS.get(status) if isinstance(status, str) else None
        if answer is None and annotation.get("was_cancelled") is True:
            answer = "ignore"
        records.append(
            ImportRecord(
                text=text,
                source=source,
                line=line,
                meta=dict(meta),
                spans=collapse_duplicates(
                    _result_spans(where, annotation, text, offsets, MANUAL_SOURCE)
                ),
                annotator=_annotator(where, annotation.get("completed_by")),
                answer=answer,
                unanswered=status == "open",
            )
        )
    if not records:
        records.append(ImportRecord(text=text, source=source, line=line, meta=meta))
    records[0].suggestions = suggestions
    return records


def _list(record: Mapping[str, Any], key: str) -> list[Any]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidRecord(f"'{key}' must be an array, got {json_type(value)}")
    return value


def _result_spans(
    where: str, item: Mapping[str, Any], text: str, offsets: OffsetMap, source: str
) -> list[Span]:
    results = item.get("result") or []
    if not isinstance(results, list):
        raise InvalidRecord(f"{where}.result must be an array, got {json_type(results)}")
    spans: list[Span] = []
    for index, result in enumerate(results):
        at = f"{where}.result[{index}]"
        if not isinstance(result, dict) or result.get("type") != "labels":
            continue
        value = result.get("value")
        if not isinstance(value, dict):
            raise InvalidRecord(f"{at}.value must be an object, got {json_type(value)}")
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise InvalidRecord(f"{at}.value.labels must be a non-empty array of labels")
        start, end = _offsets(at, value, text, offsets)
        spans.extend(check_span(at, start, end, label, text, source) for label in labels)
    return spans


def _offsets(
    where: str, value: Mapping[str, Any], text: str, offsets: OffsetMap
) -> tuple[object, object]:
    """The value's offsets in Python characters: as given, or converted from UTF-16 code
    units when that is what makes them cover the result's ``text``."""
    start, end = value.get("start"), value.get("end")
    expected = value.get("text")
    if not (is_int(start) and is_int(end)) or not isinstance(expected, str):
        return start, end
    assert isinstance(start, int) and isinstance(end, int)
    if text[start:end] == expected:
        return start, end
    converted = offsets.from_qt(start), offsets.from_qt(end)
    if text[converted[0] : converted[1]] == expected:
        return converted
    raise InvalidRecord(
        f"{where}: [{start}, {end}) is {text[start:end]!r} in the text, but the result says "
        f"{expected!r}"
    )


def _annotator(where: str, value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None or value == "":
        return None
    name = f"{LABEL_STUDIO_SOURCE}-user-{value}" if is_int(value) else str(value)
    try:
        return check_annotator_name(name)
    except InvalidNameError as error:
        raise InvalidRecord(f"{where}.completed_by: {error}") from None
