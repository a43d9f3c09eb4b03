"""Export formats without spaCy: Prodigy-style JSONL, doccano JSONL and CoNLL (IOB2), written
atomically from :class:`~core.exports.record.ExportRecord` values that storage streams out.

The ``.spacy`` writer lives in ``nlp.docbin``; the query, filters and summary in
``storage.exporter``; the file format is described in ``docs/export.md``.
"""

from __future__ import annotations

from core.exports.record import ExportRecord, ExportWriter, Written

__all__ = ["ExportRecord", "ExportWriter", "Written"]
