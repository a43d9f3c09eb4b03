"""Counts over a project for ``stats --json`` and the statistics view.

They count people's work: the reviewed gold versions (annotator kind ``gold``) are left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from storage import models as m
from storage.repository_base import RepositoryBase

_PERSON = m.AnnotatorRow.kind == "person"


class Statistics(RepositoryBase):
    """Documents, annotations by status, spans by label and by annotator."""

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
        """Counts for ``stats --json``: documents, people's annotations by status, their
        spans by label, and per annotator."""
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
            by_label: dict[str, int] = {
                label: n
                for label, n in s.execute(
                    select(m.SpanRow.label, func.count())
                    .join(m.AnnotationRow, m.AnnotationRow.id == m.SpanRow.annotation_id)
                    .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                    .where(_PERSON)
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
            }
