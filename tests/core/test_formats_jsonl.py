"""The JSONL reader: plain, Prodigy and doccano records; every bad line reported, good ones kept."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.spans import Span, Token
from tests.core.conftest import Writer, labelled, read_all


def jsonl(*records: Any) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


# --- plain records ---------------------------------------------------------------------------


def test_formats_jsonl_plain_records(write: Writer) -> None:
    content = jsonl(
        {"text": "CATL baut in Erfurt.", "meta": {"source": "dpa"}, "id": 7},
        {"text": "Zweiter Text"},
    )
    result = read_all(write("plain.jsonl", content))
    assert result.errors == []
    first, second = result.records
    assert (first.text, first.line, first.meta, first.spans) == (
        "CATL baut in Erfurt.",
        1,
        {"source": "dpa", "id": 7},
        None,
    )
    assert (second.meta, second.spans, second.annotator, second.answer) == ({}, None, None, None)


def test_formats_jsonl_bad_json_line_among_good_ones(write: Writer) -> None:
    content = '{"text": "one"}\n{"text": "two",}\n\n{"text": "three"}\n'
    result = read_all(write("mixed.jsonl", content))
    assert [(r.text, r.line) for r in result.records] == [("one", 1), ("three", 4)]
    [error] = result.errors
    assert error.line == 2
    assert error.message == (
        "invalid JSON: Expecting property name enclosed in double quotes (column 16)"
    )
    assert str(error).endswith("mixed.jsonl:2: " + error.message)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"just a string"', "expected a JSON object, got a string"),
        ('[{"text": "a"}]', "expected a JSON object, got an array (a JSON array file?"),
        ('{"meta": {"id": 1}}', "missing 'text'"),
        ('{"text": 42}', "'text' must be a string, got a number"),
        ('{"text": " \\n "}', "'text' is empty"),
        ('{"text": "abc", "meta": []}', "'meta' must be an object, got an array"),
        ('{"text": "abc", "label": [[0, 9, "ORG"]]}', "label[0]: [0, 9) lies outside the text"),
        ('{"text": "abc", "label": [[-1, 2, "ORG"]]}', "label[0]: [-1, 2) lies outside"),
        ('{"text": "abc", "label": [[2, 2, "ORG"]]}', "label[0]: start 2 is not before end 2"),
        ('{"text": "abc", "label": [[2, 1, "ORG"]]}', "label[0]: start 2 is not before end 1"),
        ('{"text": "abc", "label": [["0", 1, "ORG"]]}', "label[0]: offsets must be integers"),
        ('{"text": "abc", "label": [[0.0, 1, "ORG"]]}', "label[0]: offsets must be integers"),
        ('{"text": "abc", "label": [[false, 1, "ORG"]]}', "label[0]: offsets must be integers"),
        ('{"text": "abc", "label": [[0, 1, 5]]}', "label[0]: label must be a non-empty string"),
        ('{"text": "abc", "label": [[0, 1, ""]]}', "label[0]: label must be a non-empty string"),
        ('{"text": "abc", "label": [[0, 1]]}', "label[0]: expected [start, end, label]"),
        ('{"text": "abc", "label": ["positive"]}', "label[0]: 'positive' is a class label"),
        ('{"text": "abc", "spans": [{"start": 0, "end": 7, "label": "X"}]}', "spans[0]: [0, 7)"),
        ('{"text": "abc", "spans": {"start": 0}}', "'spans' must be an array, got an object"),
        ('{"text": "abc", "answer": "maybe"}', "'answer' must be accept, reject or ignore"),
        ('{"text": "1", "n": 1' + "0" * 5000 + "}", "invalid JSON: Exceeds the limit"),
    ],
)
def test_formats_jsonl_bad_record_is_reported(write: Writer, line: str, message: str) -> None:
    result = read_all(write("bad.jsonl", f'{{"text": "fine"}}\n{line}\n'))
    assert [r.text for r in result.records] == ["fine"]
    [error] = result.errors
    assert error.line == 2
    assert error.message.startswith(message), error.message


def test_formats_jsonl_exact_duplicate_span_is_collapsed(write: Writer) -> None:
    content = jsonl({"text": "LG Chem", "label": [[0, 7, "ORG"], [0, 2, "ORG"], [0, 7, "ORG"]]})
    [record] = read_all(write("dup.jsonl", content)).records
    assert record.spans == [Span(0, 2, "ORG"), Span(0, 7, "ORG")]


def test_formats_jsonl_overlapping_spans_with_other_labels_are_kept(write: Writer) -> None:
    content = jsonl({"text": "LG Chem", "label": [[0, 7, "ORG"], [0, 7, "COMPANY"]]})
    [record] = read_all(write("overlap.jsonl", content)).records
    assert labelled(record) == [("COMPANY", "LG Chem"), ("ORG", "LG Chem")]


# --- pretty-printed JSON -----------------------------------------------------------------------


def test_formats_jsonl_pretty_printed_object_is_named_as_such(write: Writer) -> None:
    pretty = json.dumps({"text": "Google", "entities": [{"start_offset": 0}]}, indent=4)
    path = write("pretty.jsonl", pretty + "\n" + '{"text": "next"}\n')
    result = read_all(path)
    assert [(r.text, r.line) for r in result.records] == [("next", 9)]
    [error] = result.errors
    assert error.line == 1
    assert "lines 1-8 are one pretty-printed JSON object" in error.message
    assert "JSONL needs one object per line" in error.message
    assert "jq -c . pretty.jsonl" in error.message


def test_formats_jsonl_broken_pretty_printing_is_reported_line_by_line(write: Writer) -> None:
    content = '{\n    "text": "a",\n    "oops"\n}\n'
    result = read_all(write("broken.jsonl", content))
    assert result.records == []
    assert [e.line for e in result.errors] == [1, 2, 3, 4]
    assert all("is this pretty-printed JSON?" in e.message for e in result.errors)


# --- Prodigy -----------------------------------------------------------------------------------

PRODIGY_MANUAL = {
    "text": "GM buys LFP cells",
    "meta": {"source": "Reuters"},
    "_input_hash": 11,
    "_task_hash": 22,
    "tokens": [
        {"text": "GM", "start": 0, "end": 2, "id": 0},
        {"text": "buys", "start": 3, "end": 7, "id": 1, "ws": True},
        {"text": "LFP", "start": 8, "end": 11, "id": 2},
        {"text": "cells", "start": 12, "end": 17, "id": 3, "ws": False},
    ],
    "spans": [
        {"start": 0, "end": 2, "token_start": 0, "token_end": 0, "label": "ORG"},
        {"start": 8, "end": 11, "label": "CHEM", "source": "en_core_web_sm"},
    ],
    "_view_id": "ner_manual",
    "_annotator_id": "battery-ner-anna",
    "_session_id": "battery-ner-anna",
    "answer": "accept",
    "_timestamp": 1700000000,
}


def test_formats_jsonl_prodigy_ner_manual(write: Writer) -> None:
    path = write("prodigy.jsonl", jsonl(PRODIGY_MANUAL))
    [record] = read_all(path).records
    assert record.tokens == [
        Token("GM", 0, 2, True),
        Token("buys", 3, 7, True),
        Token("LFP", 8, 11, True),
        Token("cells", 12, 17, False),
    ]
    assert record.spans == [Span(0, 2, "ORG", "manual"), Span(8, 11, "CHEM", "manual")]
    assert (record.annotator, record.session, record.answer) == (
        "battery-ner-anna",
        "battery-ner-anna",
        "accept",
    )
    assert record.meta == {
        "source": "Reuters",
        "prodigy": {
            "_input_hash": 11,
            "_task_hash": 22,
            "_view_id": "ner_manual",
            "_timestamp": 1700000000,
        },
    }


def test_formats_jsonl_prodigy_token_ws_is_derived(write: Writer) -> None:
    record_in = {
        "text": "Zelle, fertig. ",
        "tokens": [
            {"text": "Zelle", "start": 0, "end": 5},
            {"text": ",", "start": 5, "end": 6},
            {"text": "fertig", "start": 7, "end": 13},
            {"text": ".", "start": 13, "end": 14},
        ],
        "answer": "accept",
    }
    [record] = read_all(write("ws.jsonl", jsonl(record_in))).records
    assert [t.ws for t in record.tokens or []] == [False, True, False, True]


def test_formats_jsonl_prodigy_answer_without_spans_marks_nothing(write: Writer) -> None:
    content = jsonl({"text": "Nothing here", "answer": "accept", "_input_hash": 1})
    [record] = read_all(write("empty.jsonl", content)).records
    assert record.spans == []
    assert record.answer == "accept"


def test_formats_jsonl_prodigy_without_spans_or_answer_is_plain(write: Writer) -> None:
    content = jsonl({"text": "Unannotated", "_input_hash": 1, "_task_hash": 2})
    [record] = read_all(write("source.jsonl", content)).records
    assert record.spans is None
    assert record.meta == {"prodigy": {"_input_hash": 1, "_task_hash": 2}}


def test_formats_jsonl_prodigy_binary_spans_keep_their_model(write: Writer) -> None:
    content = jsonl(
        {
            "text": "I love my Kindle and Echo",
            "spans": [
                {"start": 10, "end": 16, "label": "PRODUCT", "source": "core_web_sm", "score": 0.9},
                {"start": 21, "end": 25, "label": "PRODUCT", "source": "gadgets", "pattern": 3},
                {"start": 0, "end": 1, "label": "PRODUCT"},
            ],
            "answer": "reject",
        }
    )
    [record] = read_all(write("binary.jsonl", content)).records
    assert record.spans == [
        Span(0, 1, "PRODUCT", "manual"),
        Span(10, 16, "PRODUCT", "model:core_web_sm"),
        Span(21, 25, "PRODUCT", "rules:gadgets"),
    ]
    assert record.answer == "reject"
    assert record.tokens is None


def test_formats_jsonl_prodigy_misaligned_span_is_reported(write: Writer) -> None:
    bad = dict(PRODIGY_MANUAL, spans=[{"start": 0, "end": 5, "label": "ORG"}])
    [error] = read_all(write("misaligned.jsonl", jsonl(bad))).errors
    assert error.line == 1
    assert error.message == "span [0, 5) 'GM bu' (ORG) does not align with the record's tokens"


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ([{"text": "GX", "start": 0, "end": 2}], "tokens[0]: 'GX' differs from the text"),
        ([{"text": "GM", "start": 0, "end": 99}], "tokens[0]: [0, 99) is empty, outside"),
        ([{"start": 3, "end": 7}, {"start": 0, "end": 2}], "tokens[1]: [0, 2) is empty"),
        ([{"start": "0", "end": 2}], "tokens[0]: offsets must be integers"),
        (["GM"], "tokens[0]: expected an object, got a string"),
        ({"GM": 1}, "'tokens' must be an array, got an object"),
    ],
)
def test_formats_jsonl_prodigy_bad_tokens_are_reported(
    write: Writer, tokens: object, message: str
) -> None:
    bad = {"text": "GM buys", "tokens": tokens, "answer": "accept"}
    [error] = read_all(write("tokens.jsonl", jsonl(bad))).errors
    assert error.message.startswith(message), error.message


# --- doccano -----------------------------------------------------------------------------------


def test_formats_jsonl_doccano_label_entities_and_meta(write: Writer) -> None:
    content = jsonl(
        {"id": 3, "text": "BYD Blade", "label": [[0, 3, "ORG"]], "meta": {"a": 1}, "url": "u"},
        {"text": "BYD Blade", "labels": [[4, 9, "PRODUCT"]]},
        {
            "id": 9,
            "text": "Google was founded",
            "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}],
            "relations": [{"id": 0, "from_id": 0, "to_id": 0, "type": "self"}],
            "meta": {"url": "from meta"},
            "url": "top level",
        },
        {"text": "nothing marked", "label": []},
    )
    result = read_all(write("doccano.jsonl", content))
    assert result.errors == []
    first, second, third, fourth = result.records
    assert labelled(first) == [("ORG", "BYD")]
    assert first.meta == {"a": 1, "url": "u"}
    assert labelled(second) == [("PRODUCT", "Blade")]
    assert labelled(third) == [("ORG", "Google")]
    assert third.meta == {"url": "from meta"}
    assert fourth.spans == []
    assert {r.annotator for r in result.records} == {None}
    assert {s.source for r in result.records for s in r.spans or []} == {"manual"}


def test_formats_jsonl_doccano_v1_gives_one_record_per_user(write: Writer) -> None:
    content = jsonl(
        {
            "id": 1,
            "text": "CATL in Erfurt",
            "annotations": [
                {"label": 12, "start_offset": 0, "end_offset": 4, "user": 2},
                {"label": 13, "start_offset": 8, "end_offset": 14, "user": 1},
                {"label": 12, "start_offset": 0, "end_offset": 4, "user": 1},
            ],
            "meta": {"k": "v"},
            "annotation_approver": None,
        },
        {"id": 2, "text": "Not annotated yet", "annotations": [], "meta": {}},
    )
    result = read_all(write("v1.jsonl", content))
    assert result.errors == []
    user2, user1, untouched = result.records
    assert (user2.annotator, labelled(user2), user2.line) == ("doccano-user-2", [("12", "CATL")], 1)
    assert (user1.annotator, user1.line) == ("doccano-user-1", 1)
    assert labelled(user1) == [("12", "CATL"), ("13", "Erfurt")]
    assert user1.meta == user2.meta == {"k": "v"}
    assert user1.meta is not user2.meta
    assert (untouched.annotator, untouched.spans, untouched.line) == (None, None, 2)


def test_formats_jsonl_doccano_v1_classification_is_reported(write: Writer) -> None:
    content = jsonl({"text": "great", "annotations": [{"label": 3, "user": 1}]})
    [error] = read_all(write("v1cls.jsonl", content)).errors
    assert error.message.startswith("annotations[0]: no start_offset/end_offset")
