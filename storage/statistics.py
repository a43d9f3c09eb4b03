"""Counts over a project for ``stats``, ``team status`` and the statistics view: one
definition for all of them.

*People's work* is every version of an annotator of kind ``person``; the reviewed gold
versions (kind ``gold``) are counted apart, never inside it. Figures over time come from
the stored timestamps: a version is *finished* (accepted or rejected) on the day of its
``updated_at`` (its last change), an entity is marked at its span's ``created_at`` (a
resized span is a new row, so it counts again). Days are the user's local days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import combinations
from typing import Any

from sqlalchemy import func, select

from core.agreement import span_f1
from core.spans import Span
from storage import models as m
from storage.repository_base import RepositoryBase

_PERSON = m.AnnotatorRow.kind == "person"
_GOLD = m.AnnotatorRow.kind == "gold"
FINISHED = ("accepted", "rejected")
MIN_HOURS = 5 / 60


@dataclass(frozen=True)
class WorkRate:
    """One person's work since a moment: finished documents and marked entities, and the
    hours they were counted over."""

    documents: int
    entities: int
    hours: float

    @property
    def documents_per_hour(self) -> float:
        return self.documents / self.hours if self.hours > 0 else 0.0

    @property
    def entities_per_hour(self) -> float:
        return self.entities / self.hours if self.hours > 0 else 0.0


@dataclass(frozen=True)
class AgreementDay:
    """Documents whose second accepted version came on ``day``, and their mean pairwise
    span F1; ``overall`` is the mean over every such document up to that day."""

    day: date
    documents: int
    f1: float
    overall: float


def _aware(stamp: datetime) -> datetime:
    """A stored moment with its zone (SQLite gives them back in UTC without one)."""
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def local_day(stamp: datetime) -> date:
    """The user's local day of a stored moment."""
    return _aware(stamp).astimezone().date()


class Statistics(RepositoryBase):
    """Documents, annotations by status, spans by label and by annotator, work over time."""

    def progress_by_annotator(self) -> dict[str, dict[str, int]]:
        """Per annotator (sorted by name), documents by status: every status is present.

        ``open`` counts every document the annotator has not decided on, whether it has an
        open annotation or none at all, so each annotator's counts add up to the number of
        documents in the project.
        """
        with self.reading() as s:
            documents = s.scalar(select(func.count(m.DocumentRow.id))) or 0
            progress: dict[str, dict[str, int]] = {
                name: {status: 0 for status in m.STATUSES}
                for name in s.scalars(
                    select(m.AnnotatorRow.name).where(_PERSON).order_by(m.AnnotatorRow.name)
                )
            }
            decided = s.execute(
                select(m.AnnotatorRow.name, m.AnnotationRow.status, func.count())
                .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
                .where(_PERSON)
                .where(m.AnnotationRow.status != "open")
                .group_by(m.AnnotatorRow.name, m.AnnotationRow.status)
            )
            for name, status, n in decided:
                progress[name][status] = n
            for counts in progress.values():
                counts["open"] = documents - sum(counts.values())
            return progress

    def stats(self) -> dict[str, Any]:
        """Counts for ``stats --json`` and the statistics view: documents, people's
        annotations by status, their spans by label and per annotator; the gold versions
        and their spans apart under ``gold``."""
        with self.reading() as s:
            documents = s.scalar(select(func.count(m.DocumentRow.id))) or 0
            by_status = {st: 0 for st in m.STATUSES}
            for status, n in s.execute(
                select(m.AnnotationRow.status, func.count())
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                .where(_PERSON)
                .group_by(m.AnnotationRow.status)
            ):
                by_status[status] = n
            by_label = _spans_by_label(s, _PERSON)
            gold_versions = (
                s.scalar(
                    select(func.count(m.AnnotationRow.id))
                    .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                    .where(_GOLD)
                )
                or 0
            )
            gold_labels = _spans_by_label(s, _GOLD)
            by_annotator: dict[str, dict[str, int]] = {}
            for name, ann, spans in s.execute(
                select(
                    m.AnnotatorRow.name,
                    func.count(func.distinct(m.AnnotationRow.id)),
                    func.count(m.SpanRow.id),
                )
                .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
                .outerjoin(m.SpanRow, m.SpanRow.annotation_id == m.AnnotationRow.id)
                .where(_PERSON)
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
                "gold": {
                    "versions": gold_versions,
                    "spans": {"total": sum(gold_labels.values()), "by_label": gold_labels},
                },
            }

    # -- over time -----------------------------------------------------------------------

    def finished_per_day(self) -> dict[str, dict[date, int]]:
        """Per person (sorted by name), the documents they finished on each day."""
        with self.reading() as s:
            rows = s.execute(
                select(m.AnnotatorRow.name, m.AnnotationRow.updated_at)
                .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
                .where(_PERSON)
                .where(m.AnnotationRow.status.in_(FINISHED))
                .order_by(m.AnnotatorRow.name)
            )
            result: dict[str, dict[date, int]] = {}
            for name, stamp in rows:
                days = result.setdefault(name, {})
                day = local_day(stamp)
                days[day] = days.get(day, 0) + 1
            return {name: dict(sorted(days.items())) for name, days in result.items()}

    def work_since(
        self, since: datetime, *, now: datetime | None = None, from_first_work: bool = False
    ) -> dict[str, WorkRate]:
        """Per person with work since ``since``: documents finished and entities marked
        after it, per hour from ``since`` (or, with ``from_first_work``, from their first
        piece of work after it: "today" starts when they started) to ``now``. The hours
        are at least ``MIN_HOURS``, so the first minutes do not give absurd rates."""
        now = now or datetime.now(UTC)
        since = _aware(since).astimezone(UTC)  # stored in UTC (SQLite keeps no zone)
        person = m.AnnotatorRow.name
        with self.reading() as s:
            finished = {
                name: (n, first)
                for name, n, first in s.execute(
                    select(person, func.count(), func.min(m.AnnotationRow.updated_at))
                    .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
                    .where(_PERSON)
                    .where(m.AnnotationRow.status.in_(FINISHED))
                    .where(m.AnnotationRow.updated_at >= since)
                    .group_by(person)
                )
            }
            marked = {
                name: (n, first)
                for name, n, first in s.execute(
                    select(person, func.count(), func.min(m.SpanRow.created_at))
                    .join(m.AnnotationRow, m.AnnotationRow.annotator_id == m.AnnotatorRow.id)
                    .join(m.SpanRow, m.SpanRow.annotation_id == m.AnnotationRow.id)
                    .where(_PERSON)
                    .where(m.SpanRow.created_at >= since)
                    .group_by(person)
                )
            }
        result: dict[str, WorkRate] = {}
        for name in sorted({*finished, *marked}):
            documents, first_finish = finished.get(name, (0, None))
            entities, first_mark = marked.get(name, (0, None))
            start = since
            if from_first_work:
                start = min(_aware(t) for t in (first_finish, first_mark) if t is not None)
            hours = max((now - start).total_seconds() / 3600, MIN_HOURS)
            result[name] = WorkRate(int(documents), int(entities), hours)
        return result

    def agreement_over_time(self) -> list[AgreementDay]:
        """Per day, the documents that got their second accepted version (by a person)
        that day and how well their versions agree (mean pairwise exact-match span F1, the
        agreement view's span figure); oldest day first."""
        versions: dict[int, dict[int, tuple[datetime, list[Span]]]] = defaultdict(dict)
        with self.reading() as s:
            accepted = (
                select(m.AnnotationRow.document_id)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                .where(_PERSON)
                .where(m.AnnotationRow.status == "accepted")
                .group_by(m.AnnotationRow.document_id)
                .having(func.count() >= 2)
                .scalar_subquery()
            )
            rows = s.execute(
                select(
                    m.AnnotationRow.document_id,
                    m.AnnotationRow.annotator_id,
                    m.AnnotationRow.updated_at,
                    m.SpanRow.start,
                    m.SpanRow.end,
                    m.SpanRow.label,
                )
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                .outerjoin(m.SpanRow, m.SpanRow.annotation_id == m.AnnotationRow.id)
                .where(_PERSON)
                .where(m.AnnotationRow.status == "accepted")
                .where(m.AnnotationRow.document_id.in_(accepted))
            )
            for document_id, annotator_id, stamp, start, end, label in rows:
                _, spans = versions[document_id].setdefault(annotator_id, (stamp, []))
                if start is not None:
                    spans.append(Span(start, end, label))
        per_day: dict[date, list[float]] = defaultdict(list)
        for by_person in versions.values():
            stamps = sorted(stamp for stamp, _ in by_person.values())
            pairs = [span_f1(a, b).f1 for (_, a), (_, b) in combinations(by_person.values(), 2)]
            per_day[local_day(stamps[1])].append(sum(pairs) / len(pairs))
        result: list[AgreementDay] = []
        seen: list[float] = []
        for day in sorted(per_day):
            values = per_day[day]
            seen.extend(values)
            result.append(
                AgreementDay(day, len(values), sum(values) / len(values), sum(seen) / len(seen))
            )
        return result


def _spans_by_label(s: Any, kind: Any) -> dict[str, int]:
    """Spans per label of the versions of annotators of ``kind``, sorted by label."""
    return {
        label: n
        for label, n in s.execute(
            select(m.SpanRow.label, func.count())
            .join(m.AnnotationRow, m.AnnotationRow.id == m.SpanRow.annotation_id)
            .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
            .where(kind)
            .group_by(m.SpanRow.label)
            .order_by(m.SpanRow.label)
        )
    }
