"""Label Studio tasks: annotations by their author, predictions as suggestions of a source."""

from __future__ import annotations

import json
from typing import Any

from core.spans import Span
from tests.core.conftest import Writer, labelled, read_all


def result(start: int, end: int, text: str, *labels: str) -> dict[str, Any]:
    return {
        "id": "r1",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": list(labels)},
    }


def test_formats_label_studio_annotations_and_predictions(write: Writer) -> None:
    task = {
        "id": 12,
        "data": {"text": "GM kauft Zellen von CATL.", "title": "GM"},
        "meta": {"batch": 3},
        "annotations": [
            {
                "completed_by": {"id": 1, "email": "ana@example.org"},
                "result": [result(0, 2, "GM", "ORG")],
            },
            {"completed_by": 7, "was_cancelled": True, "result": []},
            {
                "completed_by": 2,
                "result": [result(20, 24, "CATL", "ORG"), {"type": "choices", "value": {}}],
            },
        ],
        "predictions": [
            {"model_version": "ner-v2", "score": 0.4, "result": [result(20, 24, "CATL", "ORG")]}
        ],
    }
    records = read_all(write("ls.json", json.dumps([task]))).records
    ana, cancelled, user2 = records
    assert (ana.annotator, ana.answer, labelled(ana)) == ("ana@example.org", None, [("ORG", "GM")])
    assert (cancelled.annotator, cancelled.answer, cancelled.spans) == (
        "label-studio-user-7",
        "ignore",
        [],
    )
    assert (user2.annotator, labelled(user2)) == ("label-studio-user-2", [("ORG", "CATL")])
    assert ana.meta == {"title": "GM", "batch": 3}
    assert ana.suggestions == {"label-studio:ner-v2": [Span(20, 24, "ORG", "label-studio:ner-v2")]}
    assert cancelled.suggestions == {} and user2.suggestions == {}


def test_formats_label_studio_utf16_offsets_and_bad_results(write: Writer) -> None:
    text = "🔋 CATL baut."
    # Label Studio counts the battery emoji as two positions: CATL is [3, 7) there.
    good = {
        "data": {"text": text},
        "annotations": [{"completed_by": 1, "result": [result(3, 7, "CATL", "ORG")]}],
    }
    wrong = {
        "data": {"text": text},
        "annotations": [{"completed_by": 1, "result": [result(0, 4, "CATL", "ORG")]}],
    }
    notext = {"data": {"html": "<p>x</p>"}}
    read = read_all(
        write("ls.jsonl", "\n".join(json.dumps(t) for t in (good, wrong, notext)) + "\n")
    )
    [record] = read.records
    assert record.spans == [Span(2, 6, "ORG")]
    first, second = (str(e) for e in read.errors)
    assert "ls.jsonl:2: annotations[0].result[0]: [0, 4) is '🔋 CA' in the text" in first
    assert "'data' has no 'text'" in second and "'html'" in second


def test_formats_label_studio_import_shape_without_annotations(write: Writer) -> None:
    records = read_all(write("tasks.json", json.dumps([{"data": {"text": "Nur Text."}}]))).records
    assert [(r.text, r.spans, r.annotator) for r in records] == [("Nur Text.", None, None)]
