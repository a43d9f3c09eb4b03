"""detect_language on sentences written for the tests."""

from __future__ import annotations

import pytest

from nlp.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Der Zellhersteller will die Produktion im neuen Werk bis Ende des Jahres verdoppeln.",
        "GM bezieht die Batterien vorerst von CATL, weil die eigene Fertigung noch nicht läuft.",
        "Die Preise für Lithiumcarbonat sind seit dem Frühjahr deutlich gesunken.",
    ],
)
def test_language_detects_german(text: str) -> None:
    assert detect_language(text) == "de"


@pytest.mark.parametrize(
    "text",
    [
        "The cell maker wants to double output at the new plant by the end of the year.",
        "GM will buy the batteries from CATL until its own production is running.",
        "Prices for lithium carbonate have fallen sharply since the spring.",
    ],
)
def test_language_detects_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_language_without_evidence_falls_back_to_default() -> None:
    assert detect_language("CATL BYD 40 GWh") == "en"
    assert detect_language("CATL BYD 40 GWh", default="de") == "de"
    assert detect_language("") == "en"


def test_language_umlauts_break_a_tie() -> None:
    assert detect_language("Grünheide München") == "de"
