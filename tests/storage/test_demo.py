"""The demo project is created on first start from the bundled sample articles."""

from __future__ import annotations

from pathlib import Path

from storage.demo import SAMPLES, demo_path, open_demo_project


def test_demo_created_once_with_all_samples() -> None:
    repo, summary = open_demo_project()
    with repo:
        assert summary is not None and summary.ok
        ids = repo.document_ids()
        languages = sorted(repo.document(i).language for i in ids)
    assert demo_path().exists()
    assert len(ids) == 8
    assert languages == ["de"] * 4 + ["en"] * 4
    repo, summary = open_demo_project()
    with repo:
        assert summary is None
        assert len(repo.document_ids()) == 8


def test_demo_samples_are_long_enough() -> None:
    articles = [p for p in SAMPLES.glob("*.md") if p.name != "README.md"]
    assert len(articles) >= 8
    for article in articles:
        body = Path(article).read_text(encoding="utf-8").split("---", 2)[2]
        assert 300 <= len(body.split()) <= 900, article.name
