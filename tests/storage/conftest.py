from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
