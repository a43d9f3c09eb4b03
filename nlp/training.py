"""Training Kathode's NER pipelines with spaCy on project tokens.

Readers for the GermEval 2014 files, conversion of tagged sentences to project-tokenized
``Doc`` objects, the training config, a training run and the evaluation figures. The script
that builds the bundled German model is :mod:`nlp.train_de_news`.
"""

from __future__ import annotations

import csv
import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.suggesters.pipelines import use_project_tokenizer
from nlp.tokenizer import make_doc

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

# GermEval 2014 outer tags -> Kathode labels. OTH and the ``deriv``/``part`` variants
# ("deutsche", "SPD-Chef") are no entities of ours and are dropped.
GERMEVAL_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
# For training only: the other GermEval types as auxiliary labels (prefixed ``GE-``), so the
# model learns them apart from PER/ORG/LOC instead of as "no entity". Suggesters and the
# evaluation drop them.
GERMEVAL_OTHER_TYPES = (
    "OTH", "OTHderiv", "OTHpart", "PERderiv", "PERpart", "ORGderiv", "ORGpart", "LOCderiv",
    "LOCpart",
)  # fmt: skip
GERMEVAL_AUX_LABELS = {**GERMEVAL_LABELS, **{kind: f"GE-{kind}" for kind in GERMEVAL_OTHER_TYPES}}


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    """One sentence of a BIO-tagged corpus: its tokens and one tag per token."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(slots=True)
class DocsBuilt:
    """Docs made from tagged sentences, with how many entities could not be aligned."""

    docs: list[Doc]
    entities: int
    misaligned: int


def read_germeval_train(path: Path) -> list[TaggedSentence]:
    """Read the two-column CSV-quoted TSV (``Sentence<TAB>Slot``, space-separated)."""
    sentences = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        header = next(reader)
        if header[:2] != ["Sentence", "Slot"]:
            raise ValueError(f"{path}: expected header 'Sentence<TAB>Slot', got {header!r}")
        for line_no, row in enumerate(reader, start=2):
            tokens, tags = row[0].split(" "), row[1].split(" ")
            if len(tokens) != len(tags):
                raise ValueError(f"{path}:{line_no}: {len(tokens)} tokens but {len(tags)} tags")
            sentences.append(TaggedSentence(tuple(tokens), tuple(tags)))
    return sentences


def read_germeval_conll(path: Path, tag_column: int = 2) -> list[TaggedSentence]:
    """Read the original four-column GermEval file (index, token, outer, nested tag).

    ``#`` lines are comments, a blank line ends a sentence; ``tag_column`` is 0-based
    (2 = outer tags).
    """
    sentences = []
    tokens: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if tokens:
                    sentences.append(TaggedSentence(tuple(tokens), tuple(tags)))
                    tokens, tags = [], []
                continue
            columns = line.split("\t")
            tokens.append(columns[1])
            tags.append(columns[tag_column])
    if tokens:
        sentences.append(TaggedSentence(tuple(tokens), tuple(tags)))
    return sentences


def sentence_text(sentence: TaggedSentence) -> str:
    """The sentence as text: its tokens joined by single spaces."""
    return " ".join(sentence.tokens)


def sentence_entities(
    sentence: TaggedSentence, labels: dict[str, str] = GERMEVAL_LABELS
) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, label)`` of the mapped entities in :func:`sentence_text`.

    A tag whose base type is not in ``labels`` (OTH, LOCderiv, ORGpart …) is outside every
    entity; an ``I-`` tag that does not continue an entity of the same type starts one.
    """
    offsets = []
    position = 0
    for token in sentence.tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    entities: list[tuple[int, int, str]] = []
    current: tuple[int, int, str] | None = None
    for (start, end), tag in zip(offsets, sentence.tags, strict=True):
        prefix, _, kind = tag.partition("-")
        label = labels.get(kind) if prefix in ("B", "I") else None
        if label is not None and prefix == "I" and current is not None and current[2] == label:
            current = (current[0], end, label)
            continue
        if current is not None:
            entities.append(current)
        current = (start, end, label) if label is not None else None
    if current is not None:
        entities.append(current)
    return entities


def build_docs(
    sentences: Iterable[TaggedSentence], lang: str, labels: dict[str, str] = GERMEVAL_LABELS
) -> DocsBuilt:
    """Project-tokenized docs with the sentences' entities set (``alignment_mode="strict"``)."""
    built = DocsBuilt([], 0, 0)
    for sentence in sentences:
        doc = make_doc(sentence_text(sentence), lang)
        spans = []
        for start, end, label in sentence_entities(sentence, labels):
            built.entities += 1
            span = doc.char_span(start, end, label=label, alignment_mode="strict")
            if span is None:
                built.misaligned += 1
                log.warning("entity %r does not align in %r", doc.text[start:end], doc.text)
            else:
                spans.append(span)
        doc.ents = spans
        built.docs.append(doc)
    return built


def split_holdout(
    sentences: Sequence[TaggedSentence], size: int, seed: int = 0
) -> tuple[list[TaggedSentence], list[TaggedSentence]]:
    """Split off ``size`` random sentences (seeded) for model selection during training."""
    indices = list(range(len(sentences)))
    random.Random(seed).shuffle(indices)
    held = set(indices[:size])
    train = [s for i, s in enumerate(sentences) if i not in held]
    holdout = [s for i, s in enumerate(sentences) if i in held]
    return train, holdout


@dataclass(frozen=True, slots=True)
class NerSettings:
    """The knobs of the CPU/efficiency NER config that matter for size and accuracy."""

    width: int = 96
    depth: int = 4
    window_size: int = 1
    maxout_pieces: int = 3
    # NORM, PREFIX (first character), SUFFIX (last three), SHAPE: names need the most rows.
    rows: tuple[int, int, int, int] = (10000, 2500, 5000, 2500)
    # "multihash": spaCy's MultiHashEmbed over NORM, PREFIX, SUFFIX, SHAPE (``rows``);
    # "characters": CharacterEmbed, LOWER (rows[0]) plus the first and last ``n_chars // 2``
    # characters of each word.
    embed: str = "multihash"
    # Name lists for the ``kathode_gazetteer`` component (a JSON file like ``{"FIRST": [...],
    # "LOC": [...]}``, see nlp.gazetteer; importing it for the config registers the factory);
    # its marks are embedded as one more MultiHashEmbed attribute (TAG) with
    # ``gazetteer_rows`` rows. ``None``: no gazetteer.
    gazetteer: Path | None = None
    gazetteer_rows: int = 500
    n_chars: int = 8
    char_width: int = 64
    hidden_width: int = 64
    dropout: float = 0.2
    learn_rate: float = 0.001
    # Adam with parameter averaging: the saved weights are the running average.
    use_averages: bool = False
    warmup_steps: int = 250  # then the rate falls linearly to 0 at max_steps
    max_steps: int = 6000
    max_epochs: int = 0
    patience: int = 6000
    eval_frequency: int = 250
    seed: int = 0


def ner_config(lang: str, train_path: Path, dev_path: Path, settings: NerSettings) -> Any:
    """spaCy's ``init config`` defaults for a CPU/efficiency ``ner`` pipeline, tuned by
    ``settings``; returns a ``confection.Config``."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    config["system"]["seed"] = settings.seed
    tok2vec = config["components"]["tok2vec"]["model"]
    tok2vec["encode"].update(
        width=settings.width,
        depth=settings.depth,
        window_size=settings.window_size,
        maxout_pieces=settings.maxout_pieces,
    )
    if settings.embed == "characters":
        tok2vec["embed"] = {
            "@architectures": "spacy.CharacterEmbed.v2",
            "width": settings.width,
            "rows": settings.rows[0],
            "nM": settings.char_width,
            "nC": settings.n_chars,
            "include_static_vectors": False,
        }
        if settings.gazetteer is not None:
            raise ValueError("the gazetteer's marks need the multihash embedding")
    else:
        tok2vec["embed"]["rows"] = list(settings.rows)
    if settings.gazetteer is not None:
        from nlp.gazetteer import FACTORY

        tok2vec["embed"]["attrs"] = [*tok2vec["embed"]["attrs"], "TAG"]
        tok2vec["embed"]["rows"] = [*tok2vec["embed"]["rows"], settings.gazetteer_rows]
        config["nlp"]["pipeline"] = [FACTORY, *config["nlp"]["pipeline"]]
        config["components"][FACTORY] = {"factory": FACTORY}
        config["initialize"]["components"][FACTORY] = {"path": str(settings.gazetteer)}
        config["training"]["annotating_components"] = [FACTORY]
    config["components"]["ner"]["model"]["hidden_width"] = settings.hidden_width
    config["training"]["optimizer"]["use_averages"] = settings.use_averages
    config["training"]["optimizer"]["learn_rate"] = {
        "@schedules": "warmup_linear.v1",
        "warmup_steps": settings.warmup_steps,
        "total_steps": settings.max_steps,
        "initial_rate": settings.learn_rate,
    }
    config["training"].update(
        dropout=settings.dropout,
        max_steps=settings.max_steps,
        max_epochs=settings.max_epochs,
        patience=settings.patience,
        eval_frequency=settings.eval_frequency,
    )
    return config


def train_ner(
    lang: str,
    train_docs: Sequence[Doc],
    dev_docs: Sequence[Doc],
    settings: NerSettings,
    *,
    workdir: Path | None = None,
    stdout: Any = None,
) -> tuple[Language, float]:
    """Train an NER pipeline on project-tokenized docs with spaCy's training loop.

    The pipeline gets the project tokenizer before training, so its examples are predicted
    on the same tokens as the references, and it saves that tokenizer with itself. Returns
    the pipeline as training leaves it (the learning rate has decayed to 0 by then; spaCy's
    ``train`` returns that ``model-last``, not the ``model-best`` checkpoint) and the training
    time in seconds. ``dev_docs`` are scored every ``eval_frequency`` steps; the returned
    pipeline's ``meta["performance"]`` holds its own scores on them.
    """
    import spacy
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train

    with tempfile.TemporaryDirectory(prefix="kathode-train-", dir=workdir) as tmp:
        tmp_path = Path(tmp)
        train_path, dev_path = tmp_path / "train.spacy", tmp_path / "dev.spacy"
        DocBin(docs=train_docs, store_user_data=False).to_disk(train_path)
        DocBin(docs=dev_docs, store_user_data=False).to_disk(dev_path)
        config = ner_config(lang, train_path, dev_path, settings)
        started = time.perf_counter()
        nlp = init_nlp(config)
        use_project_tokenizer(nlp, lang)
        out = sys.stdout if stdout is None else stdout
        (tmp_path / "out").mkdir()
        train(nlp, tmp_path / "out", stdout=out, stderr=out)
        seconds = time.perf_counter() - started
        final = spacy.load(tmp_path / "out" / "model-last")
        use_project_tokenizer(final, lang)
    return final, seconds


def evaluate_ner(nlp: Language, docs: Sequence[Doc], labels: Iterable[str]) -> dict[str, Any]:
    """Micro and per-label precision/recall/F1 of ``nlp``'s entities against ``docs``.

    Only entities with one of ``labels`` count (a pipeline trained with auxiliary labels is
    scored on ours). Returns ``{"micro": {"p", "r", "f"}, "per_label": {label: {"p", "r",
    "f"}}}`` with figures rounded to four places.
    """
    from spacy.scorer import get_ner_prf
    from spacy.training import Example

    wanted = list(labels)
    examples = []
    for predicted, reference in zip(nlp.pipe(d.text for d in docs), docs, strict=True):
        predicted.ents = [e for e in predicted.ents if e.label_ in wanted]
        examples.append(Example(predicted, reference))
    scores = get_ner_prf(examples)
    per_type = scores.get("ents_per_type") or {}
    return {
        "micro": _rounded(scores["ents_p"], scores["ents_r"], scores["ents_f"]),
        "per_label": {
            label: _rounded(*(per_type.get(label, {}).get(k, 0.0) for k in ("p", "r", "f")))
            for label in wanted
        },
    }


def tokenization_mismatches(nlp: Language, texts: Iterable[str], lang: str) -> int:
    """How many ``texts`` ``nlp`` tokenizes differently from the project tokenizer."""
    return sum(
        [t.text for t in nlp.make_doc(text)] != [t.text for t in make_doc(text, lang)]
        for text in texts
    )


def entity_predictions(nlp: Language, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """``(start_char, end_char, label)`` of every entity ``nlp`` finds in each text."""
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=256)
    ]


def prune_strings(nlp: Language, model_dir: Path, texts: Sequence[str]) -> bool:
    """Shrink a saved pipeline's ``vocab/strings.json`` to the entity labels.

    The training run leaves every token string of the corpus there (megabytes); a CPU NER
    model hashes its features from the text, so it does not need them. The pruned pipeline is
    loaded again and must predict exactly what ``nlp`` predicts on ``texts``; if it does not,
    the full file is put back. Returns whether the pruned file was kept.
    """
    import spacy

    strings = model_dir / "vocab" / "strings.json"
    original = strings.read_bytes()
    labels = sorted(str(label) for label in nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]
    strings.write_text(json.dumps(labels), encoding="utf-8")
    pruned = spacy.load(model_dir)
    if entity_predictions(pruned, texts) == entity_predictions(nlp, texts):
        return True
    strings.write_bytes(original)
    return False


def _rounded(p: float | None, r: float | None, f: float | None) -> dict[str, float]:
    return {"p": round(p or 0.0, 4), "r": round(r or 0.0, 4), "f": round(f or 0.0, 4)}


def iter_texts(sentences: Iterable[TaggedSentence]) -> Iterator[str]:
    """The texts of tagged sentences (tokens joined by single spaces)."""
    return (sentence_text(s) for s in sentences)
