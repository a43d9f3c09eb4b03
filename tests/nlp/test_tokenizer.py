"""The project tokenizer's own rules, in German and English."""

from __future__ import annotations

import pytest

from nlp.tokenizer import make_doc, tokenize


def texts(text: str, lang: str) -> list[str]:
    return [t.text for t in tokenize(text, lang)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GMs Engagement", ["GM", "s", "Engagement"]),
        ("CATLs Zellen", ["CATL", "s", "Zellen"]),
        ("Lithium-Eisenphosphat-Batterien", ["Lithium", "-", "Eisenphosphat", "-", "Batterien"]),
        ("4680er-Zellen", ["4680er", "-", "Zellen"]),
        ("40 GWh", ["40", "GWh"]),
        ("40GWh", ["40", "GWh"]),
        ("300 Wh/kg", ["300", "Wh/kg"]),
        ("1,5 Mrd. Euro", ["1,5", "Mrd.", "Euro"]),
        ("2,3 Mio. Fahrzeuge", ["2,3", "Mio.", "Fahrzeuge"]),
        ("500 Mio. US-Dollar", ["500", "Mio.", "US", "-", "Dollar"]),
        ("Natrium-Ionen-Akkus", ["Natrium", "-", "Ionen", "-", "Akkus"]),
        ("20 %", ["20", "%"]),
        ("bis 2030.", ["bis", "2030", "."]),
        ("am 14.03.2026. Dann", ["am", "14.03.2026", ".", "Dann"]),
        ("am 23. Mai", ["am", "23.", "Mai"]),  # an ordinal keeps its period
    ],
)
def test_tokenizer_german_rules(text: str, expected: list[str]) -> None:
    assert texts(text, "de") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GMs plans", ["GM", "s", "plans"]),
        ("CATLs cells", ["CATL", "s", "cells"]),
        ("GM's plans", ["GM", "'s", "plans"]),
        (
            "lithium-iron-phosphate batteries",
            ["lithium", "-", "iron", "-", "phosphate", "batteries"],
        ),
        ("4680-type cells", ["4680", "-", "type", "cells"]),
        ("40 GWh", ["40", "GWh"]),
        ("40GWh", ["40", "GWh"]),
        ("300 Wh/kg", ["300", "Wh/kg"]),
        ("$1.5 billion", ["$", "1.5", "billion"]),
        ("sodium-ion", ["sodium", "-", "ion"]),
        ("80%", ["80", "%"]),
        ("a $1.5bn plant", ["a", "$", "1.5", "bn", "plant"]),
        ("by 2030.", ["by", "2030", "."]),
    ],
)
def test_tokenizer_english_rules(text: str, expected: list[str]) -> None:
    assert texts(text, "en") == expected


def test_tokenizer_offsets_point_into_the_text() -> None:
    text = "GMs Lithium-Eisenphosphat-Batterien: 1,5 Mrd. Euro."
    for token in tokenize(text, "de"):
        assert text[token.start : token.end] == token.text


def test_tokenizer_make_doc_accepts_text_over_max_length() -> None:
    doc = make_doc("CATL " * 300_000, "en")
    assert len(doc) == 300_000
