"""doccano sequence-labeling JSONL from export records: ``{"text", "label": [[start, end,
label], …], …meta}``, one line per annotation.

The document's meta keys go to the top level, as doccano writes them. A meta key that doccano
or Prodigy would read as one of its own (``id``, ``label``, ``spans``, ``answer``, ``meta``…)
goes into a nested ``"meta"`` object instead, which Kathode's importer merges back, so meta
survives a round trip whatever its keys. The format carries neither annotator nor answer.
"""

from __future__ import annotations

import json
from typing import Any

from core.exports.record import ExportRecord

NESTED_KEYS = frozenset(
    {
        # doccano's own keys
        "id", "text", "label", "labels", "entities", "relations", "annotations",
        "annotation_approver", "meta",
        # keys that make Kathode's reader take the line for a Prodigy task
        "spans", "tokens", "answer", "_annotator_id", "_session_id", "_view_id", "_input_hash",
    }
)  # fmt: skip


def doccano_task(record: ExportRecord) -> dict[str, Any]:
    task: dict[str, Any] = {
        "text": record.text,
        "label": [[span.start, span.end, span.label] for span in record.spans],
    }
    nested: dict[str, Any] = {}
    for key, value in record.meta.items():
        if key in NESTED_KEYS:
            nested[key] = value
        else:
            task[key] = value
    if nested:
        task["meta"] = nested
    return task


def doccano_line(record: ExportRecord) -> str:
    return json.dumps(doccano_task(record), ensure_ascii=False, separators=(",", ":")) + "\n"
