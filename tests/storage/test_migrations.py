"""Migrations: a database made at the first revision keeps all its data at head."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from core.documents import Status
from core.spans import Span
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.repository import ProjectRepository

FIRST = "0001"


def test_migrations_upgrade_from_first_revision_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.kathode"
    engine = make_engine(path)
    upgrade(engine, FIRST)
    body = "Northvolt baut in Heide.\nDie Zellen kommen 2026."
    tokens = [0, 9, 1, 10, 14, 1, 15, 17, 1, 18, 23, 0, 23, 24, 0]
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO project (id, name, settings, created_at) "
                "VALUES (1, 'old', '{}', '2025-01-01 00:00:00')"
            )
        )
        c.execute(
            text(
                "INSERT INTO document (id, text, content_hash, source, meta, language, tokens,"
                " tokenizer_version, created_at) VALUES (7, :t, 'h1', 'old.txt', '{}', 'de',"
                " :tok, 'kathode-tok-1', '2025-01-01 00:00:00')"
            ),
            {"t": body, "tok": json.dumps(tokens)},
        )
        c.execute(
            text(
                "INSERT INTO annotator (id, name, created_at) "
                "VALUES (3, 'ana', '2025-01-01 00:00:00')"
            )
        )
        c.execute(
            text(
                "INSERT INTO annotation (id, document_id, annotator_id, status, created_at,"
                " updated_at) VALUES (5, 7, 3, 'accepted', '2025-01-01', '2025-01-01')"
            )
        )
        c.execute(
            text(
                'INSERT INTO span (annotation_id, start, "end", label, source, created_at,'
                " updated_at) VALUES (5, 0, 9, 'ORG', 'manual', '2025-01-01', '2025-01-01')"
            )
        )
    assert current_revision(engine) == FIRST
    engine.dispose()

    with ProjectRepository.open(path) as repo:
        assert current_revision(repo.engine) == head_revision()
        document = repo.document(7)
        annotation = repo.annotation(7, "ana")
        assert repo.name == "old"
        assert repo.labels() == []  # an old project keeps the scheme it had
    assert document.text == body
    assert document.title == "Northvolt baut in Heide."
    assert [t.text for t in document.tokens] == ["Northvolt", "baut", "in", "Heide", "."]
    assert annotation.status is Status.ACCEPTED
    assert annotation.spans == [Span(0, 9, "ORG")]


def test_migrations_head_constant_matches_alembic() -> None:
    from storage.migrate import HEAD

    assert head_revision() == HEAD
