"""The ``kathode_gazetteer`` component: name-list marks in ``token.tag_`` for the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from nlp.gazetteer import FACTORY, Gazetteer
from nlp.gazetteer_sources import clean, usable, without_legal_form
from nlp.suggesters.pipelines import use_project_tokenizer

LISTS = {
    "FIRST": ["Angela", "Mary"],
    "LAST": ["Merkel", "Barra", "Mary"],
    "LOC": ["Bad Homburg", "Kanada", "Mecklenburg-Vorpommern", "New York"],
    "ORG": ["CATL", "Siemens"],
}


def gazetteer_pipeline() -> Language:
    nlp = spacy.blank("de")
    use_project_tokenizer(nlp, "de")
    nlp.add_pipe(FACTORY).set_lists(LISTS)
    return nlp


def tags(nlp: Language, text: str) -> list[tuple[str, str]]:
    return [(t.text, t.tag_) for t in nlp(text) if t.tag_]


def test_gazetteer_marks_first_and_following_tokens_of_listed_names() -> None:
    nlp = gazetteer_pipeline()
    assert tags(nlp, "Angela Merkel reiste von Bad Homburg nach New York .") == [
        ("Angela", "BFIRST"),
        ("Merkel", "BLAST"),
        ("Bad", "BLOC"),
        ("Homburg", "ILOC"),
        ("New", "BLOC"),
        ("York", "ILOC"),
    ]


def test_gazetteer_matches_across_project_tokens_and_in_the_genitive() -> None:
    nlp = gazetteer_pipeline()
    assert tags(nlp, "Kanadas Premier und Mecklenburg-Vorpommern") == [
        ("Kanadas", "BLOC"),
        ("Mecklenburg", "BLOC"),
        ("-", "ILOC"),
        ("Vorpommern", "ILOC"),
    ]


def test_gazetteer_marks_companies() -> None:
    # the project tokenizer splits the genitive (CATL s); the mark covers both
    assert tags(gazetteer_pipeline(), "CATLs Kunde Siemens") == [
        ("CATL", "BORG"),
        ("s", "IORG"),
        ("Siemens", "BORG"),
    ]


def test_gazetteer_joins_the_kinds_of_a_name_on_several_lists() -> None:
    assert tags(gazetteer_pipeline(), "Mary Barra") == [
        ("Mary", "BFIRST|BLAST"),
        ("Barra", "BLAST"),
    ]


def test_gazetteer_ignores_lowercase_and_partial_names() -> None:
    nlp = gazetteer_pipeline()
    assert tags(nlp, "merkel kanada Bad York-City Homburger") == []


def test_gazetteer_travels_with_the_pipeline(tmp_path: Path) -> None:
    nlp = gazetteer_pipeline()
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.get_pipe(FACTORY).lists == {k: sorted(v) for k, v in LISTS.items()}
    assert tags(loaded, "Angela in New York") == tags(nlp, "Angela in New York")
    again = spacy.blank("de")
    again.add_pipe(FACTORY).from_bytes(nlp.get_pipe(FACTORY).to_bytes())
    assert again.get_pipe(FACTORY).lists == loaded.get_pipe(FACTORY).lists


def test_gazetteer_initializes_from_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "lists.json"
    path.write_text(json.dumps({"LOC": ["Erfurt"]}), encoding="utf-8")
    component = Gazetteer(spacy.blank("de").vocab)
    component.initialize(path=str(path))
    assert component.lists == {"LOC": ["Erfurt"]}
    path.write_text(json.dumps(["Erfurt"]), encoding="utf-8")
    with pytest.raises(ValueError, match="name lists"):
        component.initialize(path=str(path))
    with pytest.raises(ValueError, match="'misc'"):
        component.set_lists({"misc": ["Olympia"]})


def test_gazetteer_sources_keep_latin_names_and_drop_codes_and_scripts() -> None:
    assert usable("München") and usable("Dorf an der Pram") and usable("O'Brien")
    assert not usable("MUC") and not usable("Au") and not usable("Москва")
    assert not usable("lai sai si ka") and not usable("12 Stadt")
    assert clean(["Wien", "Вена", None, " Graz ", "VIE"]) == {"Wien", "Graz"}
    assert usable("CATL", codes=True) and clean(["BASF", "SK"], codes=True) == {"BASF"}


def test_gazetteer_sources_drop_one_legal_form() -> None:
    assert without_legal_form("Siemens AG") == "Siemens"
    assert without_legal_form("Toyota Motor Co., Ltd.") == "Toyota Motor"
    assert without_legal_form("Royal Dutch Shell plc") == "Royal Dutch Shell"
    assert without_legal_form("Daimler Truck Holding AG") == "Daimler Truck Holding"
    assert without_legal_form("Sixt") == "Sixt"
