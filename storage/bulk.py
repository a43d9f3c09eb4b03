"""Storing a batch of imported documents and annotations with a few set-based statements.

One batch is one write transaction: documents already in the project are found by content
hash in one query, new ones are inserted with one multi-row ``INSERT … RETURNING``, and so on
for annotations and spans. Should the batch fail anyway, ``import_batch`` in the repository
retries it record by record, each in a savepoint, so that the bad record is refused alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from core.documents import Status
from core.spans import Span
from storage import models as m
from storage.rows import NewDocument, content_hash, pack_tokens, title_of
from storage.upserts import insert_missing


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
        inserted = s.execute(
            insert(m.DocumentRow).returning(
                m.DocumentRow.content_hash, m.DocumentRow.id, sort_by_parameter_order=True
            ),
            rows,
        )
        known.update(dict(inserted.all()))
    added_once: set[str] = set(fresh)
    document_ids = [known[h] for h in hashes]
    added = []
    for digest in hashes:
        added.append(digest in added_once)
        added_once.discard(digest)
    outcomes = _store_annotations(s, entries, document_ids)
    return [
        ImportOutcome(doc_id, was_added, outcome, spans)
        for doc_id, was_added, (outcome, spans) in zip(document_ids, added, outcomes, strict=True)
    ]


def _document_values(digest: str, d: NewDocument) -> dict[str, object]:
    meta = d.meta or {}
    return {
        "text": d.text,
        "content_hash": digest,
        "title": title_of(d.text, meta),
        "source": d.source,
        "meta": meta,
        "language": d.language,
        "tokens": pack_tokens(d.tokens),
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
        inserted = s.execute(
            insert(m.AnnotationRow).returning(m.AnnotationRow.id, sort_by_parameter_order=True),
            list(new_rows.values()),
        )
        for key, (ann_id,) in zip(new_rows, inserted.all(), strict=True):
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
        s.execute(insert(m.SpanRow), span_rows)
    return outcomes
