"""Prodigy-shaped JSONL records: fields, token indices, answers, sources, restored keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.documents import Status
from core.exports.prodigy import prodigy_line, prodigy_task, tokens_json
from core.exports.record import ExportRecord
from core.formats import read_file
from core.records import ImportRecord
from core.spans import Span
from core.tokens import MisalignedSpanError

TEXT = 'GM kauft LFP-Zellen von CATL.\n\n"Neu"  ab 2026.'


def flat_tokens(text: str) -> list[int]:
    """Tokens at whitespace and before/after '-', '.', '"': enough for these tests."""
    flat: list[int] = []
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isspace() or ch in '-."':
            if start is not None:
                flat.extend((start, i, int(text[i : i + 1] == " ")))
                start = None
            if ch in '-."':
                flat.extend((i, i + 1, int(text[i + 1 : i + 2] == " ")))
        elif start is None:
            start = i
    return flat


def record(
    spans: list[Span] | None = None,
    status: Status = Status.ACCEPTED,
    meta: dict[str, object] | None = None,
    text: str = TEXT,
) -> ExportRecord:
    return ExportRecord(
        document_id=1,
        text=text,
        token_offsets=flat_tokens(text),
        spans=spans if spans is not None else [Span(0, 2, "ORG"), Span(24, 28, "ORG")],
        status=status,
        annotator="ana",
        session="news-ana",
        timestamp=1_700_000_000,
        meta=meta or {"title": "GM"},
    )


def test_exports_prodigy_fields_and_token_indices() -> None:
    task = prodigy_task(record([Span(0, 2, "ORG"), Span(9, 19, "CHEMISTRY")]))
    assert list(task) == [
        "text", "meta", "_input_hash", "_task_hash", "tokens", "spans", "answer",
        "_annotator_id", "_session_id", "_timestamp",
    ]  # fmt: skip
    assert task["text"] == TEXT
    assert task["meta"] == {"title": "GM"}
    assert task["tokens"][:3] == [
        {"text": "GM", "start": 0, "end": 2, "id": 0, "ws": True},
        {"text": "kauft", "start": 3, "end": 8, "id": 1, "ws": True},
        {"text": "LFP", "start": 9, "end": 12, "id": 2, "ws": False},
    ]
    assert task["spans"] == [
        {"start": 0, "end": 2, "token_start": 0, "token_end": 0, "label": "ORG", "text": "GM"},
        {
            "start": 9,
            "end": 19,
            "token_start": 2,
            "token_end": 4,
            "label": "CHEMISTRY",
            "text": "LFP-Zellen",
        },
    ]
    assert (task["answer"], task["_annotator_id"], task["_session_id"]) == (
        "accept",
        "ana",
        "news-ana",
    )
    assert task["_timestamp"] == 1_700_000_000
    for key in ("_input_hash", "_task_hash"):
        assert -(2**31) <= task[key] < 2**31


def test_exports_prodigy_line_is_one_compact_line() -> None:
    line = prodigy_line(record())
    assert line.endswith("}\n") and line.count("\n") == 1
    assert '"text":"GM kauft' in line  # compact, non-ASCII and quotes as JSON needs them
    assert json.loads(line) == prodigy_task(record())


@pytest.mark.parametrize("count", [0, 1, 3, 600])
def test_exports_prodigy_tokens_json_equals_json_dumps(count: int) -> None:
    text = ' "Q\\\u00e9\u2028\U0001f50b\t\n' * (count // 7 + 1)
    flat = []
    for i in range(count):
        flat.extend((i, i + 1, i % 2))
    expected = [
        {"text": text[i], "start": i, "end": i + 1, "id": i, "ws": bool(i % 2)}
        for i in range(count)
    ]
    serialised = tokens_json(text, flat)
    assert json.loads(serialised) == expected
    assert serialised == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (Status.ACCEPTED, "accept"),
        (Status.REJECTED, "reject"),
        (Status.SKIPPED, "ignore"),
        (Status.OPEN, None),
    ],
)
def test_exports_prodigy_answer_from_status(status: Status, answer: str | None) -> None:
    assert prodigy_task(record(status=status)).get("answer") == answer


def test_exports_prodigy_span_sources_in_prodigy_convention() -> None:
    spans = [
        Span(0, 2, "ORG"),
        Span(9, 12, "CHEMISTRY", "model:de-news@0.3"),
        Span(24, 28, "ORG", "rules:battery-de"),
        Span(41, 45, "DATE", "imported-by-hand"),
    ]
    written = prodigy_task(record(spans))["spans"]
    assert [{k: s[k] for k in ("source", "pattern") if k in s} for s in written] == [
        {},
        {"source": "de-news@0.3"},
        {"source": "battery-de", "pattern": True},
        {"source": "imported-by-hand"},
    ]


def test_exports_prodigy_restores_prodigy_keys_from_meta() -> None:
    meta = {
        "source": "NYT",
        "prodigy": {
            "_view_id": "ner_manual",
            "_input_hash": 1886699658,
            "_timestamp": 1,
            "answer": "reject",
            "options": [1, 2],
        },
    }
    task = prodigy_task(record(meta=meta))
    assert task["meta"] == {"source": "NYT"}
    assert task["_view_id"] == "ner_manual"
    assert task["options"] == [1, 2]
    assert task["answer"] == "accept"  # computed keys are never taken from meta
    assert task["_input_hash"] != 1886699658
    assert task["_timestamp"] == 1_700_000_000


def test_exports_prodigy_manual_view_left_out_for_model_spans() -> None:
    meta = {"prodigy": {"_view_id": "ner_manual"}}
    mixed = record([Span(0, 2, "ORG"), Span(24, 28, "ORG", "model:x")], meta=meta)
    assert "_view_id" not in prodigy_task(mixed)
    assert prodigy_task(record(meta=meta))["_view_id"] == "ner_manual"


def test_exports_prodigy_meta_prodigy_that_is_no_object_stays_in_meta() -> None:
    task = prodigy_task(record(meta={"prodigy": "yes"}))
    assert task["meta"] == {"prodigy": "yes"}


def test_exports_prodigy_misaligned_span_raises() -> None:
    with pytest.raises(MisalignedSpanError):
        prodigy_line(record([Span(1, 2, "ORG")]))


def read_back(tmp_path: Path, line: str) -> ImportRecord:
    path = tmp_path / "task.jsonl"
    path.write_text(line, encoding="utf-8")
    [item] = list(read_file(path))
    assert isinstance(item, ImportRecord), item
    return item


def test_exports_prodigy_line_reads_back_as_the_same_record(tmp_path: Path) -> None:
    spans = [
        Span(0, 2, "ORG"),
        Span(9, 19, "CHEMISTRY", "model:de-news@0.3"),
        Span(24, 28, "ORG", "rules:battery-de"),
    ]
    original = record(spans, status=Status.REJECTED, meta={"k": [1], "prodigy": {"x": 1}})
    back = read_back(tmp_path, prodigy_line(original))
    assert back.text == TEXT
    assert back.spans == spans
    assert back.tokens == original.tokens()
    assert (back.answer, back.annotator, back.session) == ("reject", "ana", "news-ana")
    assert back.meta["k"] == [1]
    assert back.meta["prodigy"]["x"] == 1
