"""Review in the database: people's versions side by side, the review queue, the gold
versions a reviewer settles, and agreement figures.

A gold version is an ordinary annotation (status ``accepted``) of the reserved annotator
``gold`` (kind ``gold``), so spans, exports and statistics reuse everything; the annotation
remembers its reviewer, and ``gold_source`` the versions it was made from. No person may be
named ``gold``. See ``docs/review.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core.documents import Annotation, Status
from core.edits import SpanDelta
from core.spans import Span, Token
from core.tokens import token_index
from storage import models as m
from storage.repository_base import RepositoryBase, UnknownDocumentError
from storage.rows import unpack_tokens
from storage.span_edits import apply_span_edit

GOLD = "gold"
PERSON = "person"
AGREEMENT_PAGE = 1000

ANNOTATION_TABLE = m.AnnotationRow.__table__
ANNOTATOR_TABLE = m.AnnotatorRow.__table__
DOCUMENT_TABLE = m.DocumentRow.__table__
SPAN_TABLE = m.SpanRow.__table__


class ReservedNameError(ValueError):
    """A person's name that Kathode keeps for itself (``gold``)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"the annotator name {name!r} is reserved for the reviewed gold versions; "
            "choose another name"
        )


def is_reserved_name(name: str) -> bool:
    """True for names no person may have: ``gold`` in any case, with any spaces around."""
    return name.strip().casefold() == GOLD


@dataclass(frozen=True)
class ReviewItem:
    """One row of the review queue."""

    document_id: int
    title: str
    annotators: list[str]
    disagreement: float
    reviewed: bool


class ReviewStore(RepositoryBase):
    """Versions, the review queue, gold versions and agreement over the project."""

    # -- people and the gold annotator ---------------------------------------------------

    def _annotator_id(self, s: Session, name: str) -> int:
        # Every write by annotator name (edit_spans, set_status, add_annotator) comes here:
        # refusing the reserved name here keeps the gold versions out of people's hands.
        if is_reserved_name(name):
            raise ReservedNameError(name)
        return super()._annotator_id(s, name)

    # -- versions ------------------------------------------------------------------------

    def versions(self, document_id: int) -> dict[str, Annotation]:
        """People's versions of the document by annotator name (sorted), the gold version
        not among them; every status, except open versions without spans."""
        with self.reading() as s:
            rows = s.execute(
                select(m.AnnotationRow.id, m.AnnotatorRow.name, m.AnnotationRow.status)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                .where(m.AnnotationRow.document_id == document_id)
                .where(m.AnnotatorRow.kind == PERSON)
                .order_by(m.AnnotatorRow.name)
            ).all()
            spans = _spans_of(s, [row.id for row in rows])
            rejected = _rejections_of(s, [row.id for row in rows])
            versions: dict[str, Annotation] = {}
            for annotation_id, name, status in rows:
                if status == Status.OPEN.value and not spans.get(annotation_id):
                    continue
                versions[name] = Annotation(
                    document_id,
                    name,
                    Status(status),
                    spans.get(annotation_id, []),
                    rejected.get(annotation_id, []),
                )
            return versions

    def gold(self, document_id: int) -> Annotation | None:
        """The document's gold version, or None when nobody has reviewed it."""
        with self.reading() as s:
            row = self._gold_row(s, document_id)
            if row is None:
                return None
            spans = _spans_of(s, [row.id]).get(row.id, [])
            dropped = _rejections_of(s, [row.id]).get(row.id, [])
            return Annotation(document_id, GOLD, Status(row.status), spans, dropped)

    def gold_info(self, document_id: int) -> tuple[str | None, list[str]]:
        """Who settled the gold version, and the annotators whose versions it was made
        from (sorted); ``(None, [])`` when there is none."""
        with self.reading() as s:
            row = self._gold_row(s, document_id)
            if row is None:
                return None, []
            source = aliased(m.AnnotationRow)
            names = s.scalars(
                select(m.AnnotatorRow.name)
                .select_from(m.GoldSourceRow)
                .join(source, source.id == m.GoldSourceRow.source_annotation_id)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == source.annotator_id)
                .where(m.GoldSourceRow.gold_annotation_id == row.id)
                .order_by(m.AnnotatorRow.name)
            )
            return row.reviewer, list(names)

    def _gold_row(self, s: Session, document_id: int) -> m.AnnotationRow | None:
        return s.scalar(
            select(m.AnnotationRow)
            .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
            .where(m.AnnotationRow.document_id == document_id)
            .where(m.AnnotatorRow.kind == GOLD)
        )

    # -- writing the gold version --------------------------------------------------------

    def save_gold(
        self,
        document_id: int,
        reviewer: str,
        spans: Sequence[Span],
        sources: Sequence[str],
        *,
        drop: Sequence[Span] = (),
    ) -> SpanDelta:
        """Settle the document's gold version in one transaction: its spans replaced by
        ``spans``, status accepted, ``reviewer`` remembered, and ``sources`` (annotator
        names; each must have a version of the document) as the versions it was made from;
        ``drop`` records candidates turned down with it. Returns the spans that went in
        (and the drops recorded).
        """
        reviewer = _reviewer(reviewer)
        with self.writing() as s:
            tokens = _document_tokens(s, document_id)
            _check_aligned(tokens, spans)
            source_ids = _source_annotation_ids(s, document_id, sources)
            gold_id = self._gold_annotation_id(s, document_id, reviewer)
            s.execute(delete(m.SpanRow).where(m.SpanRow.annotation_id == gold_id))
            delta = apply_span_edit(s, gold_id, add=spans, reject=drop)
            _replace_sources(s, gold_id, source_ids)
            return delta

    def edit_gold(
        self,
        document_id: int,
        reviewer: str,
        *,
        remove: Sequence[Span] = (),
        add: Sequence[Span] = (),
        sources: Sequence[str] | None = None,
        drop: Sequence[Span] = (),
        undrop: Sequence[Span] = (),
    ) -> SpanDelta:
        """Change the gold version in one transaction (for undo commands): remove spans
        (matched by offsets and label), add spans (one already there is left as it is), and
        replace the sources when given. Creates the gold version when there is none.

        ``drop`` records candidate spans the reviewer turned down (kept with the gold
        version, in the same table as an annotator's rejected suggestions); ``undrop``
        forgets such records. Returns what really changed."""
        reviewer = _reviewer(reviewer)
        with self.writing() as s:
            tokens = _document_tokens(s, document_id)
            _check_aligned(tokens, add)
            source_ids = (
                None if sources is None else _source_annotation_ids(s, document_id, sources)
            )
            gold_id = self._gold_annotation_id(s, document_id, reviewer)
            delta = apply_span_edit(
                s, gold_id, remove=remove, add=add, reject=drop, unreject=undrop
            )
            if source_ids is not None:
                _replace_sources(s, gold_id, source_ids)
            return delta

    def discard_gold(self, document_id: int) -> None:
        """Delete the document's gold version (with its spans and sources), if it has one:
        the document is unreviewed again."""
        with self.writing() as s:
            gold = gold_annotator_id(s, create=False)
            if gold is None:
                return
            s.execute(
                delete(m.AnnotationRow)
                .where(m.AnnotationRow.document_id == document_id)
                .where(m.AnnotationRow.annotator_id == gold)
            )

    def _gold_annotation_id(self, s: Session, document_id: int, reviewer: str) -> int:
        """The gold annotation of the document, created if missing; accepted, by ``reviewer``."""
        gold = gold_annotator_id(s, create=True)
        found = s.scalar(
            select(m.AnnotationRow.id)
            .where(m.AnnotationRow.document_id == document_id)
            .where(m.AnnotationRow.annotator_id == gold)
        )
        now = m.utcnow()
        if found is None:
            row = m.AnnotationRow(
                document_id=document_id,
                annotator_id=gold,
                status=Status.ACCEPTED.value,
                reviewer=reviewer,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return row.id
        s.execute(
            update(m.AnnotationRow)
            .where(m.AnnotationRow.id == found)
            .values(status=Status.ACCEPTED.value, reviewer=reviewer, updated_at=now)
        )
        return found

    # -- the review queue ----------------------------------------------------------------


def gold_annotator_id(s: Session, *, create: bool) -> int | None:
    """The id of the reserved gold annotator, created on first use when ``create``."""
    found = s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.kind == GOLD))
    if found is not None or not create:
        return found
    try:
        with s.begin_nested():  # another reviewer may create it at the same moment
            s.execute(insert(m.AnnotatorRow).values(name=GOLD, kind=GOLD))
    except IntegrityError:
        pass
    return s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.kind == GOLD))


def _reviewer(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError("a gold version needs a reviewer's name")
    return name


def _document_tokens(s: Session, document_id: int) -> Sequence[Token]:
    row = s.execute(
        select(m.DocumentRow.text, m.DocumentRow.tokens).where(m.DocumentRow.id == document_id)
    ).first()
    if row is None:
        raise UnknownDocumentError(document_id)
    return unpack_tokens(row.text, row.tokens)


def _check_aligned(tokens: Sequence[Token], spans: Sequence[Span]) -> None:
    for span in spans:
        token_index(tokens, span.start, span.end)


def _source_annotation_ids(s: Session, document_id: int, sources: Sequence[str]) -> list[int]:
    """The annotation ids of the named people's versions of the document."""
    wanted = list(dict.fromkeys(sources))
    found = dict(
        s.execute(
            select(m.AnnotatorRow.name, m.AnnotationRow.id)
            .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
            .where(m.AnnotationRow.document_id == document_id)
            .where(m.AnnotatorRow.kind == PERSON)
            .where(m.AnnotatorRow.name.in_(wanted))
        ).all()
    )
    missing = [name for name in wanted if name not in found]
    if missing:
        raise ValueError(
            f"document {document_id} has no version by {', '.join(map(repr, missing))}"
        )
    return [found[name] for name in wanted]


def _replace_sources(s: Session, gold_id: int, source_ids: Sequence[int]) -> None:
    s.execute(delete(m.GoldSourceRow).where(m.GoldSourceRow.gold_annotation_id == gold_id))
    if source_ids:
        s.execute(
            insert(m.GoldSourceRow),
            [
                {"gold_annotation_id": gold_id, "source_annotation_id": source_id}
                for source_id in source_ids
            ],
        )


def _spans_of(s: Session, annotation_ids: Sequence[int]) -> dict[int, list[Span]]:
    spans: dict[int, list[Span]] = defaultdict(list)
    if annotation_ids:
        for annotation_id, start, end, label, source in s.execute(
            select(
                m.SpanRow.annotation_id,
                m.SpanRow.start,
                m.SpanRow.end,
                m.SpanRow.label,
                m.SpanRow.source,
            )
            .where(m.SpanRow.annotation_id.in_(list(annotation_ids)))
            .order_by(m.SpanRow.start, m.SpanRow.end, m.SpanRow.label)
        ):
            spans[annotation_id].append(Span(start, end, label, source))
    return spans


def _rejections_of(s: Session, annotation_ids: Sequence[int]) -> dict[int, list[Span]]:
    rejected: dict[int, list[Span]] = defaultdict(list)
    if annotation_ids:
        for annotation_id, start, end, label in s.execute(
            select(
                m.RejectionRow.annotation_id,
                m.RejectionRow.start,
                m.RejectionRow.end,
                m.RejectionRow.label,
            )
            .where(m.RejectionRow.annotation_id.in_(list(annotation_ids)))
            .order_by(m.RejectionRow.start, m.RejectionRow.end)
        ):
            rejected[annotation_id].append(Span(start, end, label))
    return rejected
