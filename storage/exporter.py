"""Export orchestration: annotations out of the project as JSONL (Prodigy or doccano shape),
``.spacy``, CoNLL or Label Studio tasks, streamed page by page and written atomically.

Annotations that pass the filters are read in pages ordered by annotation id (keyset paging
with Core selects: a page of annotations with their documents, then that page's spans), so
memory does not grow with the project; each record is written as it comes. Nothing appears
at the destination until the export is complete (see ``core.exports.atomic``); a failed or
cancelled export leaves the old destination as it was. The formats are described in
``docs/export.md``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select
from sqlalchemy.orm import Session

from core.documents import Status
from core.exports import FORMATS, Format
from core.exports.doccano import doccano_line
from core.exports.label_studio import label_studio_item
from core.exports.prodigy import prodigy_line
from core.exports.record import ExportRecord, ExportWriter, Written
from core.exports.split import dev_documents
from core.exports.writers import ConllWriter, JsonArrayWriter, LinesWriter
from core.notes import META_KEY as NOTE_META_KEY
from core.spans import Span
from storage import models as m
from storage.notes import note_of
from storage.repository import ProjectRepository
from storage.review import GOLD as GOLD_KIND
from storage.review import PERSON as PERSON_KIND
from storage.review import is_reserved_name

__all__ = ["FORMATS", "ExportCancelled", "ExportError", "ExportOptions", "Format", "export_project"]

log = logging.getLogger(__name__)

PAGE_SIZE = 500
NOTE_LIMIT = 20
GOLD_MISSING = "no gold versions: the review feature has not been used"

_ANNOTATION = m.AnnotationRow.__table__
_ANNOTATOR = m.AnnotatorRow.__table__
_DOCUMENT = m.DocumentRow.__table__
_SPAN = m.SpanRow.__table__
_SUGGESTION_RUN = m.SuggestionRunRow.__table__
_SUGGESTION = m.SuggestionRow.__table__
_STATUSES = {status.value: status for status in Status}


class ExportError(ValueError):
    """Options that cannot be exported as asked; the message says why, for people."""


class ExportCancelled(Exception):
    """The export was cancelled; the destination keeps what it had."""


@dataclass(frozen=True)
class ExportOptions:
    """What to export and where: ``out`` is a file, or for ``spacy`` a folder."""

    format: Format
    out: Path
    statuses: tuple[Status, ...] = (Status.ACCEPTED,)
    annotator: str | None = None
    gold: bool = False
    labels: frozenset[str] | None = None
    dev_fraction: float = 0.2
    seed: int = 0
    sentences: bool = False

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ExportError(f"unknown format {self.format!r}; choose {', '.join(FORMATS)}")
        object.__setattr__(self, "out", Path(self.out))
        statuses = tuple(dict.fromkeys(_status(s) for s in self.statuses))
        if not statuses:
            raise ExportError("no status chosen: export needs at least one")
        object.__setattr__(self, "statuses", statuses)
        if self.gold and self.annotator is not None:
            raise ExportError("choose an annotator or the gold versions, not both")
        if self.labels is not None and not self.labels:
            raise ExportError("no label chosen: give at least one label, or none for all")
        if not 0 <= self.dev_fraction < 1:
            raise ExportError(f"the dev fraction must be in [0, 1), got {self.dev_fraction}")
        if self.format == "spacy" and statuses != (Status.ACCEPTED,):
            raise ExportError(
                "the spacy format takes accepted annotations only: spaCy reads every Doc as "
                "complete and correct, which rejected, skipped or open versions are not"
            )


@dataclass
class ExportSummary:
    """What an export wrote, and everything it had to leave out."""

    records: int = 0
    spans: int = 0
    dropped_overlaps: int = 0
    files: list[Path] = field(default_factory=list)
    skipped_tokens: int = 0
    train_docs: int = 0
    dev_docs: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "records": self.records,
            "spans": self.spans,
            "dropped_overlaps": self.dropped_overlaps,
            "skipped_tokens": self.skipped_tokens,
            "train_docs": self.train_docs,
            "dev_docs": self.dev_docs,
            "by_status": self.by_status,
            "files": [str(path) for path in self.files],
            "notes": self.notes,
        }

    def report(self) -> list[str]:
        """The summary as lines for people (the CLI prints them)."""
        lines = [f"note: {note}" for note in self.notes]
        counts = ", ".join(f"{n} {status}" for status, n in self.by_status.items()) or "none"
        lines.append(f"{self.records} records ({counts}), {self.spans} spans")
        if self.dropped_overlaps:
            lines.append(f"{self.dropped_overlaps} overlapping spans left out (see notes)")
        if self.skipped_tokens:
            lines.append(f"{self.skipped_tokens} whitespace-only tokens skipped")
        if self.train_docs or self.dev_docs:
            lines.append(f"{self.train_docs} train docs, {self.dev_docs} dev docs")
        lines.extend(f"wrote {path}" for path in self.files)
        return lines


def export_project(
    repo: ProjectRepository,
    options: ExportOptions,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Export the annotations that pass the filters; see ``docs/export.md``.

    ``progress(done, total)`` is called after every page; ``cancel()`` is asked before every
    page and before the files are put in place, and when it returns True the export stops
    with :class:`ExportCancelled`, its temporary files removed.
    """
    summary = ExportSummary()
    with repo.reading() as s:
        connection = snapshot_connection(repo, s)
        where = _filters(connection, options)
        total = connection.execute(
            select(func.count()).select_from(annotations_joined()).where(*where)
        ).scalar_one()
        try:
            writer = _open_writer(connection, options, where)
        except OSError as exc:
            raise _write_failure(options.out, exc) from None
        try:
            done = 0
            if progress:
                progress(done, total)
            predictions = options.format == "label-studio"
            for page in record_pages(connection, where, options.labels, predictions):
                if cancel and cancel():
                    raise ExportCancelled
                for record in page:
                    _count(summary, record, writer.add(record))
                done += len(page)
                if progress:
                    progress(done, total)
            if cancel and cancel():
                raise ExportCancelled
            summary.files = writer.commit()
        except OSError as exc:
            writer.abort()
            raise _write_failure(options.out, exc) from None
        except BaseException:
            writer.abort()
            raise
    if options.format == "spacy":
        from nlp.docbin import DocBinWriter

        assert isinstance(writer, DocBinWriter)
        summary.train_docs, summary.dev_docs = writer.train_docs, writer.dev_docs
    if summary.dropped_overlaps > NOTE_LIMIT:
        summary.notes.append(f"… and {summary.dropped_overlaps - NOTE_LIMIT} more left out")
    if summary.records == 0:
        summary.notes.append("no annotation matched the filters; the export is empty")
    log.info("exported %d records to %s", summary.records, options.out)
    return summary


def _write_failure(out: Path, exc: OSError) -> ExportError:
    """A full disk or a read-only target as one line; the destination keeps what it had."""
    reason = exc.strerror or str(exc)
    where = exc.filename or out
    return ExportError(f"cannot write the export to {where}: {reason}; {out} was left unchanged")


# -- reading -----------------------------------------------------------------------------


def snapshot_connection(repo: ProjectRepository, s: Session) -> Connection:
    """The connection of read session ``s`` as one consistent snapshot of the project: SQLite's
    WAL gives a read transaction its snapshot; PostgreSQL needs REPEATABLE READ for that."""
    postgres = repo.engine.dialect.name == "postgresql"
    return s.connection(
        execution_options={"isolation_level": "REPEATABLE READ"} if postgres else {}
    )


def annotations_joined() -> Any:
    return _ANNOTATION.join(_ANNOTATOR, _ANNOTATOR.c.id == _ANNOTATION.c.annotator_id)


def _filters(connection: Connection, options: ExportOptions) -> list[ColumnElement[bool]]:
    """The annotations to export: people's versions, or with ``gold`` the gold versions."""
    where: list[ColumnElement[bool]] = [
        _ANNOTATION.c.status.in_([status.value for status in options.statuses])
    ]
    if options.gold:
        has_gold = connection.execute(
            select(_ANNOTATION.c.id)
            .select_from(annotations_joined())
            .where(_ANNOTATOR.c.kind == GOLD_KIND)
            .limit(1)
        ).first()
        if has_gold is None:
            raise ExportError(GOLD_MISSING)
        where.append(_ANNOTATOR.c.kind == GOLD_KIND)
        return where
    where.append(_ANNOTATOR.c.kind == PERSON_KIND)
    if options.annotator is not None:
        known = connection.execute(
            select(_ANNOTATOR.c.id)
            .where(_ANNOTATOR.c.name == options.annotator)
            .where(_ANNOTATOR.c.kind == PERSON_KIND)
        ).first()
        if known is None:
            if is_reserved_name(options.annotator):
                raise ExportError(
                    f"{options.annotator!r} is not a person: export the reviewed gold "
                    "versions with --gold"
                )
            names = connection.execute(
                select(_ANNOTATOR.c.name)
                .where(_ANNOTATOR.c.kind == PERSON_KIND)
                .order_by(_ANNOTATOR.c.name)
            )
            have = ", ".join(name for (name,) in names) or "none"
            raise ExportError(f"no annotator named {options.annotator!r}; the project has {have}")
        where.append(_ANNOTATOR.c.name == options.annotator)
    return where


def record_pages(
    connection: Connection,
    where: Sequence[ColumnElement[bool]],
    labels: frozenset[str] | None,
    predictions: bool = False,
) -> Iterator[list[ExportRecord]]:
    """The filtered annotations, a page at a time, in annotation id order (``where`` may
    name columns of ``annotation``, ``annotator`` and ``document``); with ``predictions``,
    each with its document's cached suggestions."""
    a, d = _ANNOTATION, _DOCUMENT
    page_query = (
        select(
            a.c.id,
            a.c.document_id,
            a.c.status,
            a.c.session,
            a.c.updated_at,
            _ANNOTATOR.c.name,
            d.c.text,
            d.c.tokens,
            d.c.meta,
            a.c.comment,
            a.c.flag,
        )
        .select_from(annotations_joined().join(d, d.c.id == a.c.document_id))
        .where(*where)
        .order_by(a.c.id)
        .limit(PAGE_SIZE)
    )
    after = 0
    while True:
        rows = connection.execute(page_query.where(a.c.id > after)).all()
        if not rows:
            return
        spans = _spans_of(connection, [row[0] for row in rows], labels)
        suggested = (
            _suggestions_of(connection, {row[1] for row in rows}, labels) if predictions else {}
        )
        yield [
            ExportRecord(
                document_id=document_id,
                text=text,
                token_offsets=tokens,
                spans=spans.get(annotation_id, ()),
                status=_STATUSES[status],
                annotator=annotator,
                session=session,
                timestamp=_unix_seconds(updated_at),
                meta=_with_note(meta, comment, flag),
                predictions=suggested.get(document_id, {}),
            )
            for (
                annotation_id,
                document_id,
                status,
                session,
                updated_at,
                annotator,
                text,
                tokens,
                meta,
                comment,
                flag,
            ) in rows
        ]
        after = rows[-1][0]


def _with_note(
    meta: dict[str, Any] | None, comment: str | None, flag: str | None
) -> dict[str, Any]:
    """The document's meta, with the version's note under ``version_note`` when it has one
    (every format writes the meta: JSONL's ``meta``, doccano's keys, CoNLL comment lines)."""
    note = note_of(comment, flag)
    if note.empty:
        return meta or {}
    return {**(meta or {}), NOTE_META_KEY: note.as_meta()}


def _spans_of(
    connection: Connection, annotation_ids: list[int], labels: frozenset[str] | None
) -> dict[int, list[Span]]:
    query = (
        select(_SPAN.c.annotation_id, _SPAN.c.start, _SPAN.c.end, _SPAN.c.label, _SPAN.c.source)
        .where(_SPAN.c.annotation_id.in_(annotation_ids))
        .order_by(_SPAN.c.annotation_id, _SPAN.c.start, _SPAN.c.end, _SPAN.c.label)
    )
    if labels is not None:
        query = query.where(_SPAN.c.label.in_(sorted(labels)))
    spans: dict[int, list[Span]] = defaultdict(list)
    for annotation_id, start, end, label, source in connection.execute(query).all():
        spans[annotation_id].append(Span(start, end, label, source))
    return spans


def _suggestions_of(
    connection: Connection, document_ids: set[int], labels: frozenset[str] | None
) -> dict[int, dict[str, list[Span]]]:
    """The documents' cached suggestions: document -> suggester -> spans in text order."""
    run, row = _SUGGESTION_RUN, _SUGGESTION
    query = (
        select(
            run.c.document_id, run.c.suggester, row.c.start, row.c.end, row.c.label, row.c.source
        )
        .join(row, row.c.run_id == run.c.id)
        .where(run.c.document_id.in_(sorted(document_ids)))
        .order_by(run.c.document_id, run.c.suggester, row.c.start, row.c.end, row.c.label)
    )
    if labels is not None:
        query = query.where(row.c.label.in_(sorted(labels)))
    found: dict[int, dict[str, list[Span]]] = defaultdict(dict)
    for document_id, suggester, start, end, label, source in connection.execute(query).all():
        found[document_id].setdefault(suggester, []).append(Span(start, end, label, source))
    return found


def _unix_seconds(moment: datetime) -> int:
    """SQLite gives back naive datetimes; Kathode stores UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


# -- writing -----------------------------------------------------------------------------


def _open_writer(
    connection: Connection, options: ExportOptions, where: Sequence[ColumnElement[bool]]
) -> ExportWriter:
    out = options.out
    if options.format == "spacy":
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; the spacy format writes a folder")
        from nlp.docbin import DocBinWriter

        documents = connection.execute(
            select(_ANNOTATION.c.document_id).select_from(annotations_joined()).where(*where)
        ).scalars()
        dev = dev_documents(documents, options.dev_fraction, options.seed)
        return DocBinWriter(out, dev)
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name, e.g. {out / 'export.jsonl'}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if options.format == "conll":
        return ConllWriter(out, sentences=options.sentences)
    if options.format == "label-studio":
        return JsonArrayWriter(out, label_studio_item)
    return LinesWriter(out, prodigy_line if options.format == "jsonl" else doccano_line)


def _count(summary: ExportSummary, record: ExportRecord, written: Written) -> None:
    summary.records += 1
    summary.spans += written.spans
    summary.skipped_tokens += written.skipped_tokens
    summary.by_status[record.status.value] = summary.by_status.get(record.status.value, 0) + 1
    for span in written.dropped:
        summary.dropped_overlaps += 1
        if summary.dropped_overlaps <= NOTE_LIMIT:
            summary.notes.append(
                f"document {record.document_id} ({record.annotator}): [{span.start}, "
                f"{span.end}) {span.label} {span.text_in(record.text)!r} overlaps a longer "
                "span; left out"
            )


def _status(value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise ExportError(f"unknown status {value!r}; statuses are {', '.join(Status)}") from None
