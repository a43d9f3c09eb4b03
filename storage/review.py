"""Review in the database: people's versions side by side, the review queue, the gold
versions a reviewer settles, and agreement figures.

A gold version is an ordinary annotation (status ``accepted``) of the reserved annotator
``gold`` (kind ``gold``), so spans, exports and statistics reuse everything; the annotation
remembers its reviewer, and ``gold_source`` the versions it was made from. No person may be
named ``gold``. See ``docs/review.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core.agreement import PRF, AgreementReport, agreement, quality
from core.documents import Annotation, Status
from core.review import disagreement
from core.spans import Span, Token
from core.tokens import token_index
from storage import models as m
from storage.repository_base import RepositoryBase, UnknownDocumentError
from storage.rows import unpack_tokens

GOLD = "gold"
PERSON = "person"
AGREEMENT_PAGE = 1000

_ANNOTATION = m.AnnotationRow.__table__
_ANNOTATOR = m.AnnotatorRow.__table__
_DOCUMENT = m.DocumentRow.__table__
_SPAN = m.SpanRow.__table__


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
            dropped = [
                Span(start, end, label)
                for start, end, label in s.execute(
                    select(m.RejectionRow.start, m.RejectionRow.end, m.RejectionRow.label)
                    .where(m.RejectionRow.annotation_id == row.id)
                    .order_by(m.RejectionRow.start, m.RejectionRow.end, m.RejectionRow.label)
                )
            ]
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
        self, document_id: int, reviewer: str, spans: Sequence[Span], sources: Sequence[str]
    ) -> None:
        """Settle the document's gold version in one transaction: its spans replaced by
        ``spans``, status accepted, ``reviewer`` remembered, and ``sources`` (annotator
        names; each must have a version of the document) as the versions it was made from.
        """
        reviewer = _reviewer(reviewer)
        with self.writing() as s:
            tokens = _document_tokens(s, document_id)
            _check_aligned(tokens, spans)
            source_ids = _source_annotation_ids(s, document_id, sources)
            gold_id = self._gold_annotation_id(s, document_id, reviewer)
            s.execute(delete(m.SpanRow).where(m.SpanRow.annotation_id == gold_id))
            _insert_spans(s, gold_id, _distinct(spans))
            _replace_sources(s, gold_id, source_ids)

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
    ) -> None:
        """Change the gold version in one transaction (for undo commands): remove spans
        (matched by offsets and label), add spans (one already there is left as it is), and
        replace the sources when given. Creates the gold version when there is none.

        ``drop`` records candidate spans the reviewer turned down (kept with the gold
        version, in the same table as an annotator's rejected suggestions); ``undrop``
        forgets such records."""
        reviewer = _reviewer(reviewer)
        with self.writing() as s:
            tokens = _document_tokens(s, document_id)
            _check_aligned(tokens, add)
            source_ids = (
                None if sources is None else _source_annotation_ids(s, document_id, sources)
            )
            gold_id = self._gold_annotation_id(s, document_id, reviewer)
            for span in remove:
                s.execute(
                    delete(m.SpanRow)
                    .where(m.SpanRow.annotation_id == gold_id)
                    .where(m.SpanRow.start == span.start)
                    .where(m.SpanRow.end == span.end)
                    .where(m.SpanRow.label == span.label)
                )
            present = set(
                s.execute(
                    select(m.SpanRow.start, m.SpanRow.end, m.SpanRow.label).where(
                        m.SpanRow.annotation_id == gold_id
                    )
                ).all()
            )
            _insert_spans(
                s, gold_id, [x for x in _distinct(add) if (x.start, x.end, x.label) not in present]
            )
            if source_ids is not None:
                _replace_sources(s, gold_id, source_ids)
            for span in undrop:
                s.execute(
                    delete(m.RejectionRow)
                    .where(m.RejectionRow.annotation_id == gold_id)
                    .where(m.RejectionRow.start == span.start)
                    .where(m.RejectionRow.end == span.end)
                    .where(m.RejectionRow.label == span.label)
                )
            dropped = set(
                s.execute(
                    select(m.RejectionRow.start, m.RejectionRow.end, m.RejectionRow.label).where(
                        m.RejectionRow.annotation_id == gold_id
                    )
                ).all()
            )
            s.add_all(
                m.RejectionRow(
                    annotation_id=gold_id, start=span.start, end=span.end, label=span.label
                )
                for span in _distinct(drop)
                if (span.start, span.end, span.label) not in dropped
            )

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

    def review_queue(
        self,
        *,
        annotator: str | None = None,
        label: str | None = None,
        include_reviewed: bool = True,
    ) -> list[ReviewItem]:
        """Documents to review, the most disagreed-on first (then by id).

        A document is listed when a person has decided on it (a version with status
        accepted, rejected or skipped); its annotators are the people with such versions,
        and its disagreement that of their spans (``core.review.disagreement``: 0.0 with
        one version). ``include_reviewed=False`` leaves out documents with a gold version;
        ``annotator`` keeps documents where that person has a version; ``label`` those where
        some version has a span with that label.
        """
        a, who = _ANNOTATION, _ANNOTATOR
        decided = [who.c.kind == PERSON, a.c.status != Status.OPEN.value]
        with self.reading() as s:
            connection = s.connection()
            rows = connection.execute(
                select(a.c.id, a.c.document_id, who.c.name, _DOCUMENT.c.title)
                .join(who, who.c.id == a.c.annotator_id)
                .join(_DOCUMENT, _DOCUMENT.c.id == a.c.document_id)
                .where(*decided)
                .order_by(a.c.document_id, who.c.name)
            ).all()
            spans: dict[int, list[Span]] = defaultdict(list)
            for annotation_id, start, end, span_label in connection.execute(
                select(_SPAN.c.annotation_id, _SPAN.c.start, _SPAN.c.end, _SPAN.c.label)
                .join(a, a.c.id == _SPAN.c.annotation_id)
                .join(who, who.c.id == a.c.annotator_id)
                .where(*decided)
            ).all():
                spans[annotation_id].append(Span(start, end, span_label))
            reviewed = set(
                connection.execute(
                    select(a.c.document_id)
                    .join(who, who.c.id == a.c.annotator_id)
                    .where(who.c.kind == GOLD)
                ).scalars()
            )
        titles: dict[int, str] = {}
        by_document: dict[int, dict[str, list[Span]]] = defaultdict(dict)
        for annotation_id, document_id, name, title in rows:
            by_document[document_id][name] = spans.get(annotation_id, [])
            titles[document_id] = title
        chosen = [
            document_id
            for document_id, versions in by_document.items()
            if (include_reviewed or document_id not in reviewed)
            and (annotator is None or annotator in versions)
            and (label is None or any(span.label == label for v in versions.values() for span in v))
        ]
        items = [
            ReviewItem(
                document_id,
                titles[document_id],
                list(by_document[document_id]),
                disagreement(by_document[document_id]),
                document_id in reviewed,
            )
            for document_id in chosen
        ]
        items.sort(key=lambda item: (-item.disagreement, item.document_id))
        return items

    # -- agreement -----------------------------------------------------------------------

    def agreement_report(
        self,
        *,
        annotators: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        statuses: Sequence[Status] = (Status.ACCEPTED,),
    ) -> AgreementReport:
        """Agreement between people over the documents that at least two of them have a
        version of, with one of ``statuses`` (accepted by default): only finished versions
        are compared, since an open one is still being worked on.

        ``annotators`` limits the comparison to these people (an unknown name is a
        ``ValueError``), ``labels`` to spans with these labels (other spans are left out, as
        if unmarked). Tokens are the stored tokens of each document. Documents are read a
        page at a time, so memory does not grow with the project.
        """
        pages = self._agreement_documents(annotators, labels, statuses, least=2)
        return agreement(document for page in pages for document in page)

    def annotator_quality(self) -> dict[str, PRF]:
        """Each person's accepted versions against the gold versions, micro over the
        documents that have both (empty when nothing has been reviewed)."""
        with self.reading() as s:
            gold: dict[int, list[Span]] = {}
            for document_id, start, end, label in s.connection().execute(
                select(_ANNOTATION.c.document_id, _SPAN.c.start, _SPAN.c.end, _SPAN.c.label)
                .select_from(_ANNOTATION)
                .join(_ANNOTATOR, _ANNOTATOR.c.id == _ANNOTATION.c.annotator_id)
                .outerjoin(_SPAN, _SPAN.c.annotation_id == _ANNOTATION.c.id)
                .where(_ANNOTATOR.c.kind == GOLD)
            ):
                spans = gold.setdefault(document_id, [])
                if start is not None:
                    spans.append(Span(start, end, label))
        if not gold:
            return {}
        pages = self._agreement_documents(
            None, None, (Status.ACCEPTED,), least=1, with_tokens=False
        )
        return quality((document for page in pages for document in page), gold)

    def _agreement_documents(
        self,
        annotators: Sequence[str] | None,
        labels: Sequence[str] | None,
        statuses: Sequence[Status],
        *,
        least: int,
        with_tokens: bool = True,
    ) -> Iterator[list[tuple[int, list[Token], dict[str, list[Span]]]]]:
        """Pages of ``(id, tokens, {annotator: spans})`` of the documents with at least
        ``least`` people's versions that pass the filters, in document id order (Core
        selects: ORM rows would cost more than the figures)."""
        a, d = _ANNOTATION, _DOCUMENT
        status_values = [status.value for status in statuses]
        with self.reading() as s:
            connection = s.connection()
            people = select(_ANNOTATOR.c.id, _ANNOTATOR.c.name).where(_ANNOTATOR.c.kind == PERSON)
            if annotators is not None:
                known = dict(connection.execute(people).all())
                missing = [name for name in annotators if name not in known.values()]
                if missing:
                    have = ", ".join(sorted(known.values())) or "none"
                    raise ValueError(
                        f"no annotator named {', '.join(map(repr, missing))}; "
                        f"the project has {have}"
                    )
                people = people.where(_ANNOTATOR.c.name.in_(list(annotators)))
            names: dict[int, str] = dict(connection.execute(people).all())
            chosen = [a.c.annotator_id.in_(list(names)), a.c.status.in_(status_values)]
            compared = (
                select(a.c.document_id)
                .where(*chosen)
                .group_by(a.c.document_id)
                .having(func.count() >= least)
                .scalar_subquery()
            )
            columns = [d.c.id, d.c.text, d.c.tokens] if with_tokens else [d.c.id]
            after = 0
            while True:
                documents = connection.execute(
                    select(*columns)
                    .where(d.c.id.in_(compared))
                    .where(d.c.id > after)
                    .order_by(d.c.id)
                    .limit(AGREEMENT_PAGE)
                ).all()
                if not documents:
                    return
                first, last = documents[0][0], documents[-1][0]
                in_page = a.c.document_id.between(first, last)
                annotations = connection.execute(
                    select(a.c.id, a.c.document_id, a.c.annotator_id).where(in_page, *chosen)
                ).all()
                span_query = (
                    select(_SPAN.c.annotation_id, _SPAN.c.start, _SPAN.c.end, _SPAN.c.label)
                    .join(a, a.c.id == _SPAN.c.annotation_id)
                    .where(in_page, *chosen)
                )
                if labels is not None:
                    span_query = span_query.where(_SPAN.c.label.in_(list(labels)))
                spans: dict[int, list[Span]] = defaultdict(list)
                for annotation_id, start, end, label in connection.execute(span_query).all():
                    spans[annotation_id].append(Span(start, end, label))
                versions: dict[int, dict[str, list[Span]]] = defaultdict(dict)
                for annotation_id, document_id, annotator_id in annotations:
                    versions[document_id][names[annotator_id]] = spans.get(annotation_id, [])
                yield [
                    (
                        row[0],
                        unpack_tokens(row[1], row[2]) if with_tokens else [],
                        versions[row[0]],
                    )
                    for row in documents
                ]
                after = last


# -- helpers -------------------------------------------------------------------------------


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


def _document_tokens(s: Session, document_id: int) -> list[Token]:
    row = s.execute(
        select(m.DocumentRow.text, m.DocumentRow.tokens).where(m.DocumentRow.id == document_id)
    ).first()
    if row is None:
        raise UnknownDocumentError(document_id)
    return unpack_tokens(row.text, row.tokens)


def _check_aligned(tokens: Sequence[Token], spans: Sequence[Span]) -> None:
    for span in spans:
        token_index(tokens, span.start, span.end)


def _distinct(spans: Sequence[Span]) -> list[Span]:
    """The spans without repeats of the same offsets and label (the first one kept)."""
    seen: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        seen.setdefault((span.start, span.end, span.label), span)
    return list(seen.values())


def _insert_spans(s: Session, annotation_id: int, spans: Sequence[Span]) -> None:
    if not spans:
        return
    now = m.utcnow()
    s.execute(
        insert(m.SpanRow),
        [
            {
                "annotation_id": annotation_id,
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "source": span.source,
                "created_at": now,
                "updated_at": now,
            }
            for span in spans
        ],
    )


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
