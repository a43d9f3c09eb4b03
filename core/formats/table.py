"""The table reader (``.csv``, and ``.tsv`` when a text column is named): one row, one document.

The header row names the columns; the text column (``--text-column``, ``text`` by default)
becomes the text and the meta columns (``--meta-columns``, by default every other column)
become meta, as doccano and Label Studio read such files. A missing column is one error for
the file, naming the columns it has; a row with too few or too many fields, or an empty text,
is a ``RecordError`` naming its line, and reading goes on. Quoted fields may span lines; a
record's line is the line it starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from core.formats._io import FileProblem, Limits, ReadOptions, open_text
from core.records import ImportRecord, RecordError

DEFAULT_TEXT_COLUMN = "text"


def read_table(
    path: Path, limits: Limits, options: ReadOptions, delimiter: str
) -> Iterator[ImportRecord | RecordError]:
    text_column = options.text_column or DEFAULT_TEXT_COLUMN
    csv.field_size_limit(max(limits.max_text_chars, limits.max_line_chars) + 1)
    with open_text(path, limits, newline="") as handle:
        rows = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(rows, None)
        except csv.Error as error:
            raise FileProblem(f"cannot read the header row: {error}", 1) from None
        if header is None:
            return
        names = [name.strip() for name in header]
        columns = {name: index for index, name in enumerate(names) if name}
        wanted = [text_column, *(options.meta_columns or ())]
        missing = [name for name in wanted if name not in columns]
        if missing:
            have = ", ".join(repr(name) for name in names) or "none"
            raise FileProblem(
                f"no column {', '.join(repr(m) for m in missing)} in the header row; the "
                f"file has {have} (choose the text with --text-column NAME)",
                1,
            )
        text_at = columns[text_column]
        meta_at = (
            [(name, columns[name]) for name in options.meta_columns]
            if options.meta_columns is not None
            else [(name, i) for name, i in columns.items() if name != text_column]
        )
        source = str(path)
        line = rows.line_num + 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                yield RecordError(path, line, f"cannot read the row: {error}")
                line = rows.line_num + 1
                continue
            start, line = line, rows.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                yield RecordError(
                    path,
                    start,
                    f"the row has {len(row)} fields, the header {len(header)} "
                    f"(a {_name(delimiter)} inside a field must be quoted)",
                )
                continue
            text = row[text_at]
            if not text.strip():
                yield RecordError(path, start, f"column {text_column!r} is empty")
                continue
            if len(text) > limits.max_text_chars:
                yield RecordError(
                    path,
                    start,
                    f"text too long: {len(text):,} characters; the limit is "
                    f"{limits.max_text_chars:,}",
                )
                continue
            meta = {name: row[i] for name, i in meta_at}
            yield ImportRecord(text=text, source=source, line=start, meta=meta)


def _name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)
