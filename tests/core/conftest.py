"""Helpers for the format-reader tests: write a file, read it back as records and errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.formats import DEFAULT_LIMITS, Limits, ReadOptions, read_file
from core.records import ImportRecord, RecordError

Writer = Callable[[str, str | bytes], Path]


@dataclass
class ReadResult:
    records: list[ImportRecord]
    errors: list[RecordError]


def read_all(
    path: Path, limits: Limits = DEFAULT_LIMITS, options: ReadOptions | None = None
) -> ReadResult:
    result = ReadResult([], [])
    for item in read_file(path, limits, options or ReadOptions()):
        if isinstance(item, RecordError):
            result.errors.append(item)
        else:
            result.records.append(item)
    return result


def labelled(record: ImportRecord) -> list[tuple[str, str]]:
    """The record's spans as (label, covered text), in order."""
    return [(span.label, span.text_in(record.text)) for span in record.spans or []]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Write ``content`` (text as UTF-8, or raw bytes) to ``tmp_path / name``."""

    def write_file(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write_file
