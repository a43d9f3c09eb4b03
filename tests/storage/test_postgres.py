"""The same repository code on a real PostgreSQL server (a team project)."""

from __future__ import annotations

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document


def test_postgres_project_round_trip(postgres_url: str) -> None:
    with ProjectRepository.open(postgres_url) as repo:
        [(doc_id, added)] = repo.add_documents([new_document("GM buys cells from CATL.")])
        assert added
        repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))
        repo.add_span(doc_id, "ben", Span(19, 23, "ORG"))
        repo.set_status(doc_id, "ana", Status.ACCEPTED)
        repo.store_suggestions([(doc_id, [Span(19, 23, "ORG", "rules:en")])], "rules", "1")
    with ProjectRepository.open(postgres_url) as repo:
        assert repo.annotation(doc_id, "ana").spans == [Span(0, 2, "ORG")]
        assert repo.annotation(doc_id, "ana").status is Status.ACCEPTED
        assert repo.count_documents("ana", status=Status.ACCEPTED) == 1
        assert repo.cached_suggestions(doc_id, "rules", "1") == [Span(19, 23, "ORG", "rules:en")]
        stats = repo.stats()
        assert len(repo.labels()) == 12
    assert stats["spans"]["by_label"] == {"ORG": 2}
