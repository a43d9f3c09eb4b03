"""The bundled German news model: loads, tokenizes like the project, finds PERSON/ORG/LOC."""

from __future__ import annotations

import json

import pytest

from nlp.suggesters.models import DE_NEWS_DIR, ModelSuggester
from nlp.tokenizer import TOKENIZER_VERSION, make_doc
from tests.nlp.conftest import shared_path


def test_model_de_news_finds_person_org_loc(de_news: ModelSuggester) -> None:
    texts = [
        "Bundeskanzlerin Angela Merkel besuchte am Montag die Siemens AG in München.",
        "Der Vorstandschef von Volkswagen, Oliver Blume, sprach in Wolfsburg mit der IG Metall.",
    ]
    found = [
        {(s.text_in(t), s.label) for s in spans}
        for t, spans in zip(texts, de_news.suggest(texts), strict=True)
    ]
    assert ("Angela Merkel", "PERSON") in found[0]
    assert ("München", "LOC") in found[0]
    assert ("Oliver Blume", "PERSON") in found[1]
    assert ("Wolfsburg", "LOC") in found[1]
    assert any(label == "ORG" for _, label in found[0] | found[1])
    assert all(s.source == "model:de-news@1.1.0" for spans in de_news.suggest(texts) for s in spans)


def test_model_de_news_tokenizes_like_make_doc(de_news: ModelSuggester) -> None:
    text = "GMs Lithium-Eisenphosphat-Batterien: 4680er-Zellen, 40GWh, 300 Wh/kg, 1,5 Mrd. Euro."
    assert [t.text for t in de_news.nlp.make_doc(text)] == [t.text for t in make_doc(text, "de")]


def test_model_de_news_meta_records_data_scores_and_versions(de_news: ModelSuggester) -> None:
    meta = json.loads((DE_NEWS_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "de-news"
    # Trained on these tokens, or checked on the project's current ones (dev F1 recorded).
    trained_on, checked = meta["tokenizer_version"], meta.get("compatible_tokenizers", {})
    assert trained_on == TOKENIZER_VERSION or TOKENIZER_VERSION in checked
    for figures in checked.values():
        assert figures["dev"]["f"] >= meta["performance"]["micro"]["f"] - 0.005
    assert "CC BY 4.0" in meta["attribution"] and "PyMarlin" in meta["attribution"]
    assert "Wiktionary" in meta["attribution"] and meta["license"].startswith("CC BY-SA 4.0")
    assert set(meta["performance"]["per_label"]) == {"PERSON", "ORG", "LOC"}
    command = "uv run --group train python -m nlp.train_de_news"
    assert meta["training"]["command"].startswith(command)
    assert de_news.version.startswith(f"{meta['version']}+{TOKENIZER_VERSION}+")


def test_model_de_news_carries_its_name_lists(de_news: ModelSuggester) -> None:
    lists = de_news.nlp.get_pipe("kathode_gazetteer").lists
    meta = json.loads((DE_NEWS_DIR / "meta.json").read_text(encoding="utf-8"))
    assert {kind: len(names) for kind, names in lists.items()} == meta["data"]["name_lists"]
    assert {"München", "Moskau", "Thüringen", "Kanada"} <= set(lists["LOC"])
    assert {"Angela", "Olaf"} <= set(lists["FIRST"]) and "Merkel" in lists["LAST"]
    assert {"CATL", "Siemens"} <= set(lists["ORG"])
    assert {"Regierung", "Hornissen", "Batterien"} <= set(lists["NOUN"])
    assert "MUC" not in lists["LOC"] and "Москва" not in lists["LOC"]
    doc = de_news.nlp("Olaf Scholz fuhr nach Moskau und sah Hornissen.")
    assert {t.text: t.tag_ for t in doc if t.tag_} == {
        "Olaf": "BFIRST",
        "Scholz": "BLAST",
        "Moskau": "BLOC|BSURNAME",
        "Hornissen": "BNOUN",
    }


def test_model_de_news_is_small_enough() -> None:
    size = sum(p.stat().st_size for p in DE_NEWS_DIR.rglob("*") if p.is_file())
    assert size <= 15 * 1024 * 1024


@pytest.mark.slow
def test_model_de_news_scores_as_recorded_on_the_current_tokens(de_news: ModelSuggester) -> None:
    """The dev F1 recorded for the project's tokenizer holds: the check behind
    ``compatible_tokenizers`` (or ``performance``, when trained on these tokens)."""
    from nlp.train_de_news import LABELS
    from nlp.training import build_docs, evaluate_ner, read_germeval_conll

    meta = json.loads((DE_NEWS_DIR / "meta.json").read_text(encoding="utf-8"))
    checked = meta.get("compatible_tokenizers", {}).get(TOKENIZER_VERSION)
    recorded = checked["dev"]["f"] if checked else meta["performance"]["micro"]["f"]
    dev = read_germeval_conll(shared_path("data", "germeval2014", "NER-de-dev.tsv"), tag_column=2)
    built = build_docs(dev, "de")
    assert built.misaligned == 0
    scores = evaluate_ner(de_news.nlp, built.docs, LABELS)
    assert abs(scores["micro"]["f"] - recorded) < 0.001
