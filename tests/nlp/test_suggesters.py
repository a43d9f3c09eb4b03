"""The suggester factory, the default combination and its overlap rule, long texts."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from core.spans import Span
from nlp.suggesters import (
    CombinedSuggester,
    Suggester,
    SuggesterError,
    build_suggesters,
    default_suggester,
    get_suggester,
)
from nlp.suggesters.combine import merge_ranked
from nlp.suggesters.models import ModelSuggester
from nlp.suggesters.rules import RuleSuggester
from tests.nlp.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


class FixedSuggester:
    """A stand-in suggester returning the same spans for every text."""

    def __init__(self, name: str, spans: list[Span]) -> None:
        self.name = name
        self.version = f"{name}-1"
        self.labels = frozenset(s.label for s in spans)
        self._spans = spans

    def suggest(self, texts: Sequence[str]) -> list[list[Span]]:
        return [list(self._spans) for _ in texts]


def test_suggesters_import_does_not_import_spacy() -> None:
    code = "import sys, nlp.suggesters, nlp.patterns, nlp.language; print('spacy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_suggesters_combined_rules_win_over_the_model() -> None:
    rules = FixedSuggester("rules", [Span(0, 21, "CHEMISTRY", "rules:de-patterns")])
    model = FixedSuggester(
        "model",
        [
            Span(0, 7, "ORG", "model:x@1"),
            Span(8, 30, "LOC", "model:x@1"),
            Span(40, 44, "ORG", "model:x@1"),
        ],
    )
    combined = CombinedSuggester([rules, model])
    assert combined.suggest(["a text"]) == [
        [Span(0, 21, "CHEMISTRY", "rules:de-patterns"), Span(40, 44, "ORG", "model:x@1")]
    ]
    assert combined.version == "rules=rules-1|model=model-1"
    assert combined.labels == {"CHEMISTRY", "ORG", "LOC"}
    assert isinstance(combined, Suggester)


def test_suggesters_merge_never_returns_overlaps() -> None:
    first = [Span(5, 10, "ORG", "a"), Span(20, 25, "ORG", "a")]
    second = [Span(0, 6, "LOC", "b"), Span(10, 20, "LOC", "b"), Span(24, 30, "LOC", "b")]
    merged = merge_ranked([first, second])
    assert merged == [Span(5, 10, "ORG", "a"), Span(10, 20, "LOC", "b"), Span(20, 25, "ORG", "a")]
    assert all(a.end <= b.start for a, b in itertools.pairwise(merged))


def test_suggesters_default_on_seed_article(de_news: ModelSuggester) -> None:
    text = shared_path("seed", "article-gm-catl-de.txt").read_text(encoding="utf-8")
    suggester = default_suggester("de")
    assert suggester.name == "default"
    spans = suggester.suggest([text])[0]
    found = {(s.text_in(text), s.label) for s in spans}
    assert {
        ("General Motors", "ORG"),
        ("GM", "ORG"),
        ("CATL", "ORG"),
        ("Lithium-Eisenphosphat", "CHEMISTRY"),
    } <= found
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert {s.source for s in spans} <= {"rules:de-patterns", "model:de-news@1.1.0"}
    gms = text.index("GMs Engagement")
    assert Span(gms, gms + 2, "ORG", "rules:de-patterns") in spans


def test_suggesters_default_english_is_rules_only() -> None:
    suggester = default_suggester("en")
    assert isinstance(suggester, CombinedSuggester)
    assert [m.name for m in suggester.members] == ["rules"]
    assert suggester.version.startswith("rules=en-patterns@")


def test_suggesters_get_by_name() -> None:
    assert isinstance(get_suggester("rules", "en"), RuleSuggester)
    with pytest.raises(SuggesterError, match="unknown suggester 'magic'"):
        get_suggester("magic", "de")
    with pytest.raises(SuggesterError, match="German-only"):
        get_suggester("de-news", "en")
    with pytest.raises(SuggesterError, match="unsupported language"):
        get_suggester("rules", "fr")


def test_suggesters_bad_path_names_the_suggester(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(SuggesterError, match=f"'spacy:{missing}'.*path not found"):
        get_suggester(f"spacy:{missing}", "en")
    with pytest.raises(SuggesterError, match="spacy:not_an_installed_package"):
        get_suggester("spacy:not_an_installed_package", "en")


def test_suggesters_broken_pipeline_names_the_suggester(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp\nlang = ", encoding="utf-8")
    with pytest.raises(SuggesterError, match=f"project-model:{broken}"):
        get_suggester(f"project-model:{broken}", "de")


def test_suggesters_build_keeps_the_ones_that_load(tmp_path: Path) -> None:
    built, errors = build_suggesters(["rules", f"spacy:{tmp_path / 'gone'}", "nope"], "en")
    assert [s.name for s in built] == ["rules"]
    assert len(errors) == 2
    assert "gone" in str(errors[0])
    assert "nope" in str(errors[1])


def test_suggesters_rules_split_long_texts(rules_de: RuleSuggester) -> None:
    paragraph = (
        "CATL liefert ab 2026 LFP-Zellen an BMW. Das Werk Debrecen soll 40 GWh erreichen.\n\n"
        "Die Investition beträgt 1,5 Mrd. Euro. Northvolt baut Natrium-Ionen-Zellen. "
    )
    text = paragraph * 12
    whole = rules_de.suggest([text, "GM und CATL"])
    chunked = RuleSuggester("de", rules_de.patterns)
    chunked.max_length = 120
    assert chunked.suggest([text, "GM und CATL"]) == whole
    assert len(whole[0]) == 12 * 9


def test_suggesters_model_splits_long_texts(de_news: ModelSuggester) -> None:
    sentence = "Angela Merkel traf in Berlin den Chef von Siemens. "
    text = sentence * 20
    original = de_news.max_length
    try:
        de_news.max_length = 160
        spans = de_news.suggest([text])[0]
    finally:
        de_news.max_length = original
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert {s.text_in(text) for s in spans} >= {"Angela Merkel", "Berlin"}
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_suggesters_empty_batch_and_empty_text(rules_en: RuleSuggester) -> None:
    assert rules_en.suggest([]) == []
    assert rules_en.suggest(["", "   "]) == [[], []]
