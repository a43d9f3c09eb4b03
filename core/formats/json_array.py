"""The ``.json`` reader: an array of records in any of the JSONL shapes (plain, Prodigy,
doccano, Label Studio), streamed with ``ijson`` so the file is never held whole in memory.

Label Studio and doccano export such arrays. A record's ``line`` is its 1-based number in the
array (messages say ``file: record n``). A record that cannot be imported is a
``RecordError`` and reading goes on; JSON that is not well-formed stops the file there, with
the records before it read. A file holding one object is read as one record.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.formats._checks import InvalidRecord
from core.formats._io import FileProblem, Limits, open_text
from core.formats.jsonl import records_from_json
from core.records import ImportRecord, RecordError

_READ = 1 << 16


class _Utf8:
    """A decoded text stream as UTF-8 bytes, for ijson (which parses bytes)."""

    def __init__(self, text: _Chained) -> None:
        self._text = text
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = self._text.read(_READ)
            if not chunk:
                break
            self._pending += chunk.encode("utf-8")
        if size < 0:
            size = len(self._pending)
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


def read_json(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
    import ijson

    source = str(path)
    with open_text(path, limits) as text:
        head = text.read(_READ)
        opener = head.lstrip()[:1]
        if not opener:
            return  # read_file reports an empty file
        if opener not in ("[", "{"):
            raise FileProblem(
                "a .json file must hold an array of records (or one record); "
                f"this one starts with {opener!r}"
            )
        stream = _Utf8(_Chained(head, text))
        prefix = "item" if opener == "[" else ""
        number = 0
        try:
            for value in ijson.items(stream, prefix, use_float=True):
                number += 1
                yield from _records(value, source, number, limits, path)
        except ijson.JSONError as error:
            after = f"after record {number}" if number else "before the first record"
            raise FileProblem(
                f"invalid JSON {after}: {_first_line(error)}; the records before it were read"
            ) from None


def _records(
    value: Any, source: str, number: int, limits: Limits, path: Path
) -> Iterator[ImportRecord | RecordError]:
    try:
        records = records_from_json(value, source, number, limits)
    except InvalidRecord as error:
        yield RecordError(path, number, str(error), numbered=True)
        return
    for record in records:
        record.numbered = True
        yield record


class _Chained:
    """Text already read, then the rest of the stream."""

    def __init__(self, head: str, rest: io.TextIOWrapper) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> str:
        if self._head:
            head, self._head = self._head, ""
            return head
        return self._rest.read(size)


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
