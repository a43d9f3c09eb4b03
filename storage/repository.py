"""The repository: the only place in Kathode that queries the project database.

Every method is one short transaction; writes start with ``BEGIN IMMEDIATE`` on SQLite (see
``storage.engine``) and are committed before the method returns, so nothing an annotator
does is ever held only in memory. Methods take and return plain ``core`` values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from core.documents import Annotation, Document, DocumentSummary, Status
from core.edits import SpanDelta
from core.labels import load_scheme
from core.spans import Span, Token
from core.text_rules import check_annotator_name
from core.tokens import token_index
from storage import models as m
from storage.assignment import OVERLAP_KEY, Assignments
from storage.bulk import ImportEntry, ImportOutcome, store_batch
from storage.document_scores import DocumentScores, order_by
from storage.engine import is_sqlite, make_engine, project_url
from storage.integrity import check_project
from storage.migrate import upgrade
from storage.notes import NoteStore
from storage.repository_base import (
    CorruptProjectError,
    StorageError,
    StorageFullError,
    UnknownDocumentError,
    storage_error,
)
from storage.review import ReviewStore
from storage.review_figures import ReviewFigures
from storage.rows import NewDocument, content_hash, unpack_tokens
from storage.scheme import LabelSchemeStore, label_rows
from storage.span_edits import apply_span_edit
from storage.statistics import Statistics
from storage.suggestion_cache import SuggestionCache
from storage.upserts import insert_missing

__all__ = [
    "CorruptProjectError",
    "ProjectRepository",
    "StorageError",
    "StorageFullError",
    "UnknownDocumentError",
]

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_SCHEME = RESOURCES / "labels" / "battery.json"
_TOKEN_CACHE_SIZE = 16


class ProjectRepository(
    NoteStore,
    LabelSchemeStore,
    SuggestionCache,
    Statistics,
    ReviewStore,
    ReviewFigures,
    DocumentScores,
    Assignments,
):
    """A Kathode project: one database, opened and migrated to the newest schema."""

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path_or_url: str | Path, *, name: str | None = None) -> ProjectRepository:
        """Open (creating if missing) a project and migrate it to the newest schema."""
        url = project_url(path_or_url)
        engine = make_engine(url)
        try:
            check_project(engine, url)
            upgrade(engine)
        except StorageError:
            engine.dispose()
            raise
        except DBAPIError as exc:
            engine.dispose()
            raise storage_error(exc, url, "open project") from None
        repo = cls(engine, url)
        try:
            repo._ensure_project(name or _default_name(url))
        except StorageError:
            engine.dispose()
            raise
        return repo

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ProjectRepository:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _ensure_project(self, name: str) -> None:
        # Read first: an existing project is opened without the write lock, so read-only
        # commands (stats, export) never wait for another process's writes.
        with self.reading() as s:
            if s.scalar(select(m.ProjectRow.id)) is not None:
                return
        with self.writing() as s:
            if s.scalar(select(m.ProjectRow.id)) is None:
                s.add(m.ProjectRow(name=name, settings={}))
                s.add_all(label_rows(load_scheme(DEFAULT_SCHEME)))

    # -- annotators ----------------------------------------------------------------------

    def annotators(self) -> list[str]:
        with self.reading() as s:
            return list(
                s.scalars(
                    select(m.AnnotatorRow.name)
                    .where(m.AnnotatorRow.kind == "person")
                    .order_by(m.AnnotatorRow.name)
                )
            )

    def add_annotator(self, name: str) -> None:
        """Add a person; ``InvalidNameError`` (a ``ValueError``) for an unusable name."""
        name = check_annotator_name(name)
        with self.writing() as s:
            self._annotator_id(s, name)

    # -- documents -----------------------------------------------------------------------

    def add_documents(self, documents: Iterable[NewDocument]) -> list[tuple[int, bool]]:
        """Store documents in one transaction; return ``(id, added)`` per input document.

        A text that the project already has is not stored again (``added`` is False).
        """
        with self.writing() as s:
            outcomes = store_batch(s, [ImportEntry(d) for d in documents])
        return [(o.document_id, o.added) for o in outcomes]

    def import_batch(self, entries: Sequence[ImportEntry]) -> list[ImportOutcome | str]:
        """Store imported documents and annotations, one transaction for the whole batch.

        Returns one outcome per entry. Should the batch fail, it is retried entry by entry,
        and an entry that still fails gets a message instead of an outcome. A full disk or a
        read-only database raises ``StorageFullError`` at once: no retry could succeed.
        """
        try:
            with self.writing() as s:
                return list(store_batch(s, entries))
        except StorageFullError:
            raise  # a full disk or read-only file fails every record alike: stop, not retry
        except (SQLAlchemyError, StorageError) as exc:
            if len(entries) == 1:
                return [f"not stored: {exc}"]
            log.warning("batch of %d failed (%s); retrying one by one", len(entries), exc)
        results: list[ImportOutcome | str] = []
        for entry in entries:
            results.extend(self.import_batch([entry]))
        return results

    def find_document(self, text: str) -> int | None:
        """The id of the document with exactly this text, if the project has it."""
        with self.reading() as s:
            return s.scalar(
                select(m.DocumentRow.id).where(m.DocumentRow.content_hash == content_hash(text))
            )

    def document(self, document_id: int) -> Document:
        with self.reading() as s:
            row = s.get(m.DocumentRow, document_id)
            if row is None:
                raise UnknownDocumentError(document_id)
            tokens = unpack_tokens(row.text, row.tokens)
            self._remember_tokens(document_id, tokens)
            return Document(
                id=row.id,
                text=row.text,
                tokens=tokens,
                language=row.language,
                title=row.title,
                source=row.source,
                meta=dict(row.meta),
                tokenizer_version=row.tokenizer_version,
            )

    def set_language(self, document_id: int, language: str) -> None:
        with self.writing() as s:
            s.execute(
                update(m.DocumentRow)
                .where(m.DocumentRow.id == document_id)
                .values(language=language)
            )

    def languages(self) -> list[str]:
        """The languages of the project's documents."""
        with self.reading() as s:
            return list(
                s.scalars(
                    select(m.DocumentRow.language).distinct().order_by(m.DocumentRow.language)
                )
            )

    def document_ids(self) -> list[int]:
        with self.reading() as s:
            return list(s.scalars(select(m.DocumentRow.id).order_by(m.DocumentRow.id)))

    def count_documents(
        self,
        annotator: str,
        *,
        status: Status | None = None,
        search: str = "",
        entity_search: str = "",
        flag: str | None = None,
    ) -> int:
        with self.reading() as s:
            query = self._queue_query(s, annotator, status, search, entity_search, flag)
            return s.scalar(select(func.count()).select_from(query.subquery())) or 0

    def list_documents(
        self,
        annotator: str,
        *,
        offset: int = 0,
        limit: int = 200,
        status: Status | None = None,
        search: str = "",
        entity_search: str = "",
        order: str = "in_order",
        flag: str | None = None,
    ) -> list[DocumentSummary]:
        """One page of the document queue as this annotator sees it; no texts are loaded.

        ``search`` looks in the texts, ``entity_search`` in the text of anyone's spans;
        ``order`` is one of :data:`storage.document_scores.QUEUE_ORDERS`; ``flag`` keeps the
        documents whose version by this annotator carries that flag.
        """
        with self.reading() as s:
            query = self._queue_query(s, annotator, status, search, entity_search, flag)
            rows = s.execute(order_by(query, order).offset(offset).limit(limit))
            return [
                DocumentSummary(r.id, r.title, r.language, Status(r.status or "open"), r.spans)
                for r in rows
            ]

    def document_summary(self, document_id: int, annotator: str) -> DocumentSummary | None:
        """The queue row of one document as this annotator sees it."""
        with self.reading() as s:
            query = self._queue_query(s, annotator, None, "", "")
            row = s.execute(query.where(m.DocumentRow.id == document_id)).first()
            if row is None:
                return None
            return DocumentSummary(
                row.id, row.title, row.language, Status(row.status or "open"), row.spans
            )

    def _queue_query(
        self,
        s: Session,
        annotator: str,
        status: Status | None,
        search: str,
        entity_search: str,
        flag: str | None = None,
    ) -> Any:
        annotator_id = s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.name == annotator))
        annotation = (
            select(
                m.AnnotationRow.id,
                m.AnnotationRow.document_id,
                m.AnnotationRow.status,
                m.AnnotationRow.flag,
            )
            .where(m.AnnotationRow.annotator_id == (annotator_id or -1))
            .subquery()
        )
        span_count = (
            select(func.count(m.SpanRow.id))
            .where(m.SpanRow.annotation_id == annotation.c.id)
            .scalar_subquery()
        )
        query = select(
            m.DocumentRow.id,
            m.DocumentRow.title,
            m.DocumentRow.language,
            annotation.c.status,
            func.coalesce(span_count, 0).label("spans"),
        ).outerjoin(annotation, annotation.c.document_id == m.DocumentRow.id)
        if OVERLAP_KEY in (s.scalar(select(m.ProjectRow.settings)) or {}):
            # A team project: the queue holds the documents assigned to this person.
            query = query.where(
                select(m.AssignmentRow.id)
                .where(m.AssignmentRow.document_id == m.DocumentRow.id)
                .where(m.AssignmentRow.annotator_id == (annotator_id or -1))
                .exists()
            )
        if status is Status.OPEN:
            query = query.where(or_(annotation.c.status.is_(None), annotation.c.status == "open"))
        elif status is not None:
            query = query.where(annotation.c.status == status.value)
        if flag is not None:
            query = query.where(annotation.c.flag == flag)
        if search:
            query = query.where(m.DocumentRow.text.contains(search, autoescape=True))
        if entity_search:
            span_text = func.substr(
                m.DocumentRow.text, m.SpanRow.start + 1, m.SpanRow.end - m.SpanRow.start
            )
            query = query.where(
                select(m.SpanRow.id)
                .join(m.AnnotationRow, m.AnnotationRow.id == m.SpanRow.annotation_id)
                .where(m.AnnotationRow.document_id == m.DocumentRow.id)
                .where(span_text.contains(entity_search, autoescape=True))
                .exists()
            )
        return query

    def _remember_tokens(self, document_id: int, tokens: Sequence[Token]) -> None:
        self._tokens[document_id] = tokens
        self._tokens.move_to_end(document_id)
        while len(self._tokens) > _TOKEN_CACHE_SIZE:
            self._tokens.popitem(last=False)

    def tokens(self, document_id: int) -> Sequence[Token]:
        cached = self._tokens.get(document_id)
        return cached if cached is not None else self.document(document_id).tokens

    # -- annotations ---------------------------------------------------------------------

    def annotation(self, document_id: int, annotator: str) -> Annotation:
        """This annotator's version of the document (open and empty when there is none)."""
        with self.reading() as s:
            row = s.scalar(
                select(m.AnnotationRow)
                .join(m.AnnotatorRow)
                .where(m.AnnotationRow.document_id == document_id)
                .where(m.AnnotatorRow.name == annotator)
            )
            if row is None:
                return Annotation(document_id, annotator, Status.OPEN, [])
            spans = s.execute(
                select(m.SpanRow.start, m.SpanRow.end, m.SpanRow.label, m.SpanRow.source)
                .where(m.SpanRow.annotation_id == row.id)
                .order_by(m.SpanRow.start, m.SpanRow.end, m.SpanRow.label)
            )
            rejected = s.execute(
                select(m.RejectionRow.start, m.RejectionRow.end, m.RejectionRow.label)
                .where(m.RejectionRow.annotation_id == row.id)
                .order_by(m.RejectionRow.start, m.RejectionRow.end)
            )
            return Annotation(
                document_id,
                annotator,
                Status(row.status),
                [Span(*r) for r in spans],
                [Span(*r) for r in rejected],
            )

    def _annotation_id(self, s: Session, document_id: int, annotator: str) -> int:
        annotator_id = self._annotator_id(s, annotator)
        query = (
            select(m.AnnotationRow.id)
            .where(m.AnnotationRow.document_id == document_id)
            .where(m.AnnotationRow.annotator_id == annotator_id)
        )
        found = s.scalar(query)
        if found is not None:
            return found
        now = m.utcnow()
        # The same annotator may start this version in another window at the same moment.
        insert_missing(
            s,
            m.AnnotationRow.__table__,
            [
                {
                    "document_id": document_id,
                    "annotator_id": annotator_id,
                    "status": "open",
                    "created_at": now,
                    "updated_at": now,
                }
            ],
            ["document_id", "annotator_id"],
        )
        return s.scalars(query).one()

    def check_aligned(self, document_id: int, span: Span) -> None:
        """Raise ``MisalignedSpanError`` unless the span lies exactly on document tokens."""
        token_index(self.tokens(document_id), span.start, span.end)

    def edit_spans(
        self,
        document_id: int,
        annotator: str,
        *,
        remove: Sequence[Span] = (),
        add: Sequence[Span] = (),
        reject: Sequence[Span] = (),
        unreject: Sequence[Span] = (),
    ) -> SpanDelta:
        """Change the annotator's version in one transaction: every edit of the window.

        Removes ``remove``, then adds ``add`` (each must align with the tokens), and records
        or forgets rejected suggestions. Spans are matched by offsets and label. Returns what
        really changed; the version is not read back. One statement finds and touches the
        annotation, one deletes, one inserts.
        """
        for span in add:
            self.check_aligned(document_id, span)
        with self.writing() as s:
            annotation_id = self._touched_annotation_id(s, document_id, annotator)
            return apply_span_edit(
                s, annotation_id, remove=remove, add=add, reject=reject, unreject=unreject
            )

    def _touched_annotation_id(self, s: Session, document_id: int, annotator: str) -> int:
        """The annotation's id, its ``updated_at`` set to now (created when missing)."""
        annotator_id = self._annotator_id(s, annotator)
        found = s.connection().scalar(
            _TOUCH_ANNOTATION,
            {"document": document_id, "annotator": annotator_id, "now": m.utcnow()},
        )
        return found if found is not None else self._annotation_id(s, document_id, annotator)

    def add_span(self, document_id: int, annotator: str, span: Span) -> None:
        """Store one span in the annotator's version; it must align with the tokens."""
        self.edit_spans(document_id, annotator, add=[span])

    def remove_span(self, document_id: int, annotator: str, span: Span) -> None:
        """Remove one span (matched by offsets and label) from the annotator's version."""
        self.edit_spans(document_id, annotator, remove=[span])

    def set_status(self, document_id: int, annotator: str, status: Status) -> None:
        with self.writing() as s:
            annotation_id = self._annotation_id(s, document_id, annotator)
            s.execute(
                update(m.AnnotationRow)
                .where(m.AnnotationRow.id == annotation_id)
                .values(status=status.value, updated_at=m.utcnow())
            )


_annotations = cast(Table, m.AnnotationRow.__table__)
# Built once: an edit only binds its values.
_TOUCH_ANNOTATION = (
    update(_annotations)
    .where(_annotations.c.document_id == bindparam("document"))
    .where(_annotations.c.annotator_id == bindparam("annotator"))
    .values(updated_at=bindparam("now"))
    .returning(_annotations.c.id)
)


def _default_name(url: URL) -> str:
    if is_sqlite(url) and url.database:
        return Path(url.database).stem
    return url.database or "kathode"
