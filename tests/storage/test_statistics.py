"""Statistics on real SQLite files: progress per annotator, the CLI's stats (gold apart),
and work over time from the stored timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from core.documents import Status
from core.spans import Span
from storage import models as m
from storage.repository import ProjectRepository
from storage.statistics import WorkRate, local_day
from tests.storage.conftest import new_document

TEXTS = [f"Text number {n} about CATL." for n in range(5)]


def test_statistics_progress_by_annotator(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        ids = [i for i, _ in repo.add_documents([new_document(t) for t in TEXTS])]
        repo.set_status(ids[0], "ana", Status.ACCEPTED)
        repo.set_status(ids[1], "ana", Status.ACCEPTED)
        repo.set_status(ids[2], "ana", Status.SKIPPED)
        repo.add_span(ids[3], "ana", Span(0, 4, "ORG"))  # an open annotation: still open
        repo.set_status(ids[0], "ben", Status.REJECTED)
        repo.add_annotator("cleo")  # has not started
    with ProjectRepository.open(project_path) as repo:
        progress = repo.progress_by_annotator()
    assert list(progress) == ["ana", "ben", "cleo"]
    assert progress["ana"] == {"open": 2, "accepted": 2, "rejected": 0, "skipped": 1}
    assert progress["ben"] == {"open": 4, "accepted": 0, "rejected": 1, "skipped": 0}
    assert progress["cleo"] == {"open": 5, "accepted": 0, "rejected": 0, "skipped": 0}


def test_statistics_progress_of_empty_project(repo: ProjectRepository) -> None:
    assert repo.progress_by_annotator() == {}
    repo.add_annotator("ana")
    assert repo.progress_by_annotator() == {
        "ana": {"open": 0, "accepted": 0, "rejected": 0, "skipped": 0}
    }


def test_statistics_stats_keeps_its_shape(repo: ProjectRepository) -> None:
    [(doc_id, _)] = repo.add_documents([new_document(TEXTS[0])])
    repo.add_span(doc_id, "ana", Span(20, 24, "ORG"))
    repo.set_status(doc_id, "ana", Status.ACCEPTED)
    assert repo.stats() == {
        "project": "project",
        "documents": 1,
        "annotations": {
            "total": 1,
            "by_status": {"open": 0, "accepted": 1, "rejected": 0, "skipped": 0},
        },
        "spans": {"total": 1, "by_label": {"ORG": 1}},
        "annotators": {"ana": {"annotations": 1, "spans": 1}},
        "gold": {"versions": 0, "spans": {"total": 0, "by_label": {}}},
    }


def _stamp(repo: ProjectRepository, document_id: int, annotator: str, when: datetime) -> None:
    """Move a version's last change (and its spans' creation) to ``when``."""
    with repo.writing() as s:
        person = s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.name == annotator))
        version = m.AnnotationRow
        chosen = (version.document_id == document_id) & (version.annotator_id == person)
        s.execute(update(version).where(chosen).values(updated_at=when))
        ids = select(version.id).where(chosen).scalar_subquery()
        s.execute(update(m.SpanRow).where(m.SpanRow.annotation_id == ids).values(created_at=when))


def test_statistics_work_over_time_from_the_stored_times(repo: ProjectRepository) -> None:
    ids = [i for i, _ in repo.add_documents([new_document(t) for t in TEXTS])]
    catl = Span(20, 24, "ORG")
    day1 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    day2 = day1 + timedelta(days=1)
    for document_id, who, spans, when in [
        (ids[0], "ana", [catl], day1),
        (ids[0], "ben", [catl], day1 + timedelta(hours=1)),  # agree fully
        (ids[1], "ana", [catl], day2),
        (ids[1], "ben", [], day2 + timedelta(hours=1)),  # agree not at all
        (ids[2], "ana", [catl], day2),  # alone: no agreement figure
    ]:
        repo.edit_spans(document_id, who, add=spans)
        repo.set_status(document_id, who, Status.ACCEPTED)
        _stamp(repo, document_id, who, when)
    repo.save_gold(ids[0], "rita", [catl], ["ana"])  # the reviewer's work is not counted

    d1, d2 = local_day(day1 + timedelta(hours=1)), local_day(day2 + timedelta(hours=1))
    finished = repo.finished_per_day()
    assert finished == {"ana": {local_day(day1): 1, local_day(day2): 2}, "ben": {d1: 1, d2: 1}}
    over_time = repo.agreement_over_time()
    assert [(a.day, a.documents, a.f1, a.overall) for a in over_time] == [
        (d1, 1, 1.0, 1.0),
        (d2, 1, 0.0, 0.5),
    ]
    rates = repo.work_since(day2, now=day2 + timedelta(hours=2))
    assert rates["ana"] == WorkRate(documents=2, entities=2, hours=2.0)
    assert rates["ben"] == WorkRate(documents=1, entities=0, hours=2.0)
    assert rates["ana"].documents_per_hour == 1.0
    # "Today" starts with one's first piece of work: ben's was an hour after ana's.
    today = repo.work_since(day2, now=day2 + timedelta(hours=2), from_first_work=True)
    assert today["ben"].hours == 1.0 and today["ben"].documents_per_hour == 1.0
    assert repo.work_since(day2 + timedelta(hours=5)) == {}
