"""Merging, the writing half: one page of the other project written into this one in one
transaction, never overwriting a version this project has (``storage.merge``), and the
summary of what was written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.text_rules import nul_offset
from storage import models as m
from storage.bulk import ImportEntry, annotator_ids, store_batch
from storage.merge_read import Page, SpanKey, Version
from storage.review import GOLD, PERSON, gold_annotator_id
from storage.rows import NewDocument, unpack_tokens

log = logging.getLogger(__name__)

NOTE_LIMIT = 20


@dataclass
class MergeSummary:
    """What a merge did: counts, and everything it left out or kept."""

    documents_added: int = 0
    documents_matched: int = 0
    annotators_added: list[str] = field(default_factory=list)
    annotations_added: int = 0
    annotations_unchanged: int = 0
    annotations_conflicting: int = 0
    spans_added: int = 0  # of the people's versions added
    gold_added: int = 0
    gold_unchanged: int = 0
    gold_conflicting: int = 0
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_added
            or self.annotators_added
            or self.annotations_added
            or self.gold_added
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "documents_added": self.documents_added,
            "documents_matched": self.documents_matched,
            "annotators_added": self.annotators_added,
            "annotations_added": self.annotations_added,
            "annotations_unchanged": self.annotations_unchanged,
            "annotations_conflicting": self.annotations_conflicting,
            "spans_added": self.spans_added,
            "gold_added": self.gold_added,
            "gold_unchanged": self.gold_unchanged,
            "gold_conflicting": self.gold_conflicting,
            "refused": self.refused,
            "notes": self.notes,
        }

    def report(self) -> list[str]:
        """The summary as lines for people (the CLI prints them)."""
        lines = [f"note: {note}" for note in self.notes]
        lines.extend(f"refused: {line}" for line in self.refused)
        lines.append(
            f"{self.documents_added} documents added, {self.documents_matched} already here; "
            f"{len(self.annotators_added)} annotators added"
            + (f" ({', '.join(self.annotators_added)})" if self.annotators_added else "")
        )
        lines.append(
            f"{self.annotations_added} versions added ({self.spans_added} spans), "
            f"{self.annotations_unchanged} unchanged, {self.annotations_conflicting} "
            "conflicting (this project's kept)"
        )
        lines.append(
            f"{self.gold_added} gold versions added, {self.gold_unchanged} unchanged, "
            f"{self.gold_conflicting} conflicting (this project's kept)"
        )
        return lines

    def limited(self, kind: list[str], line: str) -> None:
        """Add a line to ``notes`` or ``refused``, at most NOTE_LIMIT of them."""
        if len(kind) < NOTE_LIMIT:
            kind.append(line)
        elif len(kind) == NOTE_LIMIT:
            kind.append("… and more")


def merge_page(s: Session, page: Page, summary: MergeSummary) -> None:
    """Write one page into this project inside the open transaction ``s``."""
    page = _without_nul(page, summary)
    new_documents = [
        NewDocument(
            text=row.text,
            tokens=unpack_tokens(row.text, row.tokens),
            tokenizer_version=row.tokenizer_version,
            language=row.language,
            source=row.source,
            meta=row.meta,
        )
        for row in page.documents
    ]
    outcomes = store_batch(s, [ImportEntry(document) for document in new_documents])
    here: dict[int, int] = {}  # the other project's document id → this project's
    matched: list[int] = []
    for row, outcome in zip(page.documents, outcomes, strict=True):
        here[row.id] = outcome.document_id
        if outcome.added:
            summary.documents_added += 1
        else:
            summary.documents_matched += 1
            matched.append(row.id)
    misaligned = _token_mismatches(s, page, here, matched)
    versions = [v for v in page.versions if not _empty_open(v)]
    people = [v for v in versions if v.kind == PERSON]
    names = {v.annotator for v in people}
    if names:
        known = set(s.scalars(select(m.AnnotatorRow.name).where(m.AnnotatorRow.name.in_(names))))
        summary.annotators_added.extend(sorted(names - known))
    ids = annotator_ids(s, names) if names else {}
    _merge_people(s, people, here, ids, misaligned, summary)
    gold = [v for v in versions if v.kind == GOLD]
    if gold:
        _merge_gold(s, gold, here, misaligned, summary)


def _without_nul(page: Page, summary: MergeSummary) -> Page:
    """The page without documents that hold a NUL character (SQLite stores them, PostgreSQL
    cannot): each is refused with a clear line, its versions with it."""
    bad = {row.id for row in page.documents if nul_offset([row.text, row.meta]) is not None}
    if not bad:
        return page
    for row in page.documents:
        if row.id in bad:
            summary.limited(
                summary.refused,
                f"document {row.id} ({row.source}): its text contains a NUL character "
                "(U+0000), which Kathode does not store; it and its versions were not merged",
            )
    return Page(
        [row for row in page.documents if row.id not in bad],
        [v for v in page.versions if v.document_id not in bad],
    )


def _empty_open(version: Version) -> bool:
    return version.status == "open" and not version.spans and not version.rejections


def _token_mismatches(
    s: Session, page: Page, here: dict[int, int], matched: Sequence[int]
) -> dict[int, tuple[set[int], set[int]]]:
    """For documents both projects have but with other tokens: this project's token starts
    and ends, against which the other's spans must be checked."""
    if not matched:
        return {}
    theirs = {row.id: list(row.tokens) for row in page.documents}
    ours = dict(
        s.execute(
            select(m.DocumentRow.id, m.DocumentRow.tokens).where(
                m.DocumentRow.id.in_([here[i] for i in matched])
            )
        ).all()
    )
    different: dict[int, tuple[set[int], set[int]]] = {}
    for other_id in matched:
        flat = list(ours[here[other_id]])
        if flat != theirs[other_id]:
            different[other_id] = (set(flat[0::3]), set(flat[1::3]))
    return different


def _aligned(version: Version, misaligned: dict[int, tuple[set[int], set[int]]]) -> bool:
    edges = misaligned.get(version.document_id)
    if edges is None:
        return True
    starts, ends = edges
    return all(s["start"] in starts and s["end"] in ends for s in version.spans)


def _existing(
    s: Session, keys: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, str, set[SpanKey]]]:
    """This project's annotations for (document, annotator) keys, with status and spans."""
    if not keys:
        return {}
    found: dict[tuple[int, int], tuple[int, str, set[SpanKey]]] = {}
    documents = {document for document, _ in keys}
    for annotation_id, document_id, annotator_id, status in s.execute(
        select(
            m.AnnotationRow.id,
            m.AnnotationRow.document_id,
            m.AnnotationRow.annotator_id,
            m.AnnotationRow.status,
        ).where(m.AnnotationRow.document_id.in_(documents))
    ):
        if (document_id, annotator_id) in keys:
            found[document_id, annotator_id] = (annotation_id, status, set())
    by_id = {value[0]: value[2] for value in found.values()}
    if by_id:
        for annotation_id, start, end, label in s.execute(
            select(m.SpanRow.annotation_id, m.SpanRow.start, m.SpanRow.end, m.SpanRow.label).where(
                m.SpanRow.annotation_id.in_(list(by_id))
            )
        ):
            by_id[annotation_id].add((start, end, label))
    return found


def _merge_people(
    s: Session,
    people: list[Version],
    here: dict[int, int],
    ids: dict[str, int],
    misaligned: dict[int, tuple[set[int], set[int]]],
    summary: MergeSummary,
) -> None:
    existing = _existing(s, {(here[v.document_id], ids[v.annotator]) for v in people})
    fresh: list[Version] = []
    for version in people:
        key = (here[version.document_id], ids[version.annotator])
        found = existing.get(key)
        if found is not None:
            _, status, keys = found
            if status == version.status and keys == version.keys():
                summary.annotations_unchanged += 1
            else:
                summary.annotations_conflicting += 1
                summary.limited(
                    summary.notes,
                    f"document {key[0]} ({version.annotator}): this project's version was "
                    "kept; the other project's differs",
                )
            continue
        if not _aligned(version, misaligned):
            summary.limited(
                summary.refused,
                f"document {key[0]} ({version.annotator}): its spans do not align with this "
                "project's tokens of the same text; not merged",
            )
            continue
        fresh.append(version)
    _, span_count = _insert_versions(s, fresh, here, ids)
    summary.spans_added += span_count
    summary.annotations_added += len(fresh)


def _merge_gold(
    s: Session,
    gold: list[Version],
    here: dict[int, int],
    misaligned: dict[int, tuple[set[int], set[int]]],
    summary: MergeSummary,
) -> None:
    gold_id = gold_annotator_id(s, create=True)
    assert gold_id is not None
    existing = _existing(s, {(here[v.document_id], gold_id) for v in gold})
    fresh: list[Version] = []
    for version in gold:
        document_id = here[version.document_id]
        found = existing.get((document_id, gold_id))
        if found is not None:
            if found[2] == version.keys():
                summary.gold_unchanged += 1
            else:
                summary.gold_conflicting += 1
                summary.limited(
                    summary.notes,
                    f"document {document_id}: this project's gold version was kept; the "
                    "other project's differs",
                )
            continue
        if not _aligned(version, misaligned):
            summary.limited(
                summary.refused,
                f"document {document_id} (gold): its spans do not align with this project's "
                "tokens of the same text; not merged",
            )
            continue
        fresh.append(version)
    if not fresh:
        return
    new_ids, _ = _insert_versions(s, fresh, here, {GOLD: gold_id})
    summary.gold_added += len(fresh)
    # The versions a gold version was made from, as this project has them now.
    wanted = {(here[v.document_id], name) for v in fresh for name in v.sources}
    sources: dict[tuple[int, str], int] = {}
    if wanted:
        for annotation_id, document_id, name in s.execute(
            select(m.AnnotationRow.id, m.AnnotationRow.document_id, m.AnnotatorRow.name)
            .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
            .where(m.AnnotationRow.document_id.in_({d for d, _ in wanted}))
            .where(m.AnnotatorRow.kind == PERSON)
        ):
            sources[document_id, name] = annotation_id
    links = [
        {"gold_annotation_id": new_id, "source_annotation_id": sources[key]}
        for version, new_id in zip(fresh, new_ids, strict=True)
        for key in [(here[version.document_id], name) for name in version.sources]
        if key in sources
    ]
    if links:
        s.execute(insert(m.GoldSourceRow), links)


def _insert_versions(
    s: Session,
    versions: list[Version],
    here: dict[int, int],
    ids: dict[str, int],
) -> tuple[list[int], int]:
    """Insert annotations with their spans and rejections: their new ids, in order, and
    the number of spans."""
    if not versions:
        return [], 0
    inserted = s.execute(
        insert(m.AnnotationRow).returning(m.AnnotationRow.id, sort_by_parameter_order=True),
        [
            {
                "document_id": here[v.document_id],
                "annotator_id": ids[v.annotator],
                "status": v.status,
                "session": v.session,
                "reviewer": v.reviewer,
                "created_at": v.created_at,
                "updated_at": v.updated_at,
            }
            for v in versions
        ],
    )
    new_ids = [row[0] for row in inserted.all()]
    spans = [
        {"annotation_id": new_id, **span}
        for version, new_id in zip(versions, new_ids, strict=True)
        for span in version.spans
    ]
    if spans:
        s.execute(insert(m.SpanRow), spans)
    rejections = [
        {"annotation_id": new_id, **rejection}
        for version, new_id in zip(versions, new_ids, strict=True)
        for rejection in version.rejections
    ]
    if rejections:
        s.execute(insert(m.RejectionRow), rejections)
    return new_ids, len(spans)
