"""The suggestion model loads only when a document needs it: a document whose suggestions are
cached is answered without loading the bundled German model."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.suggesters.combine import CombinedSuggester
from nlp.suggesters.models import DE_NEWS_DIR, ModelSuggester
from storage import suggest
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document


def de_news_member() -> ModelSuggester:
    """The German default's de-news member, as the process-wide cache holds it."""
    combined = suggest._built("default", "de", None, False)
    assert isinstance(combined, CombinedSuggester)
    [member] = [m for m in combined.members if m.name == "de-news"]
    assert isinstance(member, ModelSuggester)
    return member


@pytest.mark.skipif(not (DE_NEWS_DIR / "meta.json").is_file(), reason="no bundled model")
def test_suggest_model_loads_only_when_a_document_needs_it(repo: ProjectRepository) -> None:
    [(document_id, _)] = repo.add_documents(
        [new_document("Angela Merkel besucht das Werk von CATL in Arnstadt.", "de")]
    )
    suggest._built.cache_clear()
    first = suggest.suggestions_for(repo, document_id)  # computed: the model is needed
    assert de_news_member().loaded
    suggest._built.cache_clear()  # as in a new process
    again = suggest.suggestions_for(repo, document_id)
    assert again == first
    member = de_news_member()
    assert not member.loaded  # cached: answered from the cache, no model loaded
    assert member.version == de_news_member().version
    [(other_id, _)] = repo.add_documents([new_document("Olaf Scholz trifft BYD in Berlin.", "de")])
    suggest.suggestions_for(repo, other_id)  # not cached: now it loads
    assert member.loaded


def test_suggest_project_model_with_unreadable_meta_fails_when_built(tmp_path: Path) -> None:
    from nlp.suggesters import SuggesterError, get_suggester

    broken = tmp_path / "broken"
    broken.mkdir()
    with pytest.raises(SuggesterError, match="project-model:"):
        get_suggester(f"project-model:{broken}", "de")
