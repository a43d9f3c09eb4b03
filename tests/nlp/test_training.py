"""Reading GermEval files and turning tagged sentences into project-tokenized docs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nlp import train_de_news
from nlp.suggesters.pipelines import load_pipeline
from nlp.training import (
    GERMEVAL_AUX_LABELS,
    NerSettings,
    TaggedSentence,
    build_docs,
    ner_config,
    read_germeval_conll,
    read_germeval_train,
    sentence_entities,
    sentence_text,
    split_holdout,
    train_ner,
)
from tests.nlp.conftest import shared_path


def test_training_reads_the_quoted_train_format(tmp_path: Path) -> None:
    path = tmp_path / "train.tsv"
    path.write_text(
        'Sentence\tSlot\n"Er sagte "" Hallo "" in Bonn ."\tO O O O O O B-LOC O\n',
        encoding="utf-8",
    )
    [sentence] = read_germeval_train(path)
    assert sentence.tokens == ("Er", "sagte", '"', "Hallo", '"', "in", "Bonn", ".")
    assert sentence.tags[6] == "B-LOC"


def test_training_reads_the_four_column_format(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text(
        "#\thttp://example.org\t[2010]\n1\tAngela\tB-PER\tO\n2\tMerkel\tI-PER\tO\n\n"
        "#\tx\n1\tBonn\tB-LOC\tO\n",
        encoding="utf-8",
    )
    sentences = read_germeval_conll(path)
    assert [s.tokens for s in sentences] == [("Angela", "Merkel"), ("Bonn",)]
    assert sentences[0].tags == ("B-PER", "I-PER")


def test_training_maps_labels_and_drops_oth_deriv_part() -> None:
    sentence = TaggedSentence(
        (
            "Angela",
            "Merkel",
            "traf",
            "deutsche",
            "SPD-Politiker",
            "in",
            "Bad",
            "Ems",
            "beim",
            "Tatort",
        ),
        ("B-PER", "I-PER", "O", "B-LOCderiv", "B-ORGpart", "O", "B-LOC", "I-LOC", "O", "B-OTH"),
    )
    text = sentence_text(sentence)
    assert [(text[a:b], label) for a, b, label in sentence_entities(sentence)] == [
        ("Angela Merkel", "PERSON"),
        ("Bad Ems", "LOC"),
    ]


def test_training_i_tag_after_other_type_starts_an_entity() -> None:
    sentence = TaggedSentence(("VW", "Wolfsburg"), ("B-ORG", "I-LOC"))
    assert sentence_entities(sentence) == [(0, 2, "ORG"), (3, 12, "LOC")]


def test_training_entities_align_to_project_tokens() -> None:
    sentence = TaggedSentence(
        ("Baden-Württemberg", "und", "GMs", "Werk"), ("B-LOC", "O", "B-ORG", "O")
    )
    built = build_docs([sentence], "de")
    assert built.misaligned == 0
    [doc] = built.docs
    assert [(e.text, e.label_) for e in doc.ents] == [("Baden-Württemberg", "LOC"), ("GMs", "ORG")]
    assert [t.text for t in doc][:3] == ["Baden", "-", "Württemberg"]


def test_training_holdout_is_seeded_and_disjoint() -> None:
    sentences = [TaggedSentence((str(i),), ("O",)) for i in range(50)]
    train, held = split_holdout(sentences, 10, seed=3)
    assert len(held) == 10 and len(train) == 40
    assert not set(train) & set(held)
    assert split_holdout(sentences, 10, seed=3) == (train, held)


def test_training_dev_entities_all_align() -> None:
    dev = read_germeval_conll(shared_path("data", "germeval2014", "NER-de-dev.tsv"))
    built = build_docs(dev[:300], "de")
    assert built.entities > 0
    assert built.misaligned == 0


def test_training_config_follows_the_settings(tmp_path: Path) -> None:
    config = ner_config("de", tmp_path / "t.spacy", tmp_path / "d.spacy", NerSettings(width=64))
    tok2vec = config["components"]["tok2vec"]["model"]
    assert tok2vec["encode"]["width"] == 64
    assert tok2vec["embed"]["@architectures"] == "spacy.MultiHashEmbed.v2"
    assert config["training"]["optimizer"]["learn_rate"]["total_steps"] == NerSettings().max_steps
    chars = ner_config("de", tmp_path / "t", tmp_path / "d", NerSettings(embed="characters"))
    assert chars["components"]["tok2vec"]["model"]["embed"]["@architectures"] == (
        "spacy.CharacterEmbed.v2"
    )


def test_training_aux_labels_keep_the_other_types_apart() -> None:
    sentence = TaggedSentence(
        ("deutsche", "SPD-Politiker", "Bonn"), ("B-LOCderiv", "B-ORGpart", "B-LOC")
    )
    assert [label for _, _, label in sentence_entities(sentence, GERMEVAL_AUX_LABELS)] == [
        "GE-LOCderiv",
        "GE-ORGpart",
        "LOC",
    ]


def test_training_with_a_gazetteer_saves_its_lists_with_the_model(tmp_path: Path) -> None:
    lists = tmp_path / "lists.json"
    lists.write_text(json.dumps({"FIRST": ["Angela"], "LOC": ["Walldorf"]}), encoding="utf-8")
    sentences = [
        TaggedSentence(
            ("Angela", "fährt", "nach", "Walldorf", "."), ("B-PER", "O", "O", "B-LOC", "O")
        ),
        TaggedSentence(("Sie", "mag", "Walldorf", "."), ("O", "O", "B-LOC", "O")),
    ] * 10
    docs = build_docs(sentences, "de").docs
    settings = NerSettings(
        width=32, rows=(500, 50, 100, 50), max_steps=20, eval_frequency=10, gazetteer=lists
    )
    config = ner_config("de", tmp_path / "t", tmp_path / "d", settings)
    assert config["nlp"]["pipeline"] == ["kathode_gazetteer", "tok2vec", "ner"]
    assert config["components"]["tok2vec"]["model"]["embed"]["attrs"][-1] == "TAG"
    nlp, _ = train_ner("de", docs, docs[:4], settings, workdir=tmp_path, stdout=io.StringIO())
    nlp.to_disk(tmp_path / "model")
    loaded = load_pipeline("test", tmp_path / "model")
    assert loaded.get_pipe("kathode_gazetteer").lists["LOC"] == ["Walldorf"]
    assert [t.tag_ for t in loaded("Angela in Walldorf")] == ["BFIRST", "", "BLOC"]


def test_training_script_without_data_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train_de_news.main(["--data", str(tmp_path), "--out", str(tmp_path / "m")]) == 2
    assert "GermEval 2014 data not found" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
