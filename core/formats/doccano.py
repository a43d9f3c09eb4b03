"""doccano sequence-labeling exports as import records.

Two shapes: the current one, ``"label": [[start, end, label], …]`` (older files say
``"labels"``) or ``"entities": [{"start_offset", "end_offset", "label"}, …]`` (relations are
ignored); and the v1 export, ``"annotations": [{"label": 12, "start_offset", "end_offset",
"user": 1}, …]``, where each user becomes an annotator ``doccano-user-<n>`` with a record of
their own, so one line can give several records. An empty ``label`` list is an annotation that
marks nothing (``spans == []``); an empty v1 ``annotations`` list has no annotator at all, so
that record carries no annotation (``spans is None``). Top-level keys other than doccano's own
go into ``meta``, and the record's ``meta`` object is merged over them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from core.formats._checks import (
    InvalidRecord,
    check_meta,
    check_span,
    collapse_duplicates,
    is_int,
    json_type,
)
from core.records import ImportRecord
from core.spans import Span

_DOCCANO_KEYS = frozenset(
    {
        "id", "text", "label", "labels", "entities", "relations", "annotations",
        "annotation_approver", "meta",
    }
)  # fmt: skip


def is_doccano_v1(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("annotations"), list)


def is_doccano(record: Mapping[str, Any]) -> bool:
    return (
        isinstance(record.get("label"), list)
        or isinstance(record.get("labels"), list)
        or "entities" in record
    )


def doccano_record(record: Mapping[str, Any], text: str, source: str, line: int) -> ImportRecord:
    spans: list[Span] = []
    for key in ("label", "labels"):
        items = record.get(key)
        if items is None:
            continue
        for index, item in enumerate(_array(record, key)):
            where = f"{key}[{index}]"
            if isinstance(item, str):
                raise InvalidRecord(
                    f"{where}: {item!r} is a class label, not a [start, end, label] span; "
                    "text-classification exports are not imported"
                )
            if not isinstance(item, list) or len(item) != 3:
                raise InvalidRecord(f"{where}: expected [start, end, label], got {_short(item)}")
            spans.append(check_span(where, item[0], item[1], item[2], text))
    if record.get("entities") is not None:
        for index, item in enumerate(_array(record, "entities")):
            spans.append(_offset_span(f"entities[{index}]", item, text))
    return ImportRecord(
        text=text, source=source, line=line, meta=_meta(record), spans=collapse_duplicates(spans)
    )


def doccano_v1_records(
    record: Mapping[str, Any], text: str, source: str, line: int
) -> list[ImportRecord]:
    """One record per annotating user, in the order the users first appear."""
    meta = _meta(record)
    by_annotator: dict[str | None, list[Span]] = {}
    for index, item in enumerate(_array(record, "annotations")):
        where = f"annotations[{index}]"
        span = _offset_span(where, item, text)
        user = item.get("user")
        annotator = None if user is None else f"doccano-user-{user}"
        by_annotator.setdefault(annotator, []).append(span)
    if not by_annotator:
        return [ImportRecord(text=text, source=source, line=line, meta=meta)]
    return [
        ImportRecord(
            text=text,
            source=source,
            line=line,
            meta=copy.deepcopy(meta),
            spans=collapse_duplicates(spans),
            annotator=annotator,
        )
        for annotator, spans in by_annotator.items()
    ]


def _offset_span(where: str, item: object, text: str) -> Span:
    """A span from ``{"start_offset", "end_offset", "label"}``; v1 label ids become strings."""
    if not isinstance(item, dict):
        raise InvalidRecord(f"{where}: expected an object, got {json_type(item)}")
    if "start_offset" not in item or "end_offset" not in item:
        raise InvalidRecord(
            f"{where}: no start_offset/end_offset; only span annotations "
            "(sequence labeling) are imported"
        )
    label = item.get("label")
    if is_int(label):
        label = str(label)
    return check_span(where, item["start_offset"], item["end_offset"], label, text)


def _array(record: Mapping[str, Any], key: str) -> list[Any]:
    value = record[key]
    if not isinstance(value, list):
        raise InvalidRecord(f"'{key}' must be an array, got {json_type(value)}")
    return value


def _meta(record: Mapping[str, Any]) -> dict[str, Any]:
    meta = {key: value for key, value in record.items() if key not in _DOCCANO_KEYS}
    meta.update(check_meta(record))
    return meta


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
