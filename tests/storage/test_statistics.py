"""Statistics on real SQLite files: progress per annotator, and the CLI's stats unchanged."""

from __future__ import annotations

from pathlib import Path

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
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
    }
