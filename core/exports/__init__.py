"""Export formats without spaCy: Prodigy-style JSONL, doccano JSONL, CoNLL (IOB2) and Label
Studio's JSON tasks, written
atomically from :class:`~core.exports.record.ExportRecord` values that storage streams out.

The ``.spacy`` writer lives in ``nlp.docbin``; the query, filters and summary in
``storage.exporter``; the file format is described in ``docs/export.md``.
"""

from __future__ import annotations

from typing import Literal, get_args

from core.exports.record import ExportRecord, ExportWriter, Written

__all__ = ["FORMATS", "ExportRecord", "ExportWriter", "Format", "Written"]

Format = Literal["jsonl", "doccano", "spacy", "conll", "label-studio"]
FORMATS: tuple[Format, ...] = get_args(Format)
"""The export formats, as the CLI's ``--format`` and the export dialog name them."""
