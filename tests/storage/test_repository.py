"""The repository on real SQLite files: documents, spans, statuses, cache, locking."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span
from core.tokens import MisalignedSpanError
from storage import engine as engine_module
from storage.repository import ProjectRepository, StorageError
from tests.storage.conftest import new_document

TEXT = "GM buys LFP cells from CATL.\nThe plant in Nevada opens in 2026."


def test_repository_open_sets_sqlite_pragmas(repo: ProjectRepository) -> None:
    with repo.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_repository_open_creates_default_labels(repo: ProjectRepository) -> None:
    names = [label.name for label in repo.labels()]
    assert names[:3] == ["ORG", "PERSON", "LOC"]
    assert len(names) == 12


def test_repository_same_text_twice_is_one_document(repo: ProjectRepository) -> None:
    results = repo.add_documents([new_document(TEXT), new_document(TEXT)])
    assert results[0][1] is True and results[1] == (results[0][0], False)
    assert len(repo.document_ids()) == 1


def test_repository_span_survives_reopen(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
        repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))
        repo.add_span(doc_id, "ana", Span(23, 27, "ORG"))
        repo.set_status(doc_id, "ana", Status.ACCEPTED)
    with ProjectRepository.open(project_path) as repo:
        annotation = repo.annotation(doc_id, "ana")
    assert annotation.status is Status.ACCEPTED
    assert annotation.spans == [Span(0, 2, "ORG"), Span(23, 27, "ORG")]


def test_repository_refuses_misaligned_span(repo: ProjectRepository) -> None:
    [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
    with pytest.raises(MisalignedSpanError):
        repo.add_span(doc_id, "ana", Span(1, 4, "ORG"))
    assert repo.annotation(doc_id, "ana").spans == []


def test_repository_remove_span_and_versions_per_annotator(repo: ProjectRepository) -> None:
    [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
    repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))
    repo.add_span(doc_id, "ben", Span(0, 2, "PERSON"))
    repo.remove_span(doc_id, "ana", Span(0, 2, "ORG"))
    assert repo.annotation(doc_id, "ana").spans == []
    assert repo.annotation(doc_id, "ben").spans == [Span(0, 2, "PERSON")]


def test_repository_queue_pages_filters_and_searches(repo: ProjectRepository) -> None:
    repo.add_documents([new_document(f"Article {i} about CATL cells.") for i in range(25)])
    ids = repo.document_ids()
    repo.set_status(ids[3], "ana", Status.ACCEPTED)
    page = repo.list_documents("ana", offset=10, limit=10)
    assert [d.id for d in page] == ids[10:20]
    assert repo.count_documents("ana") == 25
    assert repo.count_documents("ana", status=Status.ACCEPTED) == 1
    assert repo.count_documents("ana", status=Status.OPEN) == 24
    assert [d.id for d in repo.list_documents("ana", search="Article 7 ")] == [ids[7]]
    assert repo.count_documents("ana", search="100%") == 0


def test_repository_suggestion_cache_invalidated_by_version(repo: ProjectRepository) -> None:
    [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
    spans = [Span(0, 2, "ORG", "rules:en")]
    assert repo.cached_suggestions(doc_id, "rules", "v1") is None
    repo.store_suggestions([(doc_id, spans)], "rules", "v1")
    assert repo.cached_suggestions(doc_id, "rules", "v1") == spans
    assert repo.documents_needing_suggestions("rules", "v1") == []
    assert repo.cached_suggestions(doc_id, "rules", "v2") is None
    assert repo.documents_needing_suggestions("rules", "v2") == [doc_id]
    repo.store_suggestions([(doc_id, [])], "rules", "v2")
    assert repo.cached_suggestions(doc_id, "rules", "v2") == []
    assert repo.cached_suggestions(doc_id, "rules", "v1") is None


def test_repository_stats_counts(repo: ProjectRepository) -> None:
    [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
    repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))
    repo.set_status(doc_id, "ana", Status.ACCEPTED)
    stats = repo.stats()
    assert stats["documents"] == 1
    assert stats["annotations"]["by_status"]["accepted"] == 1
    assert stats["spans"]["by_label"] == {"ORG": 1}
    assert stats["annotators"]["ana"] == {"annotations": 1, "spans": 1}


def test_repository_locked_database_gives_clear_error(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    with ProjectRepository.open(project_path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
        repo.tokens(doc_id)
        other = sqlite3.connect(project_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StorageError, match="locked by another program"):
                repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))
        finally:
            other.execute("ROLLBACK")
            other.close()
        repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))
        assert repo.annotation(doc_id, "ana").spans == [Span(0, 2, "ORG")]


def test_repository_unreadable_file_gives_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.kathode"
    bogus.write_bytes(b"this is not a database, just text" * 100)
    with pytest.raises(StorageError, match="cannot open project"):
        ProjectRepository.open(bogus)
