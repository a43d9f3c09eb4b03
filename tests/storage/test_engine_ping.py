"""PostgreSQL connections: a pooled connection is pinged only after sitting idle, and one the
server dropped meanwhile is replaced before the next edit, which then succeeds."""

from __future__ import annotations

import pytest
from sqlalchemy import event

import storage.engine
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document


@pytest.mark.postgres
def test_engine_pings_only_idle_connections_and_replaces_dropped_ones(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    with ProjectRepository.open(postgres_url) as repo:
        [(doc, _)] = repo.add_documents([new_document("GM buys cells from CATL.")])
        sent: list[str] = []
        event.listen(repo.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        repo.add_span(doc, "ana", Span(0, 2, "ORG"))
        sent.clear()
        repo.add_span(doc, "ana", Span(19, 23, "ORG"))  # a run of edits: no ping between
        assert sent and not any(s.strip().lower() == "select 1" for s in sent)

        backend = repo.engine.pool._pool.queue[0].dbapi_connection.info.backend_pid  # type: ignore[attr-defined]
        admin = postgres_url.replace("+psycopg", "")
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(%s)", (backend,))
        monkeypatch.setattr(storage.engine, "IDLE_PING_SECONDS", 0.0)
        repo.remove_span(doc, "ana", Span(0, 2, "ORG"))  # a fresh connection, no error
        assert repo.annotation(doc, "ana").spans == [Span(19, 23, "ORG")]
