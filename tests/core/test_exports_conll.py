"""CoNLL (IOB2) blocks: tags, skipped whitespace tokens, overlaps, sentences, reading back."""

from __future__ import annotations

import re
from pathlib import Path

from core.documents import Status
from core.exports.conll import conll_block
from core.exports.record import ExportRecord
from core.formats import read_file
from core.records import ImportRecord
from core.spans import Span


def record(text: str, tokens: list[tuple[int, int]], spans: list[Span]) -> ExportRecord:
    flat = [x for start, end in tokens for x in (start, end, int(text[end : end + 1] == " "))]
    return ExportRecord(1, text, flat, spans, Status.ACCEPTED, "ana")


def words(text: str) -> list[tuple[int, int]]:
    """Tokens: the runs of non-whitespace."""
    return [match.span() for match in re.finditer(r"\S+", text)]


def at(text: str, part: str, label: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), label)


def test_exports_conll_iob2_tags_and_closing_blank_line() -> None:
    text = "LG Energy Solution baut in Polen ."
    block, written = conll_block(
        record(text, words(text), [Span(0, 18, "ORG"), Span(27, 32, "LOC")])
    )
    assert block == (
        "LG\tB-ORG\nEnergy\tI-ORG\nSolution\tI-ORG\nbaut\tO\nin\tO\nPolen\tB-LOC\n.\tO\n\n"
    )
    assert (written.spans, written.dropped, written.skipped_tokens) == (2, (), 0)


def test_exports_conll_whitespace_tokens_skipped_and_inner_whitespace_split() -> None:
    text = "CATL \n 10 000 Zellen"
    tokens = [(0, 4), (5, 6), (7, 13), (14, 20)]  # "\n" is a token; "10 000" is one token
    block, written = conll_block(record(text, tokens, [Span(7, 13, "QUANTITY")]))
    assert block == "CATL\tO\n10\tB-QUANTITY\n000\tI-QUANTITY\nZellen\tO\n\n"
    assert written.skipped_tokens == 1


def test_exports_conll_entity_starting_on_a_whitespace_token_begins_at_the_next() -> None:
    text = "a \n b c"
    tokens = [(0, 1), (2, 3), (4, 5), (6, 7)]
    block, _ = conll_block(record(text, tokens, [Span(2, 5, "X")]))
    assert block == "a\tO\nb\tB-X\nc\tO\n\n"


def test_exports_conll_overlaps_resolved_longest_first_and_reported() -> None:
    text = "Contemporary Amperex Technology baut"
    spans = [Span(0, 12, "ORG"), Span(0, 31, "ORG"), Span(13, 20, "PRODUCT")]
    block, written = conll_block(record(text, words(text), spans))
    assert block.splitlines()[:3] == ["Contemporary\tB-ORG", "Amperex\tI-ORG", "Technology\tI-ORG"]
    assert written.dropped == (Span(0, 12, "ORG"), Span(13, 20, "PRODUCT"))
    assert written.spans == 1


def test_exports_conll_sentences_split_by_the_documented_rule() -> None:
    text = "GM kauft bei CATL . Das Werk steht . in Ohio ! Dr. Li\nBYD ? nein"
    tokens = words(text)
    # "Ohio ! Dr." would end a sentence, but not inside an entity spanning it.
    entity = at(text, "Ohio ! Dr. Li", "X")
    block, _ = conll_block(record(text, tokens, [entity]), sentences=True)
    sentences = [s.split("\n") for s in block.strip("\n").split("\n\n")]
    assert [[line.split("\t")[0] for line in s] for s in sentences] == [
        ["GM", "kauft", "bei", "CATL", "."],
        ["Das", "Werk", "steht", ".", "in", "Ohio", "!", "Dr.", "Li"],
        ["BYD", "?", "nein"],
    ]
    assert block.endswith("nein\tO\n\n")
    one, _ = conll_block(record(text, tokens, []), sentences=False)
    assert "\n\n" not in one.rstrip("\n")


def test_exports_conll_label_whitespace_becomes_underscore() -> None:
    text = "Blade Akku"
    block, _ = conll_block(record(text, words(text), [Span(0, 5, "BATTERY TYPE")]))
    assert block.startswith("Blade\tB-BATTERY_TYPE\n")


def test_exports_conll_reads_back_with_the_same_entities(tmp_path: Path) -> None:
    text = "Northvolt baut in Skellefteå # Zellen"
    spans = [Span(0, 9, "ORG"), Span(18, 28, "LOC")]
    block, _ = conll_block(record(text, words(text), spans))
    path = tmp_path / "out.conll"
    path.write_text(block + block, encoding="utf-8")
    items = list(read_file(path))
    assert len(items) == 2
    for item in items:
        assert isinstance(item, ImportRecord)
        assert item.text == text
        assert [(s.start, s.end, s.label) for s in item.spans or []] == [
            (0, 9, "ORG"),
            (18, 28, "LOC"),
        ]
