"""Storing a batch of imported documents and annotations with a few set-based statements.

One batch is one write transaction: documents already in the project are found by content
hash in one query, new ones are inserted with one multi-row ``INSERT … RETURNING``, and so on
for annotations and spans. Should the batch fail anyway, ``import_batch`` in the repository
retries it record by record, each in a savepoint, so that the bad record is refused alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import cast

from sqlalchemy import Table, delete, insert, select, tuple_
from sqlalchemy.orm import Session

from core.documents import Status
from core.spans import Span
from storage import models as m
from storage.rows import NewDocument, content_hash, title_of
from storage.suggestion_cache import IMPORTED_VERSION
from storage.upserts import insert_missing

_DOCUMENT = cast(Table, m.DocumentRow.__table__)
_ANNOTATION = cast(Table, m.AnnotationRow.__table__)
_SPAN = cast(Table, m.SpanRow.__table__)
_RUN = cast(Table, m.SuggestionRunRow.__table__)
_SUGGESTION = cast(Table, m.SuggestionRow.__table__)


@dataclass(frozen=True, slots=True)
class NewAnnotation:
    """An annotation that arrives with an imported document."""

    annotator: str
    status: Status
    spans: Sequence[Span]
    session: str | None = None


@dataclass(frozen=True, slots=True)
class ImportEntry:
    document: NewDocument
    annotation: NewAnnotation | None = None
    # Cached suggestions that arrive with the document, by source (see ``store_batch``).
    suggestions: Mapping[str, Sequence[Span]] = field(default_factory=dict)


class AnnotationOutcome(Enum):
    NONE = "none"  # the record brought no annotation
    STORED = "stored"
    MERGED = "merged"  # same annotator, same status: spans added to the existing version
    CONFLICT = "conflict"  # same annotator, other status: the existing version was kept


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    document_id: int
    added: bool
    annotation: AnnotationOutcome
    spans_added: int = 0
    suggestions_added: int = 0


def store_batch(s: Session, entries: Sequence[ImportEntry]) -> list[ImportOutcome]:
    """Store a batch inside the open transaction ``s``; one outcome per entry, in order."""
    hashes = [content_hash(e.document.text) for e in entries]
    known: dict[str, int] = dict(
        s.execute(
            select(m.DocumentRow.content_hash, m.DocumentRow.id).where(
                m.DocumentRow.content_hash.in_(set(hashes))
            )
        ).all()
    )
    fresh: dict[str, NewDocument] = {}
    for digest, entry in zip(hashes, entries, strict=True):
        if digest not in known:
            fresh.setdefault(digest, entry.document)
    if fresh:
        rows = [_document_values(digest, d) for digest, d in fresh.items()]
        # Core, not the ORM's bulk path, and no sort_by_parameter_order (rows come back by
        # hash): SQLite then inserts a thousand rows in one statement instead of one by one.
        inserted = s.connection().execute(
            insert(_DOCUMENT).returning(_DOCUMENT.c.content_hash, _DOCUMENT.c.id), rows
        )
        known.update({digest: doc_id for digest, doc_id in inserted.all()})
    added_once: set[str] = set(fresh)
    document_ids = [known[h] for h in hashes]
    added = []
    for digest in hashes:
        added.append(digest in added_once)
        added_once.discard(digest)
    outcomes = _store_annotations(s, entries, document_ids)
    suggested = _store_suggestions(s, entries, document_ids)
    return [
        ImportOutcome(doc_id, was_added, outcome, spans, suggestions)
        for doc_id, was_added, (outcome, spans), suggestions in zip(
            document_ids, added, outcomes, suggested, strict=True
        )
    ]


def _store_suggestions(
    s: Session, entries: Sequence[ImportEntry], document_ids: list[int]
) -> list[int]:
    """Store imported suggestions as cache runs of their source at ``IMPORTED_VERSION``;
    per entry, how many suggestions it added. A source's run of a document gains the spans
    it lacks (importing the same file twice adds nothing); a run of the same name left by a
    suggester (another version) is replaced."""
    wanted = {
        (doc_id, source)
        for doc_id, e in zip(document_ids, entries, strict=True)
        for source in e.suggestions
    }
    if not wanted:
        return [0] * len(entries)
    run, row = m.SuggestionRunRow, m.SuggestionRow
    runs: dict[tuple[int, str], int] = {}
    stale: list[int] = []
    for run_id, doc_id, source, version in s.execute(
        select(run.id, run.document_id, run.suggester, run.version).where(
            tuple_(run.document_id, run.suggester).in_(wanted)
        )
    ):
        if version == IMPORTED_VERSION:
            runs[(doc_id, source)] = run_id
        else:
            stale.append(run_id)
    if stale:
        s.execute(delete(run).where(run.id.in_(stale)))
    have: set[tuple[int, int, int, str]] = set()
    if runs:
        have = {
            (run_id, start, end, label)
            for run_id, start, end, label in s.execute(
                select(row.run_id, row.start, row.end, row.label).where(
                    row.run_id.in_(runs.values())
                )
            )
        }
    fresh = [key for key in sorted(wanted) if key not in runs]
    if fresh:
        inserted = s.connection().execute(
            insert(_RUN).returning(_RUN.c.document_id, _RUN.c.suggester, _RUN.c.id),
            [
                {"document_id": d, "suggester": source, "version": IMPORTED_VERSION}
                for d, source in fresh
            ],
        )
        runs.update({(d, source): run_id for d, source, run_id in inserted.all()})
    rows: list[dict[str, object]] = []
    added: list[int] = []
    for doc_id, entry in zip(document_ids, entries, strict=True):
        before = len(rows)
        for source, spans in entry.suggestions.items():
            run_id = runs[(doc_id, source)]
            for span in spans:
                key = (run_id, span.start, span.end, span.label)
                if key in have:
                    continue
                have.add(key)
                rows.append(
                    {
                        "run_id": run_id,
                        "start": span.start,
                        "end": span.end,
                        "label": span.label,
                        "source": span.source,
                    }
                )
        added.append(len(rows) - before)
    if rows:
        s.connection().execute(insert(_SUGGESTION), rows)
    return added


def _document_values(digest: str, d: NewDocument) -> dict[str, object]:
    meta = d.meta or {}
    return {
        "text": d.text,
        "content_hash": digest,
        "title": title_of(d.text, meta),
        "source": d.source,
        "meta": meta,
        "language": d.language,
        "tokens": d.token_offsets(),
        "tokenizer_version": d.tokenizer_version,
        "created_at": m.utcnow(),
    }


def annotator_ids(s: Session, names: set[str]) -> dict[str, int]:
    """Ids of the named annotators, creating those the project does not know yet."""
    ids: dict[str, int] = dict(
        s.execute(
            select(m.AnnotatorRow.name, m.AnnotatorRow.id).where(m.AnnotatorRow.name.in_(names))
        ).all()
    )
    missing = sorted(names - ids.keys())
    if missing:
        # Another process may add the same person meanwhile (see storage.upserts).
        rows = [{"name": name, "created_at": m.utcnow()} for name in missing]
        insert_missing(s, m.AnnotatorRow.__table__, rows, ["name"])
        ids.update(
            s.execute(
                select(m.AnnotatorRow.name, m.AnnotatorRow.id).where(
                    m.AnnotatorRow.name.in_(missing)
                )
            ).all()
        )
    return ids


def _store_annotations(
    s: Session, entries: Sequence[ImportEntry], document_ids: list[int]
) -> list[tuple[AnnotationOutcome, int]]:
    """Store the entries' annotations; per entry, what happened and how many spans it added."""
    names = {e.annotation.annotator for e in entries if e.annotation is not None}
    if not names:
        return [(AnnotationOutcome.NONE, 0)] * len(entries)
    people = annotator_ids(s, names)
    keys = {
        (doc_id, people[e.annotation.annotator])
        for doc_id, e in zip(document_ids, entries, strict=True)
        if e.annotation is not None
    }
    existing: dict[tuple[int, int], tuple[int, str]] = {
        (doc_id, annotator_id): (ann_id, status)
        for ann_id, doc_id, annotator_id, status in s.execute(
            select(
                m.AnnotationRow.id,
                m.AnnotationRow.document_id,
                m.AnnotationRow.annotator_id,
                m.AnnotationRow.status,
            ).where(tuple_(m.AnnotationRow.document_id, m.AnnotationRow.annotator_id).in_(keys))
        )
    }
    # New annotations first, so that spans of later duplicates can merge into them.
    now = m.utcnow()
    new_rows: dict[tuple[int, int], dict[str, object]] = {}
    for doc_id, entry in zip(document_ids, entries, strict=True):
        a = entry.annotation
        key = (doc_id, people[a.annotator]) if a else None
        if a and key and key not in existing and key not in new_rows:
            new_rows[key] = {
                "document_id": doc_id,
                "annotator_id": key[1],
                "status": a.status.value,
                "session": a.session,
                "created_at": now,
                "updated_at": now,
            }
    if new_rows:
        inserted = s.connection().execute(
            insert(_ANNOTATION).returning(
                _ANNOTATION.c.document_id, _ANNOTATION.c.annotator_id, _ANNOTATION.c.id
            ),
            list(new_rows.values()),
        )
        for doc_id, annotator_id, ann_id in inserted.all():
            key = (doc_id, annotator_id)
            existing[key] = (ann_id, new_rows[key]["status"])  # type: ignore[assignment]
    merged_into = {existing[k][0] for k in keys if k not in new_rows}
    stored_spans: set[tuple[int, int, int, str]] = set()
    if merged_into:
        stored_spans = {
            (ann_id, start, end, label)
            for ann_id, start, end, label in s.execute(
                select(
                    m.SpanRow.annotation_id, m.SpanRow.start, m.SpanRow.end, m.SpanRow.label
                ).where(m.SpanRow.annotation_id.in_(merged_into))
            )
        }
    outcomes: list[tuple[AnnotationOutcome, int]] = []
    span_rows: list[dict[str, object]] = []
    fresh_keys = set(new_rows)
    for doc_id, entry in zip(document_ids, entries, strict=True):
        a = entry.annotation
        if a is None:
            outcomes.append((AnnotationOutcome.NONE, 0))
            continue
        key = (doc_id, people[a.annotator])
        ann_id, status = existing[key]
        if status != a.status.value:
            outcomes.append((AnnotationOutcome.CONFLICT, 0))
            continue
        kind = AnnotationOutcome.STORED if key in fresh_keys else AnnotationOutcome.MERGED
        fresh_keys.discard(key)
        before = len(span_rows)
        for span in a.spans:
            marker = (ann_id, span.start, span.end, span.label)
            if marker in stored_spans:
                continue
            stored_spans.add(marker)
            span_rows.append(
                {
                    "annotation_id": ann_id,
                    "start": span.start,
                    "end": span.end,
                    "label": span.label,
                    "source": span.source,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        outcomes.append((kind, len(span_rows) - before))
    if span_rows:
        s.connection().execute(insert(_SPAN), span_rows)
    return outcomes
