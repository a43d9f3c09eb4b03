"""``spacy:<path>`` and ``project-model:<path>`` on tiny pipelines trained inside the test."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest

from nlp.suggesters import SuggesterError, get_suggester
from nlp.tokenizer import make_doc

TRAIN = [
    ("Acme Corp opened an office in Paris last year.", [("Acme Corp", "ORG"), ("Paris", "GPE")]),
    ("Globex hired engineers in Berlin.", [("Globex", "ORG"), ("Berlin", "GPE")]),
    (
        "Initech moved from Austin to Denver.",
        [("Initech", "ORG"), ("Austin", "GPE"), ("Denver", "GPE")],
    ),
    (
        "Umbrella sells cells in Madrid and Rome.",
        [("Umbrella", "ORG"), ("Madrid", "GPE"), ("Rome", "GPE")],
    ),
    ("Stark Industries builds batteries in Oslo.", [("Stark Industries", "ORG"), ("Oslo", "GPE")]),
    ("Wayne Enterprises invests in Lisbon.", [("Wayne Enterprises", "ORG"), ("Lisbon", "GPE")]),
]


def train_tiny(path: Path, labels: dict[str, str] | None = None, steps: int = 30) -> Path:
    """Train a blank English NER on TRAIN (labels renamed by ``labels``) and save it."""
    import spacy
    from spacy.training import Example

    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    examples = []
    for text, entities in TRAIN:
        doc = nlp.make_doc(text)
        spans = []
        for part, label in entities:
            start = text.index(part)
            spans.append((start, start + len(part), (labels or {}).get(label, label)))
        examples.append(Example.from_dict(doc, {"entities": spans}))
    with warnings.catch_warnings():
        # W033: no lexeme-norm tables for English without spacy-lookups-data; harmless here.
        warnings.filterwarnings("ignore", message=r".*\[W033\]")
        optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _ in range(steps):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def tiny_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny(tmp_path_factory.mktemp("tiny") / "pipeline")


def test_spacy_suggester_maps_labels_and_keeps_sources(tiny_pipeline: Path) -> None:
    suggester = get_suggester(f"spacy:{tiny_pipeline}", "en")
    assert suggester.name == f"spacy:{tiny_pipeline}"
    assert suggester.labels == {"ORG", "LOC"}
    text = "Acme Corp opened an office in Paris last year."
    spans = suggester.suggest([text])[0]
    assert [(s.text_in(text), s.label) for s in spans] == [("Acme Corp", "ORG"), ("Paris", "LOC")]
    assert {s.source for s in spans} == {"model:en_pipeline@0.0.0"}


def test_spacy_suggester_realigns_to_project_tokens(tiny_pipeline: Path) -> None:
    # spaCy's English tokenizer keeps "Globex-Berlin" whole; the project tokenizer splits it,
    # so whatever the model marks there comes back on project-token boundaries.
    suggester = get_suggester(f"spacy:{tiny_pipeline}", "en")
    text = "Globex hired engineers in Berlin, then Globex-Berlin grew."
    doc = make_doc(text, "en")
    starts = {t.idx for t in doc}
    ends = {t.idx + len(t) for t in doc}
    for span in suggester.suggest([text])[0]:
        assert span.start in starts and span.end in ends


def test_spacy_suggester_version_changes_when_the_pipeline_changes(tmp_path: Path) -> None:
    path = train_tiny(tmp_path / "p", steps=5)
    before = get_suggester(f"spacy:{path}", "en").version
    train_tiny(path, steps=6)  # same architecture, same meta.json: only the weights differ
    assert get_suggester(f"spacy:{path}", "en").version != before


def test_spacy_suggester_unmappable_labels_raise(tmp_path: Path) -> None:
    path = train_tiny(tmp_path / "odd", {"ORG": "NORP", "GPE": "MISC"}, steps=2)
    with pytest.raises(SuggesterError) as caught:
        get_suggester(f"spacy:{path}", "en")
    message = str(caught.value)
    assert f"spacy:{path}" in message
    assert "MISC, NORP" in message


def test_spacy_suggester_wrong_language_raises(tiny_pipeline: Path) -> None:
    with pytest.raises(SuggesterError, match="language 'en', not 'de'"):
        get_suggester(f"spacy:{tiny_pipeline}", "de")


def test_project_model_takes_scheme_labels_as_they_are(tmp_path: Path) -> None:
    path = train_tiny(tmp_path / "project", {"GPE": "LOC"}, steps=30)
    suggester = get_suggester(f"project-model:{path}", "en")
    assert suggester.labels == {"ORG", "LOC"}
    text = "Initech moved from Austin to Denver."
    found = {(s.text_in(text), s.label) for s in suggester.suggest([text])[0]}
    assert ("Initech", "ORG") in found
