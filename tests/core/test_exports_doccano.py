"""doccano JSONL records: the label shape, meta at the top level, and reading them back."""

from __future__ import annotations

import json
from pathlib import Path

from core.documents import Status
from core.exports.doccano import doccano_line, doccano_task
from core.exports.record import ExportRecord
from core.formats import read_file
from core.records import ImportRecord
from core.spans import Span

TEXT = "Northvolt liefert Zellen an BMW."


def record(meta: dict[str, object], spans: list[Span] | None = None) -> ExportRecord:
    return ExportRecord(
        document_id=3,
        text=TEXT,
        token_offsets=[0, 9, 1, 10, 17, 1, 18, 24, 1, 25, 27, 1, 28, 31, 0, 31, 32, 0],
        spans=spans if spans is not None else [Span(0, 9, "ORG"), Span(28, 31, "ORG", "model:m")],
        status=Status.ACCEPTED,
        annotator="ana",
        meta=meta,
    )


def test_exports_doccano_label_shape_and_meta_at_top_level() -> None:
    task = doccano_task(record({"source_url": "https://example.org", "n": 2}))
    assert task == {
        "text": TEXT,
        "label": [[0, 9, "ORG"], [28, 31, "ORG"]],
        "source_url": "https://example.org",
        "n": 2,
    }
    assert doccano_line(record({})) == (
        '{"text":"Northvolt liefert Zellen an BMW.","label":[[0,9,"ORG"],[28,31,"ORG"]]}\n'
    )


def test_exports_doccano_keys_a_reader_would_take_for_its_own_go_into_meta() -> None:
    meta = {"id": 7, "label": "x", "spans": [], "answer": "accept", "meta": {"a": 1}, "ok": 1}
    task = doccano_task(record(meta))
    assert task["label"] == [[0, 9, "ORG"], [28, 31, "ORG"]]
    assert task["meta"] == {
        "id": 7,
        "label": "x",
        "spans": [],
        "answer": "accept",
        "meta": {"a": 1},
    }
    assert task["ok"] == 1


def test_exports_doccano_line_reads_back_with_meta_and_spans(tmp_path: Path) -> None:
    meta = {"id": 7, "spans": [1], "answer": "accept", "prodigy": {"_view_id": "ner"}, "ok": 1}
    path = tmp_path / "d.jsonl"
    path.write_text(doccano_line(record(meta)) + doccano_line(record({}, [])), encoding="utf-8")
    first, second = list(read_file(path))
    assert isinstance(first, ImportRecord) and isinstance(second, ImportRecord)
    assert [(s.start, s.end, s.label) for s in first.spans or []] == [
        (0, 9, "ORG"),
        (28, 31, "ORG"),
    ]
    assert first.meta == meta
    assert second.spans == []
    assert json.loads(doccano_line(record({})))["text"] == TEXT
