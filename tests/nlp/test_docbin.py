"""``.spacy`` export: Docs on the stored tokens, exact texts, and spaCy itself as the judge."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from core.documents import Status
from core.exports.record import ExportRecord
from core.spans import Span
from nlp.docbin import (
    DEV_FILE,
    PROJECT_TOKENIZER,
    TRAIN_FILE,
    DocBinWriter,
    training_doc,
    words_and_spaces,
)
from storage.exporter import ExportOptions, export_project
from tests.storage.test_export_corpus import build_project


def flat(text: str) -> list[int]:
    return [x for m in re.finditer(r"\S+", text) for x in (m.start(), m.end(), 0)]


@pytest.mark.parametrize(
    "text",
    [
        "GM kauft LFP-Zellen.",
        "  zwei  Leerzeichen \n\n und\tTabs  ",
        "Zeile eins\nZeile zwei \n",
        "x",
        " \u00a0 geschützt\u00a0Leer",
    ],
)
def test_docbin_words_and_spaces_rebuild_the_text_exactly(text: str) -> None:
    words, spaces = words_and_spaces(text, flat(text))
    assert "".join(w + " " * s for w, s in zip(words, spaces, strict=True)) == text
    assert all(words)
    doc = training_doc(Vocab(), text, flat(text), [])
    assert doc.text == text


def test_docbin_extra_whitespace_becomes_tokens_like_spacy_makes_them() -> None:
    words, spaces = words_and_spaces("CATL  baut\nhier", [0, 4, 1, 6, 10, 0, 11, 15, 0])
    assert words == ["CATL", " ", "baut", "\n", "hier"]
    assert spaces == [True, False, False, False, False]


def test_docbin_entities_on_stored_tokens_others_outside() -> None:
    text = "GM kauft LFP-Zellen."
    tokens = [0, 2, 1, 3, 8, 1, 9, 12, 0, 12, 13, 0, 13, 19, 0, 19, 20, 0]
    doc = training_doc(Vocab(), text, tokens, [Span(0, 2, "ORG"), Span(9, 12, "CHEMISTRY")])
    assert [(e.text, e.label_) for e in doc.ents] == [("GM", "ORG"), ("LFP", "CHEMISTRY")]
    assert [t.ent_iob_ for t in doc] == ["B", "O", "B", "O", "O", "O"]


def test_docbin_misaligned_span_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(ValueError, match="does not align"):
        training_doc(Vocab(), "GM kauft", flat("GM kauft"), [Span(0, 1, "ORG")])


def test_docbin_writer_splits_drops_overlaps_and_writes_both_files(tmp_path: Path) -> None:
    writer = DocBinWriter(tmp_path, dev_documents={2})
    texts = {1: "Contemporary Amperex Technology baut", 2: "BYD baut", 3: "Ford kauft"}
    results = []
    for doc_id, text in texts.items():
        spans = [Span(0, 12, "ORG"), Span(0, 31, "ORG")] if doc_id == 1 else []
        record = ExportRecord(doc_id, text, flat(text), spans, Status.ACCEPTED, "ana")
        results.append(writer.add(record))
    assert results[0].dropped == (Span(0, 12, "ORG"),)
    assert (writer.train_docs, writer.dev_docs) == (2, 1)
    assert not (tmp_path / TRAIN_FILE).exists()  # nothing before commit
    assert writer.commit() == [tmp_path / TRAIN_FILE, tmp_path / DEV_FILE]
    vocab = Vocab()
    train = list(DocBin().from_disk(tmp_path / TRAIN_FILE).get_docs(vocab))
    dev = list(DocBin().from_disk(tmp_path / DEV_FILE).get_docs(vocab))
    assert [d.text for d in train] == [texts[1], texts[3]]
    assert [d.text for d in dev] == [texts[2]]
    assert [e.text for e in train[0].ents] == ["Contemporary Amperex Technology"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [DEV_FILE, TRAIN_FILE]


ROOT = Path(__file__).resolve().parents[2]


def spacy_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "spacy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_docbin_spacy_debug_data_and_train_accept_the_export(tmp_path: Path) -> None:
    # spaCy's debug data fails a new pipeline with under 100 training docs, so the 40
    # sentences come with 80 documents that pair them: 120 documents, 102 train / 18 dev.
    with build_project(tmp_path / "p.kathode", pairs=True) as repo:
        options = ExportOptions("spacy", tmp_path / "corpus", dev_fraction=0.15, seed=3)
        summary = export_project(repo, options)
    assert (summary.records, summary.train_docs, summary.dev_docs) == (120, 102, 18)
    assert summary.dropped_overlaps == 0

    vocab = Vocab()
    docs = list(DocBin().from_disk(tmp_path / "corpus" / TRAIN_FILE).get_docs(vocab))
    assert any(e.text == "LFP" and e.label_ == "CHEMISTRY" for d in docs for e in d.ents)

    init = spacy_cli("init", "config", "cfg.cfg", "--lang", "de", "--pipeline", "ner", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    # Train with the project tokenizer, as docs/export.md says, so predicted tokens are ours.
    config = (tmp_path / "cfg.cfg").read_text(encoding="utf-8")
    default = '[nlp.tokenizer]\n@tokenizers = "spacy.Tokenizer.v1"'
    assert default in config
    config = config.replace(default, f'[nlp.tokenizer]\n@tokenizers = "{PROJECT_TOKENIZER}"')
    (tmp_path / "cfg.cfg").write_text(config, encoding="utf-8")
    code = ["--code", str(ROOT / "nlp" / "docbin.py")]
    paths = ["--paths.train", "corpus/train.spacy", "--paths.dev", "corpus/dev.spacy"]

    debug = spacy_cli("debug", "data", "cfg.cfg", *paths, *code, cwd=tmp_path)
    output = debug.stdout + debug.stderr
    assert debug.returncode == 0, output
    assert "W030" not in output and "misaligned" not in output.lower(), output
    assert "102 training docs" in output and "18 evaluation docs" in output, output
    assert "No entities consisting of or starting/ending with whitespace" in output, output

    train = spacy_cli(
        "train",
        "cfg.cfg",
        *paths,
        *code,
        "--training.max_steps",
        "4",
        "--training.eval_frequency",
        "2",
        "--output",
        "model",
        cwd=tmp_path,
    )
    assert train.returncode == 0, train.stdout + train.stderr
    assert "W030" not in train.stdout + train.stderr
    assert (tmp_path / "model" / "model-last").is_dir()
