"""The repository: the only place in Kathode that queries the project database.

Every method is one short transaction; writes start with ``BEGIN IMMEDIATE`` on SQLite (see
``storage.engine``) and are committed before the method returns, so nothing an annotator
does is ever held only in memory. Methods take and return plain ``core`` values.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from core.documents import Annotation, Document, DocumentSummary, Status
from core.labels import Label, load_scheme, validate_labels
from core.spans import Span, Token
from core.tokens import token_index
from storage import models as m
from storage.bulk import ImportEntry, ImportOutcome, store_batch
from storage.engine import WRITE_OPTION, is_sqlite, make_engine, project_url
from storage.migrate import upgrade
from storage.rows import NewDocument, content_hash, unpack_tokens

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_SCHEME = RESOURCES / "labels" / "battery.json"
_TOKEN_CACHE_SIZE = 16


class StorageError(RuntimeError):
    """A project database that cannot be opened or written, with a message for people."""


class UnknownDocumentError(KeyError):
    """A document id that the project does not have."""


class ProjectRepository:
    """A Kathode project: one database, opened and migrated to the newest schema."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._tokens: OrderedDict[int, list[Token]] = OrderedDict()
        self._annotator_ids: dict[str, int] = {}

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path_or_url: str | Path, *, name: str | None = None) -> ProjectRepository:
        """Open (creating if missing) a project and migrate it to the newest schema."""
        url = project_url(path_or_url)
        try:
            engine = make_engine(url)
            upgrade(engine)
        except DBAPIError as exc:
            raise StorageError(f"cannot open project {_display(url)}: {exc.orig}") from None
        repo = cls(engine, url)
        repo._ensure_project(name or _default_name(url))
        return repo

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ProjectRepository:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def display_url(self) -> str:
        return _display(self.url)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success.

        A database that stays locked by another program past the busy timeout becomes a
        ``StorageError`` that says so; the transaction is rolled back, nothing half-written.
        """
        try:
            with self._write.begin() as session:
                yield session
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StorageError(
                    f"project {self.display_url} is locked by another program; "
                    "nothing was changed — try again when it is free"
                ) from exc
            raise StorageError(f"cannot write to {self.display_url}: {exc.orig}") from exc

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def _ensure_project(self, name: str) -> None:
        with self.writing() as s:
            if s.scalar(select(m.ProjectRow.id)) is None:
                s.add(m.ProjectRow(name=name, settings={}))
                s.add_all(_label_rows(load_scheme(DEFAULT_SCHEME)))

    # -- project and labels --------------------------------------------------------------

    @property
    def name(self) -> str:
        with self.reading() as s:
            return s.scalars(select(m.ProjectRow.name)).one()

    def labels(self) -> list[Label]:
        with self.reading() as s:
            rows = s.scalars(select(m.LabelRow).order_by(m.LabelRow.position, m.LabelRow.id))
            return [
                Label(r.name, r.colour, r.key, r.definition, r.example_de, r.example_en)
                for r in rows
            ]

    def replace_labels(self, labels: list[Label]) -> None:
        """Store a new label scheme (names, colours, keys, order)."""
        validate_labels(labels)
        with self.writing() as s:
            s.execute(delete(m.LabelRow))
            s.add_all(_label_rows(labels))

    # -- annotators ----------------------------------------------------------------------

    def annotators(self) -> list[str]:
        with self.reading() as s:
            return list(s.scalars(select(m.AnnotatorRow.name).order_by(m.AnnotatorRow.name)))

    def _annotator_id(self, s: Session, name: str) -> int:
        cached = self._annotator_ids.get(name)
        if cached is not None:
            return cached
        found = s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.name == name))
        if found is None:
            row = m.AnnotatorRow(name=name)
            s.add(row)
            s.flush()
            found = row.id
        self._annotator_ids[name] = found
        return found

    def add_annotator(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValueError("an annotator needs a name")
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
        and an entry that still fails gets a message instead of an outcome.
        """
        try:
            with self.writing() as s:
                return list(store_batch(s, entries))
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

    def document_ids(self) -> list[int]:
        with self.reading() as s:
            return list(s.scalars(select(m.DocumentRow.id).order_by(m.DocumentRow.id)))

    def count_documents(
        self, annotator: str, *, status: Status | None = None, search: str = ""
    ) -> int:
        with self.reading() as s:
            query = self._queue_query(s, annotator, status, search)
            return s.scalar(select(func.count()).select_from(query.subquery())) or 0

    def list_documents(
        self,
        annotator: str,
        *,
        offset: int = 0,
        limit: int = 200,
        status: Status | None = None,
        search: str = "",
    ) -> list[DocumentSummary]:
        """One page of the document queue as this annotator sees it; no texts are loaded."""
        with self.reading() as s:
            query = self._queue_query(s, annotator, status, search)
            rows = s.execute(query.order_by(m.DocumentRow.id).offset(offset).limit(limit))
            return [
                DocumentSummary(r.id, r.title, r.language, Status(r.status or "open"), r.spans)
                for r in rows
            ]

    def _queue_query(self, s: Session, annotator: str, status: Status | None, search: str) -> Any:
        annotator_id = s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.name == annotator))
        annotation = (
            select(m.AnnotationRow.id, m.AnnotationRow.document_id, m.AnnotationRow.status)
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
        if status is Status.OPEN:
            query = query.where(or_(annotation.c.status.is_(None), annotation.c.status == "open"))
        elif status is not None:
            query = query.where(annotation.c.status == status.value)
        if search:
            query = query.where(m.DocumentRow.text.contains(search, autoescape=True))
        return query

    def _remember_tokens(self, document_id: int, tokens: list[Token]) -> None:
        self._tokens[document_id] = tokens
        self._tokens.move_to_end(document_id)
        while len(self._tokens) > _TOKEN_CACHE_SIZE:
            self._tokens.popitem(last=False)

    def tokens(self, document_id: int) -> list[Token]:
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
            return Annotation(document_id, annotator, Status(row.status), [Span(*r) for r in spans])

    def _annotation_id(self, s: Session, document_id: int, annotator: str) -> int:
        annotator_id = self._annotator_id(s, annotator)
        found = s.scalar(
            select(m.AnnotationRow.id)
            .where(m.AnnotationRow.document_id == document_id)
            .where(m.AnnotationRow.annotator_id == annotator_id)
        )
        if found is not None:
            return found
        row = m.AnnotationRow(document_id=document_id, annotator_id=annotator_id, status="open")
        s.add(row)
        s.flush()
        return row.id

    def check_aligned(self, document_id: int, span: Span) -> None:
        """Raise ``MisalignedSpanError`` unless the span lies exactly on document tokens."""
        token_index(self.tokens(document_id), span.start, span.end)

    def add_span(self, document_id: int, annotator: str, span: Span) -> None:
        """Store one span in the annotator's version; it must align with the tokens."""
        self.check_aligned(document_id, span)
        with self.writing() as s:
            annotation_id = self._annotation_id(s, document_id, annotator)
            s.add(
                m.SpanRow(
                    annotation_id=annotation_id,
                    start=span.start,
                    end=span.end,
                    label=span.label,
                    source=span.source,
                )
            )
            _touch(s, annotation_id)

    def remove_span(self, document_id: int, annotator: str, span: Span) -> None:
        """Remove one span (matched by offsets and label) from the annotator's version."""
        with self.writing() as s:
            annotation_id = self._annotation_id(s, document_id, annotator)
            s.execute(
                delete(m.SpanRow)
                .where(m.SpanRow.annotation_id == annotation_id)
                .where(m.SpanRow.start == span.start)
                .where(m.SpanRow.end == span.end)
                .where(m.SpanRow.label == span.label)
            )
            _touch(s, annotation_id)

    def set_status(self, document_id: int, annotator: str, status: Status) -> None:
        with self.writing() as s:
            annotation_id = self._annotation_id(s, document_id, annotator)
            s.execute(
                update(m.AnnotationRow)
                .where(m.AnnotationRow.id == annotation_id)
                .values(status=status.value, updated_at=m.utcnow())
            )

    # -- suggestions ---------------------------------------------------------------------

    def cached_suggestions(
        self, document_id: int, suggester: str, version: str
    ) -> list[Span] | None:
        """The stored suggestions of ``suggester`` at ``version``, or None if not computed."""
        with self.reading() as s:
            run = s.scalar(
                select(m.SuggestionRunRow)
                .where(m.SuggestionRunRow.document_id == document_id)
                .where(m.SuggestionRunRow.suggester == suggester)
            )
            if run is None or run.version != version:
                return None
            rows = s.execute(
                select(
                    m.SuggestionRow.start,
                    m.SuggestionRow.end,
                    m.SuggestionRow.label,
                    m.SuggestionRow.source,
                )
                .where(m.SuggestionRow.run_id == run.id)
                .order_by(m.SuggestionRow.start, m.SuggestionRow.end)
            )
            return [Span(*r) for r in rows]

    def store_suggestions(
        self, results: Iterable[tuple[int, Sequence[Span]]], suggester: str, version: str
    ) -> None:
        """Cache suggestions per document, replacing what an older version left."""
        with self.writing() as s:
            for document_id, spans in results:
                s.execute(
                    delete(m.SuggestionRunRow)
                    .where(m.SuggestionRunRow.document_id == document_id)
                    .where(m.SuggestionRunRow.suggester == suggester)
                )
                run = m.SuggestionRunRow(
                    document_id=document_id, suggester=suggester, version=version
                )
                s.add(run)
                s.flush()
                s.add_all(
                    m.SuggestionRow(
                        run_id=run.id, start=x.start, end=x.end, label=x.label, source=x.source
                    )
                    for x in spans
                )

    def documents_needing_suggestions(
        self, suggester: str, version: str, language: str | None = None
    ) -> list[int]:
        """Ids of documents with no cached suggestions of ``suggester`` at ``version``."""
        with self.reading() as s:
            done = (
                select(m.SuggestionRunRow.document_id)
                .where(m.SuggestionRunRow.suggester == suggester)
                .where(m.SuggestionRunRow.version == version)
            )
            query = select(m.DocumentRow.id).where(m.DocumentRow.id.not_in(done))
            if language:
                query = query.where(m.DocumentRow.language == language)
            return list(s.scalars(query.order_by(m.DocumentRow.id)))

    # -- statistics ----------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for ``stats --json``: documents, annotations by status, spans by label."""
        with self.reading() as s:
            documents = s.scalar(select(func.count(m.DocumentRow.id))) or 0
            by_status = {st: 0 for st in m.STATUSES}
            for status, n in s.execute(
                select(m.AnnotationRow.status, func.count()).group_by(m.AnnotationRow.status)
            ):
                by_status[status] = n
            by_label: dict[str, int] = {
                label: n
                for label, n in s.execute(
                    select(m.SpanRow.label, func.count())
                    .group_by(m.SpanRow.label)
                    .order_by(m.SpanRow.label)
                )
            }
            by_annotator: dict[str, dict[str, int]] = {}
            for name, ann, spans in s.execute(
                select(
                    m.AnnotatorRow.name,
                    func.count(func.distinct(m.AnnotationRow.id)),
                    func.count(m.SpanRow.id),
                )
                .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
                .outerjoin(m.SpanRow, m.SpanRow.annotation_id == m.AnnotationRow.id)
                .group_by(m.AnnotatorRow.name)
                .order_by(m.AnnotatorRow.name)
            ):
                by_annotator[name] = {"annotations": ann, "spans": spans}
            return {
                "project": self.name,
                "documents": documents,
                "annotations": {"total": sum(by_status.values()), "by_status": by_status},
                "spans": {"total": sum(by_label.values()), "by_label": by_label},
                "annotators": by_annotator,
            }


def _touch(s: Session, annotation_id: int) -> None:
    s.execute(
        update(m.AnnotationRow)
        .where(m.AnnotationRow.id == annotation_id)
        .values(updated_at=m.utcnow())
    )


def _label_rows(labels: list[Label]) -> list[m.LabelRow]:
    return [
        m.LabelRow(
            name=label.name,
            colour=label.colour,
            key=label.key,
            definition=label.definition,
            example_de=label.example_de,
            example_en=label.example_en,
            position=i,
        )
        for i, label in enumerate(labels)
    ]


def _display(url: URL) -> str:
    if is_sqlite(url):
        return str(url.database)
    return url.render_as_string(hide_password=True)


def _default_name(url: URL) -> str:
    if is_sqlite(url) and url.database:
        return Path(url.database).stem
    return url.database or "kathode"
