"""Pattern files: validation with file and line, versions, and hits on sentences written for
the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.patterns import (
    LABELS,
    PatternError,
    content_version,
    load_language_patterns,
    load_patterns,
    pattern_file,
)
from nlp.suggesters.rules import RuleSuggester


def found(suggester: RuleSuggester, text: str) -> set[tuple[str, str]]:
    return {(s.text_in(text), s.label) for s in suggester.suggest([text])[0]}


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["de", "en"])
def test_patterns_bundled_files_load_and_cover_the_scheme(lang: str) -> None:
    patterns = load_language_patterns(lang)
    assert patterns.name == f"{lang}-patterns"
    assert patterns.labels == LABELS
    assert len(patterns.patterns) >= 300
    assert patterns.version == content_version(pattern_file(lang).read_bytes())


def test_patterns_bundled_files_hold_at_least_400_patterns_together() -> None:
    assert sum(len(load_language_patterns(lang).patterns) for lang in ("de", "en")) >= 400


def test_patterns_version_changes_with_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "p.jsonl", '{"label": "ORG", "pattern": "CATL"}')
    before = load_patterns(path).version
    write(path, '{"label": "ORG", "pattern": "CATL"}', '{"label": "ORG", "pattern": "BYD"}')
    assert load_patterns(path).version != before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"label": "ORG", "pattern": "CATL"', "invalid JSON"),
        ('["ORG", "CATL"]', "expected a JSON object"),
        ('{"pattern": "CATL"}', "missing 'label'"),
        ('{"label": "ORG"}', "missing 'pattern'"),
        ('{"label": "COMPANY", "pattern": "CATL"}', "not in the label scheme"),
        ('{"label": "ORG", "pattern": "CATL", "lable": "x"}', "unknown key"),
        ('{"label": "ORG", "pattern": ""}', "empty phrase"),
        ('{"label": "QUANTITY", "pattern": [{"LIKE_NUM": "yes"}]}', "invalid token pattern"),
        ('{"label": "QUANTITY", "pattern": [{"LOWR": "gwh"}]}', "invalid token pattern"),
        ('{"label": "QUANTITY", "pattern": []}', "empty token pattern"),
        ('{"label": "DATE", "pattern": [{"LOWER": "bis"}], "trim_start": 1}', "trim_start"),
        ('{"label": "ORG", "pattern": 42}', "'pattern' must be"),
    ],
)
def test_patterns_broken_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(
        tmp_path / "broken.jsonl",
        '{"label": "ORG", "pattern": "CATL"}',
        "",
        line,
    )
    with pytest.raises(PatternError) as caught:
        load_patterns(path)
    assert str(caught.value).startswith(f"{path}:3: ")
    assert message in str(caught.value)
    assert caught.value.line == 3


def test_patterns_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match=r"nowhere\.jsonl"):
        load_patterns(tmp_path / "nowhere.jsonl")


def test_patterns_phrases_match_project_tokens(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    entries = [
        {"label": "CHEMISTRY", "pattern": "Lithium-Eisenphosphat"},
        {"label": "ORG", "pattern": "GM"},
        {"label": "DATE", "pattern": [{"LOWER": "bis"}, {"SHAPE": "dddd"}], "trim_start": 1},
    ]
    path.write_text("\n".join(json.dumps(e) for e in entries), encoding="utf-8")
    suggester = RuleSuggester("de", load_patterns(path))
    text = "GMs Lithium-Eisenphosphat-Batterien kommen bis 2027 aus China."
    spans = suggester.suggest([text])[0]
    assert [(s.text_in(text), s.label) for s in spans] == [
        ("GM", "ORG"),
        ("Lithium-Eisenphosphat", "CHEMISTRY"),
        ("2027", "DATE"),
    ]
    assert {s.source for s in spans} == {"rules:p"}


def test_patterns_german_sentences(rules_de: RuleSuggester) -> None:
    text = (
        "Am 15. März 2025 kündigte Northvolt an, im Werk Heide ab 2026 Natrium-Ionen-Zellen "
        "und NMC 811-Kathoden zu fertigen; CATL liefert LFP-Zellen mit 160 Wh/kg an BMW. "
        "Das kostet 1,5 Mrd. Euro bzw. 500 Mio. US-Dollar, die Kapazität liegt bei 40 GWh, "
        "der Preis für Lithiumcarbonat fiel im Q3 2025 um 20 %. Die EU-Batterieverordnung "
        "gilt bis Ende 2026 auch für 4680er-Zellen von Tesla im Model Y und im ID.3 ab."
    )
    assert found(rules_de, text) >= {
        ("15. März 2025", "DATE"),
        ("Northvolt", "ORG"),
        ("Werk Heide", "FACILITY"),
        ("2026", "DATE"),
        ("Natrium-Ionen", "CHEMISTRY"),
        ("NMC 811", "CHEMISTRY"),
        ("Kathoden", "COMPONENT"),
        ("CATL", "ORG"),
        ("LFP", "CHEMISTRY"),
        ("160 Wh/kg", "QUANTITY"),
        ("BMW", "ORG"),
        ("1,5 Mrd. Euro", "MONEY"),
        ("500 Mio. US-Dollar", "MONEY"),
        ("40 GWh", "QUANTITY"),
        ("Lithiumcarbonat", "MATERIAL"),
        ("Q3 2025", "DATE"),
        ("20 %", "QUANTITY"),
        ("EU-Batterieverordnung", "POLICY"),
        ("Ende 2026", "DATE"),
        ("4680er", "PRODUCT"),
        ("Tesla", "ORG"),
        ("Model Y", "PRODUCT"),
        ("ID.3", "PRODUCT"),
    }


def test_patterns_english_sentences(rules_en: RuleSuggester) -> None:
    text = (
        "On January 15, 2025 LG Energy Solution said its Michigan plant will make LFP cells "
        "with 300 Wh/kg and 36 GWh a year for General Motors, worth $1.5 billion under the "
        "Inflation Reduction Act. Sodium-ion and solid-state batteries follow in Q4 2026 at "
        "$80/kWh; lithium carbonate fell 80% and 2.5 million vehicles are planned by 2030."
    )
    assert found(rules_en, text) >= {
        ("January 15, 2025", "DATE"),
        ("LG Energy Solution", "ORG"),
        ("Michigan", "LOC"),
        ("LFP", "CHEMISTRY"),
        ("300 Wh/kg", "QUANTITY"),
        ("36 GWh", "QUANTITY"),
        ("General Motors", "ORG"),
        ("$1.5 billion", "MONEY"),
        ("Inflation Reduction Act", "POLICY"),
        ("Sodium-ion", "CHEMISTRY"),
        ("solid-state", "CHEMISTRY"),
        ("Q4 2026", "DATE"),
        ("$80/kWh", "MONEY"),
        ("lithium carbonate", "MATERIAL"),
        ("80%", "QUANTITY"),
        ("2.5 million vehicles", "QUANTITY"),
        ("2030", "DATE"),
    }


def test_patterns_longer_match_wins_over_its_parts(rules_de: RuleSuggester) -> None:
    text = "Lithium-Eisenphosphat ist billiger als Lithium."
    spans = rules_de.suggest([text])[0]
    assert [(s.text_in(text), s.label) for s in spans] == [
        ("Lithium-Eisenphosphat", "CHEMISTRY"),
        ("Lithium", "MATERIAL"),
    ]


def test_patterns_same_extent_earlier_line_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.jsonl",
        '{"label": "PRODUCT", "pattern": [{"ORTH": "Blade"}]}',
        '{"label": "ORG", "pattern": "Blade"}',
    )
    text = "Blade kommt."
    assert RuleSuggester("de", load_patterns(path)).suggest([text])[0][0].label == "PRODUCT"


def test_patterns_label_scheme_matches_the_bundled_scheme() -> None:
    from core.labels import load_scheme

    scheme = Path(__file__).resolve().parents[2] / "resources" / "labels" / "battery.json"
    assert {label.name for label in load_scheme(scheme)} == LABELS
