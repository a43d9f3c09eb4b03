"""Label Studio tasks from export records: the JSON array Label Studio imports (and exports).

One task per exported version: ``{"data": {"text"}, "meta": {…}, "annotations": [{"result":
[…], "completed_by": {"email": <annotator>}, "was_cancelled": …}]}``. Each span is a
``labels`` result on ``label``/``text`` (the names of Label Studio's NER template) with its
offsets in UTF-16 code units, as Label Studio counts them, and its covered ``text``. A skipped
version is a cancelled annotation; ``kathode_status`` keeps the status (Label Studio ignores
the key, Kathode's importer reads it back), so a round trip keeps spans, people and answers.
The document's cached suggestions are the task's ``predictions``, one per suggester, its
name the ``model_version`` (an imported ``label-studio:<model>`` source gives back
``<model>``), so they come back as the same suggestions and never as anyone's annotation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from core.exports.record import ExportRecord
from core.offsets import OffsetMap
from core.records import LABEL_STUDIO_SOURCE
from core.spans import Span

FROM_NAME, TO_NAME = "label", "text"


def _results(
    record: ExportRecord, spans: Sequence[Span], offsets: OffsetMap, key: str
) -> list[Any]:
    return [
        {
            "id": f"{record.document_id}-{key}{index}",
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {
                "start": offsets.to_qt(span.start),
                "end": offsets.to_qt(span.end),
                "text": span.text_in(record.text),
                "labels": [span.label],
            },
        }
        for index, span in enumerate(spans)
    ]


def model_version(suggester: str) -> str:
    """The ``model_version`` a suggester's predictions go out under: the name, or for
    suggestions imported from Label Studio the model they came from."""
    prefix = f"{LABEL_STUDIO_SOURCE}:"
    return suggester[len(prefix) :] if suggester.startswith(prefix) else suggester


def label_studio_task(record: ExportRecord) -> dict[str, Any]:
    offsets = OffsetMap(record.text)
    annotation = {
        "result": _results(record, record.spans, offsets, ""),
        "completed_by": {"email": record.annotator},
        "was_cancelled": record.status.value == "skipped",
        "kathode_status": record.status.value,
    }
    task: dict[str, Any] = {"data": {"text": record.text}, "annotations": [annotation]}
    if record.predictions:
        task["predictions"] = [
            {
                "model_version": model_version(suggester),
                "result": _results(record, spans, offsets, f"p{number}-"),
            }
            for number, (suggester, spans) in enumerate(sorted(record.predictions.items()))
        ]
    if record.meta:
        task["meta"] = dict(record.meta)
    return task


def label_studio_item(record: ExportRecord) -> str:
    """One task as a JSON text, for the array writer."""
    return json.dumps(label_studio_task(record), ensure_ascii=False, separators=(",", ":"))
