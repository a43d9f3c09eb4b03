"""Overlap and dynamic assignment: k annotators per document, handed out on demand."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from core.documents import Status
from storage.assignment import AssignmentError
from storage.repository import ProjectRepository, UnknownDocumentError
from tests.conftest import ROOT
from tests.storage.conftest import new_document


def fill(repo: ProjectRepository, n: int) -> list[int]:
    added = repo.add_documents(new_document(f"Cell plant number {i} opens.") for i in range(n))
    return [document_id for document_id, _ in added]


def test_assignment_next_hands_out_in_order_and_resumes_the_open_one(
    repo: ProjectRepository,
) -> None:
    docs = fill(repo, 3)
    assert repo.next_document("ana") == docs[0]
    assert repo.next_document("ana") == docs[0]  # still open: the queue opens it again
    repo.set_status(docs[0], "ana", Status.ACCEPTED)
    assert repo.next_document("ana") == docs[1]
    assert repo.next_document("ben") == docs[2]  # k = 1: ana has 0 and 1
    assert repo.next_document("cleo") is None
    assert repo.assigned_documents("ana") == docs[:2]


def test_assignment_overlap_gives_each_document_to_k_people(repo: ProjectRepository) -> None:
    docs = fill(repo, 2)
    repo.set_team_settings(annotators_per_document=2)
    assert repo.team_settings().annotators_per_document == 2
    assert [repo.next_document(n) for n in ("ana", "ben", "cleo")] == [docs[0], docs[0], docs[1]]
    repo.set_status(docs[0], "ana", Status.ACCEPTED)
    assert repo.next_document("ana") == docs[1]
    assert repo.assignees() == {docs[0]: ["ana", "ben"], docs[1]: ["ana", "cleo"]}


def test_assignment_skipped_document_returns_after_the_stated_time(
    repo: ProjectRepository,
) -> None:
    [doc] = fill(repo, 1)
    assert repo.next_document("ana") == doc
    repo.set_status(doc, "ana", Status.SKIPPED)
    assert repo.next_document("ana") is None  # never back to the one who skipped it
    assert repo.next_document("ben") is None  # kept for ana for a day by default
    repo.set_team_settings(skip_return_minutes=0)
    assert repo.next_document("ben") == doc


def test_assignment_manager_frees_and_assigns_by_hand(repo: ProjectRepository) -> None:
    docs = fill(repo, 3)
    assert repo.next_document("ana") == docs[0]
    assert repo.free_documents([docs[0]]) == 1
    assert repo.next_document("ben") == docs[0]
    assert repo.assign_documents("ana", [docs[2], docs[0], docs[2]]) == [docs[0], docs[2]]
    assert repo.assign_documents("ana", [docs[0]]) == []
    assert repo.assign_count("cleo", 5) == [docs[1]]
    with pytest.raises(UnknownDocumentError, match="no document 999"):
        repo.assign_documents("ana", [999])


def test_assignment_follows_the_most_informative_order(repo: ProjectRepository) -> None:
    docs = fill(repo, 3)
    repo.store_document_scores("m@1", [(docs[0], 0.1), (docs[2], 0.9)])
    assert repo.next_document("ana", order="informative") == docs[2]
    assert repo.assign_count("ben", 2, order="informative") == [docs[0], docs[1]]


def test_assignment_progress_counts_done_skipped_and_open(repo: ProjectRepository) -> None:
    docs = fill(repo, 4)
    repo.assign_documents("ana", docs[:3])
    repo.set_status(docs[0], "ana", Status.ACCEPTED)
    repo.set_status(docs[1], "ana", Status.SKIPPED)
    [ana] = repo.team_progress()
    assert (ana.name, ana.assigned, ana.done, ana.skipped, ana.open) == ("ana", 3, 1, 1, 1)


def test_assignment_refuses_bad_requests(repo: ProjectRepository) -> None:
    with pytest.raises(AssignmentError, match="at least 1"):
        repo.set_team_settings(annotators_per_document=0)
    with pytest.raises(AssignmentError, match="gold"):
        repo.next_document("Gold")
    with pytest.raises(AssignmentError, match="--count"):
        repo.assign_count("ana", 0)


def run_annotators(project: str, names: list[str]) -> dict[str, list[int]]:
    """Start one process per name, all asking ``next`` at the same moment; their results."""
    start = time.time() + 3.0
    processes = {
        name: subprocess.Popen(
            [sys.executable, "-m", "tests.storage.assignment_worker", project, name, str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    }
    results = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results[name] = json.loads(out)
    return results


def check_exactly_k(repo: ProjectRepository, results: dict[str, list[int]], k: int) -> None:
    assignees = repo.assignees()
    assert all(len(names) == k for names in assignees.values()), assignees
    assert all(len(set(names)) == len(names) for names in assignees.values())
    handed = Counter(d for docs in results.values() for d in docs)
    assert handed == Counter({d: k for d in assignees})
    assert {name: sorted(docs) for name, docs in results.items()} == {
        name: sorted(d for d, names in assignees.items() if name in names) for name in results
    }


def test_assignment_concurrent_processes_on_sqlite_never_pass_k(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        fill(repo, 40)
        repo.set_team_settings(annotators_per_document=2)
    results = run_annotators(str(project_path), ["ana", "ben", "cleo", "dana"])
    with ProjectRepository.open(project_path) as repo:
        check_exactly_k(repo, results, 2)


@pytest.mark.postgres
def test_assignment_concurrent_processes_on_postgres_never_pass_k(postgres_url: str) -> None:
    with ProjectRepository.open(postgres_url) as repo:
        fill(repo, 60)
        repo.set_team_settings(annotators_per_document=2)
    results = run_annotators(postgres_url, ["ana", "ben", "cleo"])
    with ProjectRepository.open(postgres_url) as repo:
        check_exactly_k(repo, results, 2)
    # Everyone got work: nobody was starved by the others' locks.
    assert all(results.values())


@pytest.mark.postgres
def test_assignment_waits_for_a_candidate_another_assigner_has_locked(postgres_url: str) -> None:
    """The pool's last document is locked by another assigner, who then leaves room under
    k: ``next`` waits a moment and hands it out instead of answering that nothing is left
    (it used to, and a concurrent annotator stopped early)."""
    import threading

    import psycopg

    with ProjectRepository.open(postgres_url) as repo:
        [doc] = fill(repo, 1)
        repo.set_team_settings(annotators_per_document=1)
        base, _, name = postgres_url.rpartition("/")
        other = psycopg.connect(f"{base.replace('+psycopg', '')}/{name}")
        other.execute("SELECT id FROM document WHERE id = %s FOR NO KEY UPDATE", (doc,))
        released = threading.Timer(0.5, other.rollback)  # their assignment did not happen
        released.start()
        try:
            assert repo.next_document("ana") == doc
        finally:
            released.join()
            other.close()
        assert repo.assignees() == {doc: ["ana"]}
