"""The CoNLL/IOB reader: layouts, tag schemes, exact tokens, and sentence-level errors."""

from __future__ import annotations

import pytest

from core.formats.conll import spans_from_tags
from core.spans import Span, Token
from tests.core.conftest import Writer, labelled, read_all


def tokens_of(*words: str) -> list[Token]:
    tokens, offset = [], 0
    for word in words:
        tokens.append(Token(word, offset, offset + len(word), ws=True))
        offset += len(word) + 1
    return tokens


def test_formats_conll_two_columns_with_tabs(write: Writer) -> None:
    path = write(
        "two.conll",
        "GM\tB-ORG\nkauft\tO\nbei\tO\nCATL\tB-ORG\n.\tO\n\nNadim\tB-PER\nLadki\tI-PER\n",
    )
    result = read_all(path)
    assert result.errors == []
    first, second = result.records
    assert first.text == "GM kauft bei CATL ."
    assert first.tokens == [
        Token("GM", 0, 2, True),
        Token("kauft", 3, 8, True),
        Token("bei", 9, 12, True),
        Token("CATL", 13, 17, True),
        Token(".", 18, 19, False),
    ]
    assert labelled(first) == [("ORG", "GM"), ("ORG", "CATL")]
    assert (first.source, first.line, first.meta, first.annotator) == (str(path), 1, {}, None)
    assert (second.text, second.line, labelled(second)) == (
        "Nadim Ladki",
        7,
        [("PER", "Nadim Ladki")],
    )


def test_formats_conll_space_separated_crlf_and_trailing_blank_lines(write: Writer) -> None:
    content = "-DOCSTART- O\r\n\r\nUnited  B-LOC\r\nArab I-LOC\r\nEmirates I-LOC\r\n\r\n\r\n\r\n"
    result = read_all(write("spaces.iob", content))
    assert result.errors == []
    [record] = result.records
    assert (record.text, record.line) == ("United Arab Emirates", 3)
    assert labelled(record) == [("LOC", "United Arab Emirates")]


def test_formats_conll_all_outside_marks_nothing(write: Writer) -> None:
    [record] = read_all(write("o.conll", "kein\tO\nName\tO\n")).records
    assert record.spans == []


def test_formats_conll_germeval_layout(write: Writer) -> None:
    content = (
        "#\thttp://www.heise.de/tp/r4/artikel/32/32883/1.html\t[2010-07-04]\t\n"
        "1\tDie\tO\tO\n"
        "2\tdeutsche\tB-LOCderiv\tO\n"
        "3\tBank\tB-ORG\tB-ORGpart\n"
        "4\tAG\tI-ORG\tO\n"
        "5\t#\tO\tO\n"
        "\n"
        "#\tberlinonline.de vom 27.10.2005\t[2005-10-27]\t\n"
        "1\tBerlin\tB-LOC\tO\n"
    )
    result = read_all(write("germeval.tsv", content))
    assert result.errors == []
    first, second = result.records
    assert first.text == "Die deutsche Bank AG #"
    assert labelled(first) == [("LOCderiv", "deutsche"), ("ORG", "Bank AG")]
    assert first.line == 1
    assert first.meta == {
        "comment": "http://www.heise.de/tp/r4/artikel/32/32883/1.html\t[2010-07-04]",
        "source_url": "http://www.heise.de/tp/r4/artikel/32/32883/1.html",
        "date": "2010-07-04",
    }
    assert second.line == 8
    assert second.meta == {
        "comment": "berlinonline.de vom 27.10.2005\t[2005-10-27]",
        "date": "2005-10-27",
    }


def test_formats_conll_invalid_tag_skips_only_its_sentence(write: Writer) -> None:
    content = "JAPAN\tB-LOC\nGET\tX-LOC\nLUCKY\tO\n\nNadim\tB-PER\nLadki\tI-PER\n"
    result = read_all(write("badtag.conll", content))
    assert [r.text for r in result.records] == ["Nadim Ladki"]
    [error] = result.errors
    assert error.line == 2
    assert error.message == (
        "invalid tag 'X-LOC'; expected O, B-<label> or I-<label> "
        "(E-, S-, L- and U- are accepted too); sentence skipped"
    )


def test_formats_conll_wrong_column_count(write: Writer) -> None:
    content = "SOCCER\tO\nJAPAN\tB-LOC\textra\n\nCHINA\tB-LOC\n"
    result = read_all(write("cols.conll", content))
    assert [r.text for r in result.records] == ["CHINA"]
    [error] = result.errors
    assert error.line == 2
    assert error.message.startswith("3 columns where the token and tag columns were expected")


def test_formats_conll_layout_may_not_change(write: Writer) -> None:
    content = "1\tDie\tO\tO\n\nBank\tB-ORG\n"
    [error] = read_all(write("mixed.tsv", content)).errors
    assert error.line == 3
    assert "in a file of GermEval" in error.message


@pytest.mark.parametrize("token", ["", " ", "\u00a0"])
def test_formats_conll_empty_or_whitespace_token_is_an_error(write: Writer, token: str) -> None:
    content = f"a\tO\n{token}\tO\n\nb\tO\n"
    result = read_all(write("ws.conll", content))
    assert [r.text for r in result.records] == ["b"]
    [error] = result.errors
    assert error.line == 2


def test_formats_conll_keeps_soft_hyphens_and_control_characters(write: Writer) -> None:
    content = "1\tLithium\u00adIonen\tB-OTH\tO\n2\t\u0096\tO\tO\n3\tAkku\tO\tO\n"
    [record] = read_all(write("soft.tsv", content)).records
    assert [t.text for t in record.tokens or []] == ["Lithium\u00adIonen", "\u0096", "Akku"]
    assert record.text == "Lithium\u00adIonen \u0096 Akku"
    assert labelled(record) == [("OTH", "Lithium\u00adIonen")]


def test_formats_conll_csv_sentence_slot_layout(write: Writer) -> None:
    content = (
        "Sentence\tSlot\n"
        '"Schartau sagte dem "" Tagesspiegel "" ."\tB-PER O O O B-ORG O O\n'
        "\t\n"
        "Bayern München siegt\tB-ORG I-ORG O\n"
        "zu viele Tags\tO O O O\n"
        "doppelt  Leerzeichen\tO O O\n"
        "falsch\tB_ORG\n"
    )
    result = read_all(write("train.tsv", content))
    first, second = result.records
    assert first.text == 'Schartau sagte dem " Tagesspiegel " .'
    assert (first.line, labelled(first)) == (2, [("PER", "Schartau"), ("ORG", "Tagesspiegel")])
    assert (second.line, labelled(second)) == (4, [("ORG", "Bayern München")])
    assert [(e.line, e.message) for e in result.errors] == [
        (5, "3 tokens but 4 tags; sentence skipped"),
        (6, "empty or whitespace-only token ''; sentence skipped"),
        (7, "invalid tag 'B_ORG'; expected O, B-<label> or I-<label> "
            "(E-, S-, L- and U- are accepted too); sentence skipped"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        # IOB2
        (["B-ORG", "I-ORG", "O", "B-LOC"], [(0, 2, "ORG"), (3, 4, "LOC")]),
        (["B-ORG", "B-ORG", "I-ORG"], [(0, 1, "ORG"), (1, 3, "ORG")]),
        # IOB1: I- after O, or after another label, starts an entity
        (["I-ORG", "I-ORG", "O", "I-LOC"], [(0, 2, "ORG"), (3, 4, "LOC")]),
        (["I-ORG", "I-LOC", "I-LOC", "O"], [(0, 1, "ORG"), (1, 3, "LOC")]),
        # BIOES / BILOU
        (["S-PER", "B-ORG", "E-ORG", "E-ORG"], [(0, 1, "PER"), (1, 3, "ORG"), (3, 4, "ORG")]),
        (["U-PER", "B-LOC", "I-LOC", "L-LOC"], [(0, 1, "PER"), (1, 4, "LOC")]),
        (["O", "O", "O", "O"], []),
        (["O", "O", "O", "I-X"], [(3, 4, "X")]),
    ],
)
def test_formats_conll_spans_from_tags(
    tags: list[str], expected: list[tuple[int, int, str]]
) -> None:
    tokens = tokens_of("a", "bb", "ccc", "dddd")
    spans = spans_from_tags(tokens, tags)
    assert spans == [Span(tokens[i].start, tokens[j - 1].end, label) for i, j, label in expected]
