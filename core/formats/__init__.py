"""File readers for import: ``.txt``, Markdown, HTML, JSONL and ``.json`` arrays (plain,
Prodigy, doccano, Label Studio), CSV/TSV tables with a text column and CoNLL/IOB files become
:class:`~core.records.ImportRecord` objects.

``read_file`` never raises for bad input: a record that cannot be imported is yielded as a
:class:`~core.records.RecordError` naming file and line, and reading goes on with the next one;
a whole-file problem (too big, not UTF-8, unknown suffix, empty, front matter too big or too
deep, even a reader's own failure) is one ``RecordError``, so it costs that file alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from core.formats._io import FileProblem, Limits, ReadOptions
from core.formats.conll import read_conll
from core.formats.html import read_html
from core.formats.json_array import read_json
from core.formats.jsonl import read_jsonl
from core.formats.markdown import read_markdown
from core.formats.table import read_table
from core.formats.text import read_txt
from core.records import ImportRecord, RecordError

__all__ = [
    "DEFAULT_LIMITS",
    "DOCUMENT_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "Limits",
    "ReadOptions",
    "read_file",
]

Reader = Callable[[Path, Limits], Iterator[ImportRecord | RecordError]]

_READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".json": read_json,
    ".csv": read_conll,  # replaced by the table reader in read_file
    ".conll": read_conll,
    ".iob": read_conll,
    ".tsv": read_conll,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)
"""File suffixes ``read_file`` reads (compared in lower case)."""

DOCUMENT_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
"""Suffixes of files that hold one document each (the others hold a stream of records)."""

NO_OPTIONS = ReadOptions()

DEFAULT_LIMITS = Limits()

log = logging.getLogger(__name__)


def read_file(
    path: Path, limits: Limits = DEFAULT_LIMITS, options: ReadOptions = NO_OPTIONS
) -> Iterator[ImportRecord | RecordError]:
    """The records of one file, in file order, each bad record as a ``RecordError``.

    Every ``ImportRecord`` has ``source == str(path)`` and ``line`` = the 1-based line where the
    record starts (1 for the one-document formats, the record's number in a ``.json`` array).
    A ``.csv`` file, and a ``.tsv`` file when ``options`` names a text column, is a table.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if suffix == ".csv" or (suffix == ".tsv" and options.text_column is not None):
        delimiter = "," if suffix == ".csv" else "\t"

        def reader(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
            return read_table(path, limits, options, delimiter)

    if reader is None:
        suffix = path.suffix or "(no suffix)"
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        yield RecordError(path, None, f"unsupported file type {suffix!r}; Kathode reads {kinds}")
        return
    produced = False
    try:
        for item in reader(path, limits):
            produced = True
            yield item
    except FileProblem as problem:
        yield RecordError(path, problem.line, problem.message)
        return
    except OSError as error:
        yield RecordError(path, None, f"cannot read the file: {error.strerror or error}")
        return
    except RecursionError:
        yield RecordError(path, None, "the file is nested too deeply to read")
        return
    except Exception as error:  # a reader's bug must cost this file alone, not the folder
        log.exception("reading %s failed", path)
        yield RecordError(path, None, f"cannot read the file: {type(error).__name__}: {error}")
        return
    if not produced:
        yield RecordError(path, None, "empty file")
