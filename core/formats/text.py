"""The plain-text reader: a ``.txt`` file is one document, its text exact but for line ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.formats._io import FileProblem, Limits, normalize_newlines, read_text
from core.records import ImportRecord, RecordError


def read_txt(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
    text = normalize_newlines(read_text(path, limits))
    if not text.strip():
        raise FileProblem("empty file")
    yield ImportRecord(text=text, source=str(path), line=1)
