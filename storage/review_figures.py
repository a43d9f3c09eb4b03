"""Review figures from the database: the review queue and the agreement report.

The queries stream documents page by page and hand plain values to ``core.review`` and
``core.agreement``; gold versions live in ``storage.review``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select

from core.agreement import PRF, AgreementReport, agreement, quality
from core.documents import Status
from core.review import disagreement
from core.spans import Span, Token
from storage.repository_base import RepositoryBase
from storage.review import (
    AGREEMENT_PAGE,
    ANNOTATION_TABLE,
    ANNOTATOR_TABLE,
    DOCUMENT_TABLE,
    GOLD,
    PERSON,
    SPAN_TABLE,
    ReviewItem,
)
from storage.rows import unpack_tokens


class ReviewFigures(RepositoryBase):
    """What the reviewer sorts by and the agreement dashboard shows."""

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
        a, who = ANNOTATION_TABLE, ANNOTATOR_TABLE
        decided = [who.c.kind == PERSON, a.c.status != Status.OPEN.value]
        with self.reading() as s:
            connection = s.connection()
            rows = connection.execute(
                select(a.c.id, a.c.document_id, who.c.name, DOCUMENT_TABLE.c.title)
                .join(who, who.c.id == a.c.annotator_id)
                .join(DOCUMENT_TABLE, DOCUMENT_TABLE.c.id == a.c.document_id)
                .where(*decided)
                .order_by(a.c.document_id, who.c.name)
            ).all()
            spans: dict[int, list[Span]] = defaultdict(list)
            for annotation_id, start, end, span_label in connection.execute(
                select(
                    SPAN_TABLE.c.annotation_id,
                    SPAN_TABLE.c.start,
                    SPAN_TABLE.c.end,
                    SPAN_TABLE.c.label,
                )
                .join(a, a.c.id == SPAN_TABLE.c.annotation_id)
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
                select(
                    ANNOTATION_TABLE.c.document_id,
                    SPAN_TABLE.c.start,
                    SPAN_TABLE.c.end,
                    SPAN_TABLE.c.label,
                )
                .select_from(ANNOTATION_TABLE)
                .join(ANNOTATOR_TABLE, ANNOTATOR_TABLE.c.id == ANNOTATION_TABLE.c.annotator_id)
                .outerjoin(SPAN_TABLE, SPAN_TABLE.c.annotation_id == ANNOTATION_TABLE.c.id)
                .where(ANNOTATOR_TABLE.c.kind == GOLD)
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
    ) -> Iterator[list[tuple[int, Sequence[Token], dict[str, list[Span]]]]]:
        """Pages of ``(id, tokens, {annotator: spans})`` of the documents with at least
        ``least`` people's versions that pass the filters, in document id order (Core
        selects: ORM rows would cost more than the figures)."""
        a, d = ANNOTATION_TABLE, DOCUMENT_TABLE
        status_values = [status.value for status in statuses]
        with self.reading() as s:
            connection = s.connection()
            people = select(ANNOTATOR_TABLE.c.id, ANNOTATOR_TABLE.c.name).where(
                ANNOTATOR_TABLE.c.kind == PERSON
            )
            if annotators is not None:
                known = dict(connection.execute(people).all())
                missing = [name for name in annotators if name not in known.values()]
                if missing:
                    have = ", ".join(sorted(known.values())) or "none"
                    raise ValueError(
                        f"no annotator named {', '.join(map(repr, missing))}; "
                        f"the project has {have}"
                    )
                people = people.where(ANNOTATOR_TABLE.c.name.in_(list(annotators)))
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
                    select(
                        SPAN_TABLE.c.annotation_id,
                        SPAN_TABLE.c.start,
                        SPAN_TABLE.c.end,
                        SPAN_TABLE.c.label,
                    )
                    .join(a, a.c.id == SPAN_TABLE.c.annotation_id)
                    .where(in_page, *chosen)
                )
                if labels is not None:
                    span_query = span_query.where(SPAN_TABLE.c.label.in_(list(labels)))
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
