"""Training a project model on the project's own accepted versions, and asking it what it is
unsure of.

Every example is a ``Doc`` built on the document's *stored* tokens with
:func:`nlp.docbin.training_doc` (the routine the ``.spacy`` export uses), and the model
predicts on those same tokens, so a document made with an older tokenizer, or with a file's
own tokens, trains on exactly what its spans align to. The loop is spaCy's ``nlp.update``
over shuffled minibatches (a small project's documents several times per epoch), scored on
dev after every epoch; the best epoch's weights are kept. It stops at the epoch limit, after
``patience`` epochs without a better dev F1 (counted once it finds anything), at a step or
time budget, or when asked to (``should_stop``), between two batches.

German can start from the bundled ``de-news`` weights (its name-list component included),
with the project's labels added to its NER; ``blank`` starts from fresh weights (German
still gets the bundled name lists as a feature: knowledge, not weights). Figures are
span-level exact-match precision/recall/F1, counted the same way for the project model and
for the built-in suggester, so the two can be compared on the same dev documents.

spaCy is imported inside the functions.
"""

from __future__ import annotations

import importlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from core.agreement import prf_of_counts
from core.exports.overlaps import non_overlapping
from core.exports.record import ExportRecord
from core.spans import Span
from nlp.docbin import training_doc, words_and_spaces
from nlp.suggesters.pipelines import MODELS_DIR, load_pipeline, use_project_tokenizer
from nlp.training import NerSettings, ner_config

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

Base = Literal["de-news", "blank"]
BASES: tuple[str, ...] = ("de-news", "blank")
DE_NEWS = MODELS_DIR / "de-news"
GAZETTEER = "kathode_gazetteer"
SOURCE = "project-model"
MIN_EPOCH_EXAMPLES = 256
BLANK_RATE = 0.001
FINE_TUNE_RATE = 0.0001


class TrainingCancelled(Exception):
    """``should_stop`` said stop; nothing was saved."""


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """How one training run goes. ``max_steps``/``max_seconds`` are budgets over the whole run
    (``None``: none); the epoch limit and ``patience`` (epochs without a better dev F1)
    apply as well, whichever comes first."""

    lang: str
    labels: tuple[str, ...]
    base: Base = "blank"
    seed: int = 0
    max_epochs: int = 30
    patience: int = 4
    max_steps: int | None = None
    max_seconds: float | None = None
    batch_size: int = 16
    dropout: float = 0.2
    # None: 0.001 from blank weights, 0.0001 on top of de-news. A trained model fine-tuned at
    # the rate it was trained with loses what it knew (one epoch of 6,000 GermEval sentences
    # at 0.001 took de-news from dev F1 0.7525 to 0.7366; at 0.0001 to 0.7561).
    learn_rate: float | None = None

    @property
    def rate(self) -> float:
        if self.learn_rate is not None:
            return self.learn_rate
        return FINE_TUNE_RATE if self.base == "de-news" else BLANK_RATE


@dataclass(frozen=True, slots=True)
class Figures:
    """Span-level exact-match figures, overall and per label."""

    p: float
    r: float
    f: float
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "p": self.p,
            "r": self.r,
            "f": self.f,
            "per_label": self.per_label,
            "support": self.support,
        }


@dataclass(frozen=True, slots=True)
class EpochReport:
    """Sent to ``progress`` after every epoch."""

    epoch: int
    max_epochs: int
    step: int
    loss: float
    dev_f: float
    best_f: float
    seconds: float


@dataclass(slots=True)
class TrainedModel:
    nlp: Language
    figures: Figures
    epochs: int
    best_epoch: int
    steps: int
    seconds: float
    stopped_by: str  # "epochs", "patience", "steps", "time"


def span_figures(
    predicted: Sequence[Sequence[Span]], reference: Sequence[Sequence[Span]], labels: Sequence[str]
) -> Figures:
    """Exact match on (start, end, label), pooled over documents; only ``labels`` count."""
    wanted = set(labels)
    counts = {label: [0, 0, 0] for label in labels}  # matches, reference, predicted
    for found, truth in zip(predicted, reference, strict=True):
        keys_found = {(s.start, s.end, s.label) for s in found if s.label in wanted}
        keys_truth = {(s.start, s.end, s.label) for s in truth if s.label in wanted}
        for key in keys_truth:
            counts[key[2]][1] += 1
        for key in keys_found:
            counts[key[2]][2] += 1
        for key in keys_found & keys_truth:
            counts[key[2]][0] += 1
    per_label = {}
    for label, (tp, ref, pred) in counts.items():
        prf = prf_of_counts(tp, ref, pred) if ref or pred else None
        per_label[label] = _rounded(prf.precision, prf.recall, prf.f1) if prf else _rounded(0, 0, 0)
    tp, ref, pred = (sum(c[i] for c in counts.values()) for i in range(3))
    total = prf_of_counts(tp, ref, pred) if ref or pred else None
    overall = _rounded(total.precision, total.recall, total.f1) if total else _rounded(0, 0, 0)
    return Figures(
        overall["p"],
        overall["r"],
        overall["f"],
        per_label,
        {label: c[1] for label, c in counts.items()},
    )


def reference_spans(record: ExportRecord, labels: Sequence[str]) -> list[Span]:
    """The spans a record trains on: its spans of ``labels``, without overlaps."""
    wanted = set(labels)
    kept, _ = non_overlapping(s for s in record.spans if s.label in wanted)
    return kept


def new_pipeline(settings: TrainSettings) -> Language:
    """The pipeline to train, with the project tokenizer and ``settings.labels`` added; not
    yet initialized when it starts blank (see :func:`start_training`)."""
    if settings.base == "de-news":
        if settings.lang != "de":
            raise ValueError("the de-news base is German; use --base blank for other languages")
        nlp = load_pipeline("de-news", DE_NEWS)
        use_project_tokenizer(nlp, "de")
    else:
        import spacy

        lists = DE_NEWS / GAZETTEER / "lists.json.gz"
        gazetteer = lists if settings.lang == "de" and lists.is_file() else None
        if gazetteer is not None:
            importlib.import_module("nlp.gazetteer")  # registers the factory for the config
        config = ner_config(
            settings.lang, Path("unused"), Path("unused"), NerSettings(gazetteer=gazetteer)
        )
        from spacy.util import fix_random_seed  # type: ignore[attr-defined]

        fix_random_seed(settings.seed)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
        use_project_tokenizer(nlp, settings.lang)
    ner = nlp.get_pipe("ner")
    for label in settings.labels:
        ner.add_label(label)  # type: ignore[attr-defined]
    nlp.meta["name"] = SOURCE
    return nlp


def start_training(nlp: Language, settings: TrainSettings, sample: Sequence[Any]) -> Any:
    """The optimizer: a blank pipeline is initialized on ``sample`` first, a trained one
    resumes with its weights."""
    from thinc.api import Adam

    optimizer = Adam(learn_rate=settings.rate)
    if settings.base == "de-news":
        nlp.resume_training(sgd=optimizer)
    else:
        nlp.initialize(lambda: list(sample), sgd=optimizer)
    return optimizer


def examples_of(nlp: Language, records: Sequence[ExportRecord], labels: Sequence[str]) -> list[Any]:
    """One ``Example`` per record: the reference on the stored tokens with its entities, the
    prediction side a fresh doc on the very same tokens."""
    from spacy.training import Example

    examples = []
    for record in records:
        reference = training_doc(
            nlp.vocab, record.text, record.token_offsets, reference_spans(record, labels)
        )
        examples.append(Example(_bare_doc(nlp, record), reference))
    return examples


def predict_spans(nlp: Language, records: Sequence[ExportRecord]) -> list[list[Span]]:
    """The model's entities in each record's text, predicted on the record's stored tokens."""
    docs = (_bare_doc(nlp, record) for record in records)
    source = model_source(nlp)
    return [
        [Span(e.start_char, e.end_char, e.label_, source) for e in doc.ents]
        for doc in nlp.pipe(docs, batch_size=64)
    ]


def model_source(nlp: Language) -> str:
    return f"model:{nlp.meta.get('name', SOURCE)}@{nlp.meta.get('version', '0.0.0')}"


def train_model(
    settings: TrainSettings,
    train: Sequence[ExportRecord],
    dev: Sequence[ExportRecord],
    *,
    progress: Callable[[EpochReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainedModel:
    """Train on ``train``, score on ``dev`` after every epoch, keep the best epoch.

    Raises :class:`TrainingCancelled` when ``should_stop()`` turns true.
    """
    from spacy.util import minibatch

    if not train:
        raise ValueError("no training documents")
    started = time.perf_counter()
    rng = random.Random(settings.seed)
    labels = list(settings.labels)
    nlp = new_pipeline(settings)
    train_examples = examples_of(nlp, train, labels)
    optimizer = start_training(nlp, settings, train_examples[:300])
    dev_reference = [reference_spans(r, labels) for r in dev]
    annotates = [GAZETTEER] if GAZETTEER in nlp.pipe_names else []
    best_f, best_epoch, best_bytes = -1.0, 0, None
    step, epoch, since_best, stopped_by = 0, 0, 0, "epochs"
    while epoch < settings.max_epochs:
        epoch += 1
        losses: dict[str, float] = {}
        batches = minibatch(_epoch(train_examples, rng), size=settings.batch_size)  # type: ignore[no-untyped-call]
        for batch in batches:
            if should_stop and should_stop():
                raise TrainingCancelled
            nlp.update(
                batch, sgd=optimizer, drop=settings.dropout, losses=losses, annotates=annotates
            )
            step += 1
            if settings.max_steps is not None and step >= settings.max_steps:
                stopped_by = "steps"
                break
            if (
                settings.max_seconds is not None
                and time.perf_counter() - started > settings.max_seconds
            ):
                stopped_by = "time"
                break
        # Without dev documents every epoch counts as the best: the last weights are kept.
        dev_f = span_figures(predict_spans(nlp, dev), dev_reference, labels).f if dev else 0.0
        if not dev:
            best_f, best_epoch = dev_f, epoch
        elif dev_f > best_f or best_bytes is None:
            best_f, best_epoch, since_best = dev_f, epoch, 0
            best_bytes = nlp.to_bytes()
        elif best_f > 0:  # patience starts once the model finds anything at all
            since_best += 1
        if progress:
            progress(
                EpochReport(
                    epoch,
                    settings.max_epochs,
                    step,
                    round(float(losses.get("ner", 0.0)), 2),
                    dev_f,
                    best_f,
                    round(time.perf_counter() - started, 1),
                )
            )
        if stopped_by != "epochs":
            break
        if since_best >= settings.patience:
            stopped_by = "patience"
            break
    if best_bytes is not None and best_epoch != epoch:
        nlp.from_bytes(best_bytes)
    figures = span_figures(predict_spans(nlp, dev), dev_reference, labels) if dev else None
    return TrainedModel(
        nlp,
        figures or Figures(0.0, 0.0, 0.0),
        epoch,
        best_epoch,
        step,
        round(time.perf_counter() - started, 1),
        stopped_by,
    )


def _epoch(examples: Sequence[Any], rng: random.Random) -> list[Any]:
    """One epoch: every example once, shuffled; a small project's examples several times
    over, so that an epoch has at least :data:`MIN_EPOCH_EXAMPLES` (a blank model needs
    hundreds of updates before it finds anything)."""
    out: list[Any] = []
    while len(out) < max(len(examples), MIN_EPOCH_EXAMPLES):
        shuffled = list(examples)
        rng.shuffle(shuffled)
        out.extend(shuffled)
    return out


def document_uncertainty(
    nlp: Language, records: Sequence[ExportRecord], *, beam_width: int = 8
) -> list[float]:
    """How unsure ``nlp`` is about each record's text: the sum, over every entity that any
    of the ``beam_width`` best analyses proposes, of ``min(p, 1 - p)``, where ``p`` is the
    share of the beam's probability on analyses that contain that entity.

    0 means the model is sure of every entity and of every non-entity it considered; a
    document with many entities the model half-believes scores high. Long documents with
    many open questions come first, which is what an annotator's hour is best spent on.
    """
    ner = nlp.get_pipe("ner")
    others = [name for name in nlp.pipe_names if name != "ner"]
    scores: list[float] = []
    for start in range(0, len(records), 64):
        chunk = records[start : start + 64]
        docs = [_bare_doc(nlp, r) for r in chunk]
        with nlp.select_pipes(enable=others):
            docs = list(nlp.pipe(docs))
        beams = ner.beam_parse(docs, beam_width=beam_width)  # type: ignore[attr-defined]
        for beam in beams:
            marginals: dict[tuple[int, int, str], float] = {}
            for probability, entities in ner.moves.get_beam_parses(beam):  # type: ignore[attr-defined]
                for entity in entities:
                    key = (entity[0], entity[1], str(entity[2]))
                    marginals[key] = marginals.get(key, 0.0) + float(probability)
            scores.append(round(sum(min(p, 1.0 - p) for p in marginals.values()), 6))
    return scores


def _bare_doc(nlp: Language, record: ExportRecord) -> Doc:
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(record.text, record.token_offsets)
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _rounded(p: float, r: float, f: float) -> dict[str, float]:
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4)}
