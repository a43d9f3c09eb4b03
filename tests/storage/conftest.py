from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from nlp.tokenizer import TOKENIZER_VERSION, tokenize
from storage.repository import NewDocument, ProjectRepository


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.kathode"


@pytest.fixture
def repo(project_path: Path) -> Iterator[ProjectRepository]:
    with ProjectRepository.open(project_path) as repository:
        yield repository


def new_document(text: str, lang: str = "en", **meta: object) -> NewDocument:
    return NewDocument(
        text=text,
        tokens=tokenize(text, lang),
        tokenizer_version=TOKENIZER_VERSION,
        language=lang,
        source="test",
        meta=dict(meta),
    )


def record_statements(repo: ProjectRepository) -> list[str]:
    """The SQL statements ``repo`` sends from now on (transaction control left out)."""
    sent: list[str] = []

    @event.listens_for(repo.engine, "before_cursor_execute")
    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            sent.append(statement)

    return sent
