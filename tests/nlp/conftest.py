"""Fixtures for the nlp tests: where ../shared lives, and suggesters built once per session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from nlp.suggesters.models import ModelSuggester
    from nlp.suggesters.rules import RuleSuggester

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is absent (a fresh clone has none)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is not checked out beside the repo)")
    return path


@pytest.fixture(scope="session")
def rules_de() -> RuleSuggester:
    from nlp.suggesters.rules import RuleSuggester

    return RuleSuggester.for_language("de")


@pytest.fixture(scope="session")
def rules_en() -> RuleSuggester:
    from nlp.suggesters.rules import RuleSuggester

    return RuleSuggester.for_language("en")


@pytest.fixture(scope="session")
def de_news() -> ModelSuggester:
    from nlp.suggesters.models import DE_NEWS_DIR, de_news_suggester

    # The model ships with Kathode: its absence is a broken checkout, not a reason to skip.
    assert (DE_NEWS_DIR / "meta.json").is_file(), "resources/models/de-news is missing"
    return de_news_suggester("de")
