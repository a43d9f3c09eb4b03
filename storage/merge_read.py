"""Merging, the reading half: the other project checked and read a page of documents at a
time, with each document's versions, spans, rejections and gold sources (``storage.merge``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from storage import models as m
from storage.engine import make_engine
from storage.integrity import check_revision
from storage.migrate import current_revision
from storage.repository_base import StorageError, display_url_of

log = logging.getLogger(__name__)

PAGE_SIZE = 500

_ANNOTATION = m.AnnotationRow.__table__
_ANNOTATOR = m.AnnotatorRow.__table__
_DOCUMENT = m.DocumentRow.__table__
_SPAN = m.SpanRow.__table__
_REJECTION = m.RejectionRow.__table__
_GOLD_SOURCE = m.GoldSourceRow.__table__

SpanKey = tuple[int, int, str]


class MergeError(ValueError):
    """A project that cannot be merged; the message says why, for people."""


@dataclass
class Version:
    """One annotation of the other project, with what belongs to it."""

    id: int
    document_id: int
    annotator: str
    kind: str
    status: str
    session: str | None
    reviewer: str | None
    created_at: datetime
    updated_at: datetime
    spans: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def keys(self) -> set[SpanKey]:
        return {(s["start"], s["end"], s["label"]) for s in self.spans}


@dataclass
class Page:
    documents: list[Any]
    versions: list[Version]


def check_kathode_project(url: Any) -> None:
    engine = make_engine(url)
    try:
        revision = current_revision(engine)
    except DBAPIError:
        raise MergeError(f"{display_url_of(url)} is not a Kathode project") from None
    finally:
        engine.dispose()
    if revision is None:
        raise MergeError(f"{display_url_of(url)} is not a Kathode project")
    try:
        check_revision(revision, display_url_of(url))
    except StorageError as exc:
        raise MergeError(str(exc)) from None


def read_pages(connection: Connection) -> Iterator[Page]:
    """The other project's documents with their versions, a page at a time by id."""
    d, a, who = _DOCUMENT, _ANNOTATION, _ANNOTATOR
    after = 0
    while True:
        documents = connection.execute(
            select(
                d.c.id,
                d.c.text,
                d.c.source,
                d.c.meta,
                d.c.language,
                d.c.tokens,
                d.c.tokenizer_version,
            )
            .where(d.c.id > after)
            .order_by(d.c.id)
            .limit(PAGE_SIZE)
        ).all()
        if not documents:
            return
        first, last = documents[0].id, documents[-1].id
        rows = connection.execute(
            select(
                a.c.id,
                a.c.document_id,
                who.c.name,
                who.c.kind,
                a.c.status,
                a.c.session,
                a.c.reviewer,
                a.c.created_at,
                a.c.updated_at,
            )
            .join(who, who.c.id == a.c.annotator_id)
            .where(a.c.document_id.between(first, last))
            .order_by(a.c.id)
        ).all()
        versions = {row.id: Version(*row) for row in rows}
        ids = list(versions)
        if ids:
            for row in connection.execute(
                select(
                    _SPAN.c.annotation_id,
                    _SPAN.c.start,
                    _SPAN.c.end,
                    _SPAN.c.label,
                    _SPAN.c.source,
                    _SPAN.c.created_at,
                    _SPAN.c.updated_at,
                )
                .where(_SPAN.c.annotation_id.in_(ids))
                .order_by(_SPAN.c.id)
            ).mappings():
                values = dict(row)
                versions[values.pop("annotation_id")].spans.append(values)
            for row in connection.execute(
                select(
                    _REJECTION.c.annotation_id,
                    _REJECTION.c.start,
                    _REJECTION.c.end,
                    _REJECTION.c.label,
                    _REJECTION.c.created_at,
                )
                .where(_REJECTION.c.annotation_id.in_(ids))
                .order_by(_REJECTION.c.id)
            ).mappings():
                values = dict(row)
                versions[values.pop("annotation_id")].rejections.append(values)
            source = _ANNOTATION.alias("source")
            for gold_id, name in connection.execute(
                select(_GOLD_SOURCE.c.gold_annotation_id, who.c.name)
                .join(source, source.c.id == _GOLD_SOURCE.c.source_annotation_id)
                .join(who, who.c.id == source.c.annotator_id)
                .where(_GOLD_SOURCE.c.gold_annotation_id.in_(ids))
                .order_by(who.c.name)
            ):
                versions[gold_id].sources.append(name)
        yield Page(list(documents), list(versions.values()))
        after = last
