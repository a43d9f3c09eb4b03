"""Who annotates what: *k annotators per document*, handed out on demand or by a manager.

``next_document`` gives an annotator the first document of the queue order that has fewer
than k assignees and none by them. Two annotators asking at the same moment never push a
document past k: on PostgreSQL the candidate document row is locked (``FOR NO KEY UPDATE
SKIP LOCKED``: other assigners move on to the next candidate, while new versions of the
document, which take only a key-share lock, are not held up) and its assignees are counted
again in a new statement once the lock is held; when every candidate left is locked, the
assigner asks again for a moment instead of answering that the pool is empty; on SQLite
the whole write transaction holds the database (``BEGIN IMMEDIATE``). A skipped document
goes back to the pool after the project's stated time (its assignment then no longer
counts) or at once when a manager frees it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.document_scores import order_by
from storage.repository_base import RepositoryBase, UnknownDocumentError
from storage.review import is_reserved_name

# How long an assigner asks again while the pool's only candidates are locked by others.
LOCKED_WAIT_SECONDS = 5.0
LOCKED_RETRY_SECONDS = 0.02
OVERLAP_KEY = "annotators_per_document"
SKIP_RETURN_KEY = "skip_return_minutes"
DEFAULT_SKIP_RETURN_MINUTES = 24 * 60
DONE_STATUSES = ("accepted", "rejected")


class AssignmentError(ValueError):
    """An assignment request that cannot be carried out, with a message for people."""


@dataclass(frozen=True)
class TeamSettings:
    annotators_per_document: int = 1
    skip_return_minutes: int = DEFAULT_SKIP_RETURN_MINUTES
    # k was set (``team init``): each person's queue holds the documents assigned to them.
    team: bool = False


@dataclass(frozen=True)
class PersonProgress:
    name: str
    role: str | None
    assigned: int
    done: int
    skipped: int

    @property
    def open(self) -> int:
        return self.assigned - self.done - self.skipped


def _status_of(assignment: Any) -> Any:
    """The status of the assignee's own version of the assigned document (None: none yet)."""
    return (
        select(m.AnnotationRow.status)
        .where(m.AnnotationRow.document_id == assignment.document_id)
        .where(m.AnnotationRow.annotator_id == assignment.annotator_id)
        .scalar_subquery()
    )


class Assignments(RepositoryBase):
    # -- settings ------------------------------------------------------------------------

    def team_settings(self) -> TeamSettings:
        with self.reading() as s:
            return _settings(s)

    def set_team_settings(
        self,
        *,
        annotators_per_document: int | None = None,
        skip_return_minutes: int | None = None,
    ) -> TeamSettings:
        """Change the overlap k and how long a skipped document stays with its annotator."""
        if annotators_per_document is not None and annotators_per_document < 1:
            raise AssignmentError("annotators per document must be at least 1")
        if skip_return_minutes is not None and skip_return_minutes < 0:
            raise AssignmentError("the time a skipped document is kept cannot be negative")
        with self.writing() as s:
            project_id, settings = s.execute(select(m.ProjectRow.id, m.ProjectRow.settings)).one()
            settings = dict(settings or {})
            if annotators_per_document is not None:
                settings[OVERLAP_KEY] = annotators_per_document
            if skip_return_minutes is not None:
                settings[SKIP_RETURN_KEY] = skip_return_minutes
            s.execute(
                update(m.ProjectRow).where(m.ProjectRow.id == project_id).values(settings=settings)
            )
            return _settings(s)

    # -- handing out ---------------------------------------------------------------------

    def next_document(self, annotator: str, *, order: str = "in_order") -> int | None:
        """The document ``annotator``'s queue opens next, assigned to them if it is new.

        Their first assigned document that they have not finished or skipped comes first;
        otherwise the first document (in ``order``) with fewer than k assignees and none by
        them is assigned. None when there is no such document.
        """
        with self.writing() as s:
            annotator_id = self._assignee_id(s, annotator)
            assignment = m.AssignmentRow
            status = _status_of(assignment)
            pending = (
                select(m.DocumentRow.id)
                .join(assignment, assignment.document_id == m.DocumentRow.id)
                .where(assignment.annotator_id == annotator_id)
                .where(func.coalesce(status, "open") == "open")
            )
            found: int | None = s.scalar(order_by(pending, order).limit(1))
            if found is not None:
                return found
            new = _hand_out(s, annotator_id, 1, order, _settings(s))
            return new[0] if new else None

    def assign_count(
        self, annotator: str, count: int, *, order: str = "in_order", by: str = "manager"
    ) -> list[int]:
        """Hand ``count`` more documents to ``annotator`` as ``next`` would (k respected)."""
        if count < 1:
            raise AssignmentError("--count must be at least 1")
        with self.writing() as s:
            annotator_id = self._assignee_id(s, annotator)
            return _hand_out(s, annotator_id, count, order, _settings(s), by=by)

    def assign_documents(
        self, annotator: str, document_ids: Sequence[int], *, by: str = "manager"
    ) -> list[int]:
        """Put these documents in ``annotator``'s queue by hand (a manager's decision, so k
        is not checked); returns those that were not assigned to them already."""
        wanted = sorted(set(document_ids))
        with self.writing() as s:
            annotator_id = self._assignee_id(s, annotator)
            known = set(
                s.scalars(
                    select(m.DocumentRow.id)
                    .where(m.DocumentRow.id.in_(wanted))
                    .order_by(m.DocumentRow.id)
                    .with_for_update(of=m.DocumentRow, key_share=True)
                )
            )
            missing = [d for d in wanted if d not in known]
            if missing:
                raise UnknownDocumentError(
                    f"the project has no document {', '.join(map(str, missing))}"
                )
            have = set(
                s.scalars(
                    select(m.AssignmentRow.document_id)
                    .where(m.AssignmentRow.annotator_id == annotator_id)
                    .where(m.AssignmentRow.document_id.in_(wanted))
                )
            )
            new = [d for d in wanted if d not in have]
            if new:
                s.execute(
                    insert(m.AssignmentRow),
                    [
                        {"document_id": d, "annotator_id": annotator_id, "assigned_by": by}
                        for d in new
                    ],
                )
            return new

    def free_documents(self, document_ids: Sequence[int], annotator: str | None = None) -> int:
        """Take these documents out of ``annotator``'s queue (everyone's when None), back to
        the pool; returns how many assignments were removed."""
        with self.writing() as s:
            query = delete(m.AssignmentRow).where(
                m.AssignmentRow.document_id.in_(list(document_ids))
            )
            if annotator is not None:
                query = query.where(
                    m.AssignmentRow.annotator_id
                    == select(m.AnnotatorRow.id)
                    .where(m.AnnotatorRow.name == annotator)
                    .scalar_subquery()
                )
            return int(s.execute(query).rowcount)  # type: ignore[attr-defined]

    # -- reading -------------------------------------------------------------------------

    def assigned_documents(self, annotator: str, *, order: str = "in_order") -> list[int]:
        """The documents in ``annotator``'s queue, in ``order``."""
        with self.reading() as s:
            query = (
                select(m.DocumentRow.id)
                .join(m.AssignmentRow, m.AssignmentRow.document_id == m.DocumentRow.id)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AssignmentRow.annotator_id)
                .where(m.AnnotatorRow.name == annotator)
            )
            return list(s.scalars(order_by(query, order)))

    def assignees(self) -> dict[int, list[str]]:
        """Every document with its assignees (sorted names); unassigned documents: []."""
        with self.reading() as s:
            result: dict[int, list[str]] = {
                d: [] for d in s.scalars(select(m.DocumentRow.id).order_by(m.DocumentRow.id))
            }
            rows = s.execute(
                select(m.AssignmentRow.document_id, m.AnnotatorRow.name)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AssignmentRow.annotator_id)
                .order_by(m.AssignmentRow.document_id, m.AnnotatorRow.name)
            )
            for document_id, name in rows:
                result[document_id].append(name)
            return result

    def team_progress(self) -> list[PersonProgress]:
        """Per team member (and anyone else with assignments): assigned, done, skipped."""
        with self.reading() as s:
            assignment, version = m.AssignmentRow, m.AnnotationRow
            status = version.status
            counts = {
                annotator_id: (assigned, done or 0, skipped or 0)
                for annotator_id, assigned, done, skipped in s.execute(
                    select(
                        assignment.annotator_id,
                        func.count(),
                        func.sum(case((status.in_(DONE_STATUSES), 1), else_=0)),
                        func.sum(case((status == "skipped", 1), else_=0)),
                    )
                    .outerjoin(
                        version,
                        and_(
                            version.document_id == assignment.document_id,
                            version.annotator_id == assignment.annotator_id,
                        ),
                    )
                    .group_by(assignment.annotator_id)
                )
            }
            roles: dict[int, str] = {
                annotator_id: role
                for annotator_id, role in s.execute(
                    select(m.TeamMemberRow.annotator_id, m.TeamMemberRow.role)
                )
            }
            people = s.execute(
                select(m.AnnotatorRow.id, m.AnnotatorRow.name)
                .where(m.AnnotatorRow.id.in_(set(counts) | set(roles)))
                .order_by(m.AnnotatorRow.name)
            )
            return [
                PersonProgress(name, roles.get(pid), *counts.get(pid, (0, 0, 0)))
                for pid, name in people
            ]

    def _assignee_id(self, s: Session, annotator: str) -> int:
        annotator = annotator.strip()
        if not annotator:
            raise AssignmentError("an assignment needs an annotator's name")
        if is_reserved_name(annotator):
            raise AssignmentError(f"{annotator!r} is the reviewed gold version, not a person")
        return self._annotator_id(s, annotator)


def _settings(s: Session) -> TeamSettings:
    settings = s.scalar(select(m.ProjectRow.settings)) or {}
    return TeamSettings(
        int(settings.get(OVERLAP_KEY, 1)),
        int(settings.get(SKIP_RETURN_KEY, DEFAULT_SKIP_RETURN_MINUTES)),
        OVERLAP_KEY in settings,
    )


def _counted_assignees(document_id: Any, cutoff: Any) -> Any:
    """How many assignments of the document count towards k: all but those whose assignee
    skipped the document longer ago than the stated time."""
    assignment = m.AssignmentRow
    returned = exists().where(
        and_(
            m.AnnotationRow.document_id == assignment.document_id,
            m.AnnotationRow.annotator_id == assignment.annotator_id,
            m.AnnotationRow.status == "skipped",
            m.AnnotationRow.updated_at <= cutoff,
        )
    )
    return (
        select(func.count())
        .select_from(assignment)
        .where(assignment.document_id == document_id)
        .where(~returned)
        .scalar_subquery()
    )


def _hand_out(
    s: Session,
    annotator_id: int,
    count: int,
    order: str,
    settings: TeamSettings,
    *,
    by: str = "next",
) -> list[int]:
    """Assign up to ``count`` documents of the pool to the annotator, in ``order``."""
    cutoff = m.utcnow() - timedelta(minutes=settings.skip_return_minutes)
    k = settings.annotators_per_document
    theirs = exists().where(
        and_(
            m.AssignmentRow.document_id == m.DocumentRow.id,
            m.AssignmentRow.annotator_id == annotator_id,
        )
    )
    # A version they already finished (say, imported) makes a document theirs as well.
    finished = exists().where(
        and_(
            m.AnnotationRow.document_id == m.DocumentRow.id,
            m.AnnotationRow.annotator_id == annotator_id,
            m.AnnotationRow.status != "open",
        )
    )
    pool = (
        select(m.DocumentRow.id)
        .where(~theirs)
        .where(~finished)
        .where(_counted_assignees(m.DocumentRow.id, cutoff) < k)
    )
    assigned: list[int] = []
    passed: list[int] = []
    deadline = time.monotonic() + LOCKED_WAIT_SECONDS
    while len(assigned) < count:
        query = pool
        if passed:
            query = query.where(m.DocumentRow.id.notin_(passed))
        candidate = s.scalar(
            order_by(query, order)
            .limit(1)
            .with_for_update(skip_locked=True, of=m.DocumentRow, key_share=True)
        )
        if candidate is None:
            # Every candidate left may be locked by someone assigning it at this moment, who
            # may leave room under k: ask again shortly (each statement sees what they have
            # committed since) rather than say the pool is empty. Waiting for their lock
            # instead could deadlock with the rows this transaction has passed and holds.
            if time.monotonic() < deadline and s.scalar(select(exists(query))):
                time.sleep(LOCKED_RETRY_SECONDS)
                continue
            break
        # The row lock is held now; a new statement sees every assignment committed by those
        # who held it before (the candidate query's snapshot may be older than that).
        if (s.scalar(select(_counted_assignees(candidate, cutoff))) or 0) >= k:
            passed.append(candidate)
            continue
        s.execute(
            insert(m.AssignmentRow).values(
                document_id=candidate, annotator_id=annotator_id, assigned_by=by
            )
        )
        assigned.append(candidate)
    return assigned
