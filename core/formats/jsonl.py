"""The JSONL reader: one JSON object per line, streamed, each line a record or a ``RecordError``.

Four shapes are told apart per record: Label Studio tasks (``data``/``annotations``/
``predictions``, see ``core.formats.label_studio``), Prodigy tasks (``spans``/``tokens``/``answer``/
``_annotator_id``…), doccano exports (``label``/``entities``, or v1 ``annotations``), and plain
``{"text": …, "meta": {…}}`` records, whose other top-level keys go into ``meta``. A bad line
is reported and the reader carries on; a pretty-printed JSON document is recognised and named
as such rather than reported line by line.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from core.formats._checks import InvalidRecord, check_meta, check_text, json_type
from core.formats._io import Limits, Line, iter_lines
from core.formats.doccano import doccano_record, doccano_v1_records, is_doccano, is_doccano_v1
from core.formats.label_studio import is_label_studio, label_studio_records
from core.formats.prodigy import is_prodigy, prodigy_record
from core.records import ImportRecord, RecordError

_ONE_PER_LINE = "JSONL needs one object per line"
_BRACKETS = frozenset({"{", "[", "}", "]", "},", "],"})


def read_jsonl(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
    source = str(path)
    feed = _LineFeed(iter_lines(path, limits))
    for item in feed:
        if isinstance(item, RecordError):
            yield item
            continue
        number, line = item
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield _json_error(path, number, line, error, feed, limits)
            continue
        except (ValueError, RecursionError) as error:  # e.g. an integer of 5,000 digits
            yield RecordError(path, number, f"invalid JSON: {error}")
            continue
        try:
            records = records_from_json(value, source, number, limits)
        except InvalidRecord as error:
            message = str(error)
            if not isinstance(value, dict | list) and _looks_pretty_printed(line):
                message += f" (is this pretty-printed JSON? {_ONE_PER_LINE})"
            yield RecordError(path, number, message)
            continue
        yield from records


def records_from_json(value: Any, source: str, line: int, limits: Limits) -> list[ImportRecord]:
    """The records one decoded JSONL line gives (several for a doccano v1 line)."""
    if not isinstance(value, dict):
        hint = f" (a JSON array file? {_ONE_PER_LINE})" if isinstance(value, list) else ""
        raise InvalidRecord(f"expected a JSON object, got {json_type(value)}{hint}")
    if is_label_studio(value):
        return label_studio_records(value, limits.max_text_chars, source, line)
    text = check_text(value, limits.max_text_chars)
    if is_prodigy(value):
        return [prodigy_record(value, text, source, line)]
    if is_doccano_v1(value):
        return doccano_v1_records(value, text, source, line)
    if is_doccano(value):
        return [doccano_record(value, text, source, line)]
    meta = {key: item for key, item in value.items() if key not in ("text", "meta")}
    meta.update(check_meta(value))
    return [ImportRecord(text=text, source=source, line=line, meta=meta)]


class _LineFeed:
    """The file's lines, with a way to put back lines read ahead."""

    def __init__(self, lines: Iterator[Line | RecordError]) -> None:
        self._lines = lines
        self._returned: deque[Line | RecordError] = deque()

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> Line | RecordError:
        return self._returned.popleft() if self._returned else next(self._lines)

    def put_back(self, items: Iterable[Line | RecordError]) -> None:
        self._returned.extendleft(reversed(list(items)))


def _json_error(
    path: Path,
    number: int,
    line: str,
    error: json.JSONDecodeError,
    feed: _LineFeed,
    limits: Limits,
) -> RecordError:
    message = f"invalid JSON: {error.msg} (column {error.colno})"
    opener = line.strip()
    if opener in ("{", "["):
        last = _pretty_printed_end(opener, feed, limits)
        if last is not None:
            kind = "object" if opener == "{" else "array"
            return RecordError(
                path,
                number,
                f"{message}: lines {number}-{last} are one pretty-printed JSON {kind}, but "
                f"{_ONE_PER_LINE} (convert it, e.g. jq -c . {path.name})",
            )
    if _looks_pretty_printed(line):
        message += f" (is this pretty-printed JSON? {_ONE_PER_LINE})"
    return RecordError(path, number, message)


def _looks_pretty_printed(line: str) -> bool:
    return line.strip() in _BRACKETS or line[:1].isspace()


def _pretty_printed_end(opener: str, feed: _LineFeed, limits: Limits) -> int | None:
    """If the lines after ``opener`` close one JSON value, consume them and return the last
    line's number; otherwise put them back (they are reported one by one) and return None."""
    closer = "}" if opener == "{" else "]"
    taken: list[Line | RecordError] = []
    parts = [opener]
    size = len(opener)
    for item in feed:
        taken.append(item)
        if isinstance(item, RecordError):
            break
        number, line = item
        parts.append(line)
        size += len(line) + 1
        if size > limits.max_line_chars:
            break
        if line.rstrip() == closer:
            try:
                json.loads("\n".join(parts))
            except (ValueError, RecursionError):
                break
            return number
    feed.put_back(taken)
    return None
