"""The JSONL, JSON-array and CoNLL writers: each record is written as it comes, into an
atomic file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.exports.atomic import AtomicFile, commit_all
from core.exports.conll import conll_block
from core.exports.record import ExportRecord, Written


class LinesWriter:
    """One line per record (JSONL), produced by ``to_line``; all spans are written."""

    def __init__(self, path: Path, to_line: Callable[[ExportRecord], str]) -> None:
        self._file = AtomicFile(path)
        self._to_line = to_line

    def add(self, record: ExportRecord) -> Written:
        self._file.write(self._to_line(record))
        return Written(len(record.spans))

    def commit(self) -> list[Path]:
        return commit_all([self._file])

    def abort(self) -> None:
        self._file.discard()


class JsonArrayWriter:
    """A JSON array, one item per record (``to_item`` gives its JSON text), streamed: the
    brackets and commas are written around the items, never the whole array at once."""

    def __init__(self, path: Path, to_item: Callable[[ExportRecord], str]) -> None:
        self._file = AtomicFile(path)
        self._to_item = to_item
        self._file.write("[")
        self._first = True

    def add(self, record: ExportRecord) -> Written:
        self._file.write(("\n" if self._first else ",\n") + self._to_item(record))
        self._first = False
        return Written(len(record.spans))

    def commit(self) -> list[Path]:
        self._file.write("\n]\n")
        return commit_all([self._file])

    def abort(self) -> None:
        self._file.discard()


class ConllWriter:
    """IOB2 lines per record; overlapping spans and whitespace tokens are reported."""

    def __init__(self, path: Path, *, sentences: bool = False) -> None:
        self._file = AtomicFile(path)
        self._sentences = sentences

    def add(self, record: ExportRecord) -> Written:
        block, written = conll_block(record, sentences=self._sentences)
        self._file.write(block)
        return written

    def commit(self) -> list[Path]:
        return commit_all([self._file])

    def abort(self) -> None:
        self._file.discard()
