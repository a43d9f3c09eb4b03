"""Training the project model: what it learns from, the run, its figures, and the queue
order it leaves behind.

The training data are the project's accepted versions of one language, read in one
consistent snapshot (a read transaction; REPEATABLE READ on PostgreSQL), so annotators may go
on writing meanwhile. Each document counts once: its accepted gold version where one exists,
else the most recently changed accepted version of a person (or, with ``annotator``, that
person's; with ``gold_only``, gold versions alone). Documents are split into train and dev
with the export's seeded split (:func:`core.exports.split.dev_documents`).

A run trains the model (:mod:`nlp.project_training`), scores on the same dev documents the
previous project model and the built-in suggester, optionally draws a learning curve (the
same training on 25, 50 and 75 % of the training documents), then installs the model
(:mod:`storage.project_models`: atomic, the previous one stays in use until then) and scores
every document of the language for the *most informative first* queue order. spaCy runs
wherever this runs: the CLI, or the app's training process (``storage.train_server``),
never the GUI process.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.documents import Status
from core.exports.record import ExportRecord
from core.exports.split import dev_documents
from storage import models as m
from storage import project_models
from storage.exporter import annotations_joined, record_pages, snapshot_connection
from storage.repository import ProjectRepository
from storage.review import GOLD as GOLD_KIND
from storage.review import PERSON as PERSON_KIND

if TYPE_CHECKING:
    from nlp.project_training import EpochReport, Figures, TrainedModel, TrainSettings

log = logging.getLogger(__name__)

MIN_DOCUMENTS = 4  # accepted documents of the language (so that train and dev both have some)
MIN_EXAMPLES = 3  # spans of a label in the training documents
CURVE_SHARES = (0.25, 0.5, 0.75)
MODEL_VERSION_PREFIX = "project"
SCORE_BATCH = 256

Progress = Callable[[dict[str, Any]], None]

_ANNOTATION = m.AnnotationRow.__table__
_ANNOTATOR = m.AnnotatorRow.__table__
_DOCUMENT = m.DocumentRow.__table__


class TrainingError(ValueError):
    """The project cannot be trained as asked (too little data, unknown names); for people."""


@dataclass(frozen=True)
class TrainOptions:
    """What ``train`` learns from and how. ``lang`` None: the language with the most
    accepted documents; ``base`` None: ``de-news`` for German, ``blank`` otherwise."""

    lang: str | None = None
    labels: tuple[str, ...] | None = None
    gold_only: bool = False
    annotator: str | None = None
    base: str | None = None
    dev_share: float = 0.2
    seed: int = 0
    max_minutes: float | None = None
    max_epochs: int = 30
    patience: int = 4
    curve: bool = True
    score_documents: bool = True

    def __post_init__(self) -> None:
        if self.gold_only and self.annotator is not None:
            raise TrainingError("choose an annotator or the gold versions, not both")
        if not 0 < self.dev_share < 1:
            raise TrainingError(f"the dev share must lie between 0 and 1, got {self.dev_share}")
        if self.max_minutes is not None and self.max_minutes <= 0:
            raise TrainingError("--max-minutes must be positive")
        if self.max_epochs < 1:
            raise TrainingError("at least one epoch")


@dataclass
class TrainingData:
    """One language's training documents, and what was left out and why."""

    lang: str
    records: list[ExportRecord]
    labels: list[str]
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def data_hash(self) -> str:
        digest = hashlib.sha256()
        for record in sorted(self.records, key=lambda r: r.document_id):
            digest.update(f"{record.document_id}:{len(record.text)}".encode())
            for span in record.spans:
                if span.label in self.labels:
                    digest.update(f"|{span.start},{span.end},{span.label}".encode())
        return digest.hexdigest()


@dataclass
class TrainResult:
    """Everything a run found out; :meth:`as_dict` is what ``train --json`` prints."""

    lang: str
    base: str
    labels: list[str]
    documents: dict[str, int]
    spans: int
    figures: Figures
    builtin: Figures
    previous: Figures | None
    previous_version: str | None
    curve: list[tuple[int, float]]
    curve_verdict: str
    beats_builtin: bool
    version: str
    path: str
    seconds: float
    epochs: int
    best_epoch: int
    stopped_by: str
    notes: list[str]
    scored_documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "base": self.base,
            "labels": self.labels,
            "documents": self.documents,
            "spans": self.spans,
            "dev": self.figures.as_dict(),
            "builtin_dev": self.builtin.as_dict(),
            "previous_dev": self.previous.as_dict() if self.previous else None,
            "previous_version": self.previous_version,
            "beats_builtin": self.beats_builtin,
            "curve": [list(point) for point in self.curve],
            "curve_verdict": self.curve_verdict,
            "version": self.version,
            "path": self.path,
            "seconds": self.seconds,
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "stopped_by": self.stopped_by,
            "scored_documents": self.scored_documents,
            "notes": self.notes,
        }


def training_data(repo: ProjectRepository, options: TrainOptions) -> TrainingData:
    """The documents and labels a run would train on; :class:`TrainingError` when there are
    too few."""
    with repo.reading() as s:
        connection = snapshot_connection(repo, s)
        lang = options.lang or _main_language(connection)
        where: list[Any] = [
            _ANNOTATION.c.status == Status.ACCEPTED.value,
            _DOCUMENT.c.language == lang,
        ]
        if options.gold_only:
            where.append(_ANNOTATOR.c.kind == GOLD_KIND)
        elif options.annotator is not None:
            _check_annotator(connection, options.annotator)
            where.append(_ANNOTATOR.c.name == options.annotator)
        chosen: dict[int, ExportRecord] = {}
        for page in record_pages(connection, where, None):
            for record in page:
                held = chosen.get(record.document_id)
                if held is None or _better(record, held):
                    chosen[record.document_id] = record
        scheme = [label for (label,) in connection.execute(select(m.LabelRow.name))]
    records = [chosen[i] for i in sorted(chosen)]
    what = _what(options)
    if len(records) < MIN_DOCUMENTS:
        raise TrainingError(
            f"too little data: {len(records)} accepted {lang} document(s) {what}; a model "
            f"needs at least {MIN_DOCUMENTS} (accept more documents first)"
        )
    counts: dict[str, int] = {}
    for record in records:
        for span in record.spans:
            counts[span.label] = counts.get(span.label, 0) + 1
    notes: list[str] = []
    if options.labels is not None:
        unknown = [label for label in options.labels if label not in scheme]
        if unknown:
            raise TrainingError(
                f"unknown label(s) {', '.join(unknown)}; the scheme has {', '.join(scheme)}"
            )
        few = [label for label in options.labels if counts.get(label, 0) < MIN_EXAMPLES]
        if few:
            raise TrainingError(
                "too little data: "
                + ", ".join(f"{label} has {counts.get(label, 0)} example(s)" for label in few)
                + f" in the accepted {lang} documents; each label needs at least {MIN_EXAMPLES}"
            )
        labels = list(options.labels)
    else:
        labels = [label for label in scheme if counts.get(label, 0) >= MIN_EXAMPLES]
        few = [label for label in scheme if 0 < counts.get(label, 0) < MIN_EXAMPLES]
        unused = [label for label in scheme if counts.get(label, 0) == 0]
        if few:
            notes.append(
                f"left out (fewer than {MIN_EXAMPLES} examples): "
                + ", ".join(f"{label} ({counts[label]})" for label in few)
            )
        if unused:
            notes.append(f"left out (only in the scheme, no examples): {', '.join(unused)}")
        if not labels:
            raise TrainingError(
                f"too little data: no label has {MIN_EXAMPLES} examples in the "
                f"{len(records)} accepted {lang} documents {what}"
            )
    foreign = sorted(set(counts) - set(scheme))
    if foreign:
        notes.append(f"spans of labels not in the scheme are not trained: {', '.join(foreign)}")
    return TrainingData(lang, records, labels, {k: counts.get(k, 0) for k in labels}, notes)


def train_project(
    repo: ProjectRepository,
    options: TrainOptions,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Train, compare, install and score; see the module docstring.

    ``progress`` gets dicts: ``{"kind": "stage", "text"}``, ``{"kind": "epoch", "phase",
    "epoch", "max_epochs", "step", "loss", "dev_f", "best_f", "seconds"}`` and ``{"kind":
    "scored", "done", "total"}``. ``should_stop()`` is asked between batches; when it turns
    true the run ends with ``nlp.project_training.TrainingCancelled`` and nothing installed.
    """
    from nlp.project_training import TrainingCancelled, TrainSettings, train_model

    started = time.perf_counter()
    report = progress or (lambda _event: None)
    report({"kind": "stage", "text": "Reading the accepted documents…"})
    data = training_data(repo, options)
    base = options.base or ("de-news" if data.lang == "de" else "blank")
    if base not in ("de-news", "blank"):
        raise TrainingError(f"unknown base {base!r}; choose de-news or blank")
    if base == "de-news" and data.lang != "de":
        raise TrainingError("the de-news base is German; use --base blank for other languages")
    dev_ids = dev_documents((r.document_id for r in data.records), options.dev_share, options.seed)
    train = [r for r in data.records if r.document_id not in dev_ids]
    dev = [r for r in data.records if r.document_id in dev_ids]
    settings = TrainSettings(
        lang=data.lang,
        labels=tuple(data.labels),
        base=base,  # type: ignore[arg-type]
        seed=options.seed,
        max_epochs=options.max_epochs,
        patience=options.patience,
        max_seconds=options.max_minutes * 60 if options.max_minutes else None,
    )

    def epochs(phase: str) -> Callable[[EpochReport], None]:
        def send(epoch: EpochReport) -> None:
            report({"kind": "epoch", "phase": phase, **_fields(epoch)})

        return send

    report(
        {
            "kind": "stage",
            "text": f"Training on {len(train)} documents, {len(dev)} for dev ({base})…",
        }
    )
    trained = train_model(settings, train, dev, progress=epochs("model"), should_stop=should_stop)
    report({"kind": "stage", "text": "Scoring the built-in suggester on the same documents…"})
    builtin = builtin_figures(data.lang, dev, data.labels)
    previous = project_models.latest(repo.url, data.lang)
    previous_figures = _previous_figures(previous, dev, data.labels)
    curve: list[tuple[int, float]] = []
    if options.curve:
        curve = _curve(settings, train, dev, trained, report, should_stop)
    verdict = curve_verdict(curve)
    if should_stop and should_stop():
        raise TrainingCancelled
    beats = trained.figures.f > builtin.f
    created = datetime.now(UTC)
    version = f"{MODEL_VERSION_PREFIX}-{data.lang}-{created:%Y%m%d%H%M%S}-{data.data_hash[:8]}"
    trained.nlp.meta["version"] = "1.0.0"
    trained.nlp.meta["name"] = version
    meta = _meta(data, options, base, trained, builtin, curve, verdict, beats, version, created)
    meta["documents"] = {"train": len(train), "dev": len(dev)}
    meta["previous"] = (
        {"version": previous.version, "dev_on_these": previous_figures.as_dict()}
        if previous and previous_figures
        else None
    )
    report({"kind": "stage", "text": "Saving the model…"})
    staged = project_models.staging_folder(repo.url, data.lang)
    try:
        trained.nlp.to_disk(staged)
        model = project_models.install(staged, meta)
    except BaseException:
        project_models.discard(staged)
        raise
    result = TrainResult(
        lang=data.lang,
        base=base,
        labels=data.labels,
        documents={"train": len(train), "dev": len(dev)},
        spans=sum(data.counts.values()),
        figures=trained.figures,
        builtin=builtin,
        previous=previous_figures,
        previous_version=previous.version if previous else None,
        curve=curve,
        curve_verdict=verdict,
        beats_builtin=beats,
        version=version,
        path=str(model.path),
        seconds=0.0,
        epochs=trained.epochs,
        best_epoch=trained.best_epoch,
        stopped_by=trained.stopped_by,
        notes=data.notes,
    )
    if options.score_documents:
        result.scored_documents = score_documents(
            repo, trained.nlp, data.lang, version, report, should_stop
        )
    result.seconds = round(time.perf_counter() - started, 1)
    return result


def builtin_figures(lang: str, dev: Sequence[ExportRecord], labels: Sequence[str]) -> Figures:
    """The built-in ``default`` suggester (rules, plus de-news for German) on ``dev``, fitted
    to each document's tokens the way cached suggestions are."""
    from nlp.project_training import reference_spans, span_figures
    from nlp.suggesters import default_suggester
    from storage.suggest import fit_to_tokens

    suggester = default_suggester(lang)
    found = suggester.suggest([r.text for r in dev]) if dev else []
    predicted = [fit_to_tokens(spans, r.tokens()) for spans, r in zip(found, dev, strict=True)]
    return span_figures(predicted, [reference_spans(r, labels) for r in dev], labels)


def curve_verdict(curve: Sequence[tuple[int, float]]) -> str:
    """One plain sentence on whether more annotation still helps, from the last two points."""
    if len(curve) < 2:
        return "No learning curve was drawn."
    (n_before, f_before), (n_last, f_last) = curve[-2], curve[-1]
    gain = (f_last - f_before) * 100
    if gain >= 1.0:
        return (
            f"Still rising: the last {n_last - n_before} training documents added "
            f"{gain:.1f} F1 points, so more annotation is likely to help."
        )
    if gain > -1.0:
        return (
            f"Levelling off: the last {n_last - n_before} training documents changed F1 by "
            f"{gain:+.1f} points; more documents of the same kind will help little, other "
            "kinds of documents or a review of the annotations may."
        )
    return (
        f"Uneven: F1 fell by {-gain:.1f} points with the last {n_last - n_before} training "
        "documents; the dev set is small or the annotations disagree, so review them."
    )


def score_documents(
    repo: ProjectRepository,
    nlp: Any,
    lang: str,
    version: str,
    report: Progress,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Store the model's uncertainty for every document of ``lang`` (the *most informative
    first* queue order); returns how many were scored. Stopping keeps what was stored."""
    from nlp.project_training import document_uncertainty

    with repo.reading() as s:
        ids = list(
            s.scalars(
                select(m.DocumentRow.id)
                .where(m.DocumentRow.language == lang)
                .order_by(m.DocumentRow.id)
            )
        )
    report({"kind": "scored", "done": 0, "total": len(ids)})
    done = 0
    for start in range(0, len(ids), SCORE_BATCH):
        if should_stop and should_stop():
            break
        batch = ids[start : start + SCORE_BATCH]
        records = _bare_records(repo, batch)
        scores = document_uncertainty(nlp, records)
        scored = [r.document_id for r in records]
        repo.store_document_scores(version, list(zip(scored, scores, strict=True)))
        done += len(batch)
        report({"kind": "scored", "done": done, "total": len(ids)})
    return done


# -- helpers -------------------------------------------------------------------------------


def _main_language(connection: Any) -> str:
    from sqlalchemy import func

    joined = annotations_joined().join(_DOCUMENT, _DOCUMENT.c.id == _ANNOTATION.c.document_id)
    rows = connection.execute(
        select(_DOCUMENT.c.language, func.count())
        .select_from(joined)
        .where(_ANNOTATION.c.status == Status.ACCEPTED.value)
        .group_by(_DOCUMENT.c.language)
        .order_by(func.count().desc(), _DOCUMENT.c.language)
    ).first()
    if rows is None:
        raise TrainingError("too little data: the project has no accepted document yet")
    return str(rows[0])


def _check_annotator(connection: Any, name: str) -> None:
    known = connection.execute(
        select(_ANNOTATOR.c.id)
        .where(_ANNOTATOR.c.name == name)
        .where(_ANNOTATOR.c.kind == PERSON_KIND)
    ).first()
    if known is None:
        raise TrainingError(f"no annotator named {name!r} (the gold versions: --gold)")


def _better(record: ExportRecord, held: ExportRecord) -> bool:
    """Gold wins; among people's versions the most recently changed one."""
    record_gold, held_gold = record.annotator == GOLD_KIND, held.annotator == GOLD_KIND
    if record_gold != held_gold:
        return record_gold
    return record.timestamp >= held.timestamp


def _what(options: TrainOptions) -> str:
    if options.gold_only:
        return "with a gold version"
    if options.annotator:
        return f"by {options.annotator}"
    return "(gold or people's)"


def _fields(epoch: EpochReport) -> dict[str, Any]:
    return {
        "epoch": epoch.epoch,
        "max_epochs": epoch.max_epochs,
        "step": epoch.step,
        "loss": epoch.loss,
        "dev_f": epoch.dev_f,
        "best_f": epoch.best_f,
        "seconds": epoch.seconds,
    }


def _previous_figures(
    previous: project_models.ProjectModel | None,
    dev: Sequence[ExportRecord],
    labels: Sequence[str],
) -> Figures | None:
    if previous is None or not dev:
        return None
    from nlp.project_training import predict_spans, reference_spans, span_figures
    from nlp.suggesters import SuggesterError
    from nlp.suggesters.pipelines import load_pipeline

    try:
        nlp = load_pipeline("project-model:previous", previous.path)
    except SuggesterError as exc:
        log.warning("the previous project model cannot be loaded: %s", exc)
        return None
    return span_figures(predict_spans(nlp, dev), [reference_spans(r, labels) for r in dev], labels)


def _curve(
    settings: TrainSettings,
    train: Sequence[ExportRecord],
    dev: Sequence[ExportRecord],
    trained: TrainedModel,
    report: Progress,
    should_stop: Callable[[], bool] | None,
) -> list[tuple[int, float]]:
    """Dev F1 after the same training on growing shares of the training documents (a seeded
    shuffle, each share a prefix of the next); the last point is the model itself."""
    from nlp.project_training import train_model

    order = list(train)
    random.Random(settings.seed).shuffle(order)
    points: list[tuple[int, float]] = []
    for share in CURVE_SHARES:
        n = max(1, round(len(order) * share))
        if points and n <= points[-1][0]:
            continue
        budget = settings.max_seconds * share if settings.max_seconds else None
        report({"kind": "stage", "text": f"Learning curve: {share:.0%} of the documents…"})

        def send(epoch: EpochReport, phase: str = f"curve {share:.0%}") -> None:
            report({"kind": "epoch", "phase": phase, **_fields(epoch)})

        partial = train_model(
            replace(settings, max_seconds=budget),
            order[:n],
            dev,
            progress=send,
            should_stop=should_stop,
        )
        points.append((n, partial.figures.f))
    points.append((len(order), trained.figures.f))
    return points


def _meta(
    data: TrainingData,
    options: TrainOptions,
    base: str,
    trained: TrainedModel,
    builtin: Figures,
    curve: list[tuple[int, float]],
    verdict: str,
    beats: bool,
    version: str,
    created: datetime,
) -> dict[str, Any]:
    from spacy.about import __version__ as spacy_version

    return {
        "version": version,
        "lang": data.lang,
        "labels": data.labels,
        "label_counts": data.counts,
        "data_hash": data.data_hash,
        "base": base,
        "spacy_version": spacy_version,
        "created": created.isoformat(),
        "source": "gold" if options.gold_only else (options.annotator or "gold or people's"),
        "seed": options.seed,
        "dev_share": options.dev_share,
        "dev": trained.figures.as_dict(),
        "builtin_dev": builtin.as_dict(),
        "beats_builtin": beats,
        "curve": [list(point) for point in curve],
        "curve_verdict": verdict,
        "epochs": trained.epochs,
        "best_epoch": trained.best_epoch,
        "stopped_by": trained.stopped_by,
        "train_seconds": trained.seconds,
        "notes": data.notes,
    }


def _bare_records(repo: ProjectRepository, ids: Sequence[int]) -> list[ExportRecord]:
    """The documents' texts and stored tokens, without spans, in the order of ``ids``."""
    with repo.reading() as s:
        rows = s.execute(
            select(m.DocumentRow.id, m.DocumentRow.text, m.DocumentRow.tokens).where(
                m.DocumentRow.id.in_(ids)
            )
        )
        found = {row.id: (row.text, row.tokens) for row in rows}
    return [
        ExportRecord(i, found[i][0], found[i][1], (), Status.OPEN, "") for i in ids if i in found
    ]
