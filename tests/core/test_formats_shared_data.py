"""The readers over the real files in ../shared/data, with counts determined once and pinned."""

from __future__ import annotations

from collections import Counter

import pytest

from core.records import ImportRecord
from tests.conftest import shared_data
from tests.core.conftest import labelled, read_all


def assert_spans_fit(records: list[ImportRecord]) -> None:
    for record in records:
        for span in record.spans or []:
            assert 0 <= span.start < span.end <= len(record.text)
            assert span.text_in(record.text).strip()
        if record.tokens:
            for token in record.tokens:
                assert record.text[token.start : token.end] == token.text


def test_formats_shared_prodigy_news_headlines() -> None:
    result = read_all(shared_data("prodigy", "news_headlines_ner.jsonl"))
    assert result.errors == []
    records = result.records
    assert len(records) == 373
    assert sum(len(r.spans or []) for r in records) == 303
    assert Counter(len(r.spans or []) for r in records) == {0: 152, 1: 145, 2: 70, 3: 6}
    assert all(r.spans is not None and r.tokens for r in records)
    assert sum(len(r.tokens or []) for r in records) == 3370
    assert Counter(r.answer for r in records) == {"accept": 372, "ignore": 1}
    assert {s.source for r in records for s in r.spans or []} == {"manual"}
    assert Counter(s.label for r in records for s in r.spans or []) == {
        "ORG": 136,
        "LOCATION": 121,
        "PERSON": 38,
        "PRODUCT": 8,
    }
    assert [r.line for r in records] == list(range(1, 374))
    assert labelled(records[0]) == [("ORG", "Uber"), ("LOCATION", "Silicon Valley")]
    assert records[0].meta["source"] == "The New York Times"
    assert records[0].meta["prodigy"]["_view_id"] == "ner_manual"
    assert_spans_fit(records)


def test_formats_shared_prodigy_reddit_binary() -> None:
    result = read_all(shared_data("prodigy", "reddit_product_binary.jsonl"))
    assert result.errors == []
    records = result.records
    assert len(records) == 1800
    # 1,827 spans in the file; one record repeats a span exactly, which is collapsed.
    assert sum(len(r.spans or []) for r in records) == 1826
    assert Counter(r.answer for r in records) == {"reject": 1276, "accept": 438, "ignore": 86}
    assert {s.source for r in records for s in r.spans or []} == {"model:core_web_sm"}
    assert all(r.tokens is None for r in records)
    assert_spans_fit(records)


def test_formats_shared_doccano_jsonl_files() -> None:
    export = read_all(shared_data("doccano", "export_example.jsonl"))
    assert (len(export.records), len(export.errors)) == (3, 0)
    assert sum(len(r.spans or []) for r in export.records) == 4
    assert labelled(export.records[0]) == [("ORG", "EU"), ("MISC", "German")]

    imported = read_all(shared_data("doccano", "import_example.jsonl"))
    assert [(r.text, r.meta, len(r.spans or [])) for r in imported.records] == [
        ("exampleA", {"wikiPageID": 1}, 1),
        ("exampleB", {"wikiPageID": 2}, 0),
    ]
    [missing] = imported.errors
    assert (missing.line, missing.message) == (3, "missing 'text'")

    overlapping = read_all(shared_data("doccano", "import_example_overlapping.jsonl"))
    assert overlapping.errors == []
    [record] = overlapping.records
    assert labelled(record) == [("LOC", "e")]


def test_formats_shared_doccano_v1_export() -> None:
    result = read_all(shared_data("doccano", "v1_export.jsonl"))
    assert result.errors == []
    summary = [(r.line, r.annotator, len(r.spans or [])) for r in result.records]
    assert summary == [(1, "doccano-user-1", 5), (1, "doccano-user-2", 5), (2, "doccano-user-2", 6)]
    assert labelled(result.records[2])[:2] == [("14", "RUGBY UNION"), ("13", "CUTTITTA")]
    assert_spans_fit(result.records)


def test_formats_shared_doccano_pretty_printed_relation_export() -> None:
    result = read_all(shared_data("doccano", "export_relation_example.jsonl"))
    assert result.records == []
    [error] = result.errors
    assert error.line == 1
    assert "pretty-printed JSON object" in error.message


def test_formats_shared_doccano_conll_files() -> None:
    example = read_all(shared_data("doccano", "import_example.conll"))
    assert example.errors == []
    assert [(r.text, labelled(r)) for r in example.records] == [
        ("JAPAN GET", [("LOC", "JAPAN")]),
        ("Nadim Ladki", [("PER", "Nadim Ladki")]),
    ]

    invalid = read_all(shared_data("doccano", "import_labeling.invalid.conll"))
    [error] = invalid.errors
    assert error.line == 1
    assert "'SOCCERO'" in error.message
    assert [(r.line, r.text) for r in invalid.records] == [
        (14, "Nadim Ladki"),
        (17, "AL-AIN , United Arab Emirates 1996-12-06"),
    ]

    trailing = read_all(shared_data("doccano", "import_labeling.trailing.conll"))
    assert trailing.errors == []
    [record] = trailing.records
    assert labelled(record) == [("LOC", "JAPAN"), ("PER", "CHINA")]


@pytest.mark.parametrize("name", ["NER-de-dev.tsv", "NER-de-dev.softhyphen.tsv"])
def test_formats_shared_germeval_dev(name: str) -> None:
    result = read_all(shared_data("germeval2014", name))
    assert result.errors == []
    records = result.records
    assert len(records) == 2200
    assert sum(len(r.spans or []) for r in records) == 2674
    assert all(r.meta.get("comment") for r in records)
    first = records[0]
    assert first.meta["source_url"] == "http://www.heise.de/tp/r4/artikel/32/32883/1.html"
    assert labelled(first) == [("OTH", "Ecce homo"), ("PER", "Jesu")]
    assert_spans_fit(records)


def test_formats_shared_germeval_softhyphen_characters_survive() -> None:
    records = read_all(shared_data("germeval2014", "NER-de-dev.softhyphen.tsv")).records
    assert sum("\u00ad" in r.text for r in records) == 3
    assert [(r.line, t.text) for r in records for t in r.tokens or [] if "\u0096" in t.text] == [
        (24116, "\u0096")
    ]


def test_formats_shared_germeval_train_csv_layout() -> None:
    result = read_all(shared_data("germeval2014", "train-outer.tsv"))
    # Two rows of the file are an empty sentence ("\t"): read as blank lines, not documents.
    assert result.errors == []
    assert len(result.records) == 23_999
    assert sum(len(r.tokens or []) for r in result.records) == 452_790
    assert sum(len(r.spans or []) for r in result.records) == 29_076
    assert labelled(result.records[0]) == [
        ("PER", "Schartau"),
        ("ORG", "Tagesspiegel"),
        ("PER", "Fischer"),
    ]


def test_formats_shared_battery_news_markdown() -> None:
    folder = shared_data("battery-news-en")
    paths = sorted(folder.glob("*.md"))
    assert len(paths) == 169
    for path in paths:
        result = read_all(path)
        assert result.errors == [], path.name
        [record] = result.records
        assert record.meta["title"], path.name
        assert "{{<" not in record.text, path.name
        assert "](http" not in record.text, path.name  # link targets are dropped
        assert "\n\n\n" not in record.text, path.name
        assert record.text == record.text.strip(), path.name
