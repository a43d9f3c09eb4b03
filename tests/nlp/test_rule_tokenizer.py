"""``nlp.rule_tokenizer`` gives spaCy's tokens without spaCy: its rules file is what spaCy
builds today, and its tokens equal those of the spaCy pipeline (``make_doc``) on the shared
German and English text, the samples, and generated text full of affixes and special cases."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.rule_tokenizer import RuleTokenizer, rule_tokenizer, rules_path
from nlp.tokenizer import LANGUAGES, export_rules, make_doc
from tests.nlp.conftest import shared_path

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def spacy_offsets(text: str, lang: str) -> list[int]:
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SPACY

    flat: list[int] = []
    rows = make_doc(text, lang).to_array([IDX, LENGTH, SPACY, IS_SPACE]).tolist()
    for start, length, ws, is_space in rows:
        if not is_space:
            flat.extend((start, start + length, ws))
    return flat


def words(text: str, flat: list[int]) -> list[str]:
    """Readable tokens for a failure message: text, and ``_`` for a trailing space."""
    return [text[flat[i] : flat[i + 1]] + "_" * flat[i + 2] for i in range(0, len(flat), 3)]


def assert_same_tokens(text: str, lang: str) -> None:
    expected, got = spacy_offsets(text, lang), rule_tokenizer(lang).offsets(text)
    assert got == expected, (words(text, got), words(text, expected))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rules_file_is_what_spacy_builds(lang: str) -> None:
    stored = json.loads(rules_path(lang).read_text(encoding="utf-8"))
    assert stored == export_rules(lang), "run: uv run python -m nlp.tokenizer"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_samples_tokenize_as_spacy_does(lang: str) -> None:
    for path in sorted(SAMPLES.glob("*.md")):
        assert_same_tokens(path.read_text(encoding="utf-8"), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_shared_text_tokenizes_as_spacy_does(lang: str) -> None:
    """Every 3rd GermEval sentence (8,000) and all 169 posts, in both languages' rules."""
    posts = sorted(shared_path("data", "battery-news-en").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in posts]
    with shared_path("data", "germeval2014", "train-outer.tsv").open(encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        texts.extend(row[0] for i, row in enumerate(rows) if row and i % 3 == 0)
    for text in texts:
        assert_same_tokens(text, lang)


# Pieces the rules treat specially: every kind of affix, units, abbreviations, URLs, years,
# hyphens and elisions, quotes, and all sorts of whitespace; the special cases are added.
FRAGMENTS = [
    "http://example.com/a-b", "www.catl.com.", "40GWh", "CATLs", "2030.", "Lithium-Eisen",
    "Elektrolyt-", "-verarbeitung", "1,5", "$1.5bn", "300Wh/kg", "(", ")", '"', "'", "„",
    "“", "‚", ".", ",", ";", ":", "!", "?", "-", "–", "/", "%", "€", "°C", " ", "  ", "\n",
    "\t", "\xa0", "\u2009", "a", "B", "9", "ü", "ß", "…", "...", "'s", "n't", "e.g.",
    "U.S.", "z.B.", "Mrd.", "km/h", "USD/kWh", ":)", "<3", "#", "@", "&",
]  # fmt: skip


def texts_for(lang: str) -> st.SearchStrategy[str]:
    specials = sorted(json.loads(rules_path(lang).read_text(encoding="utf-8"))["specials"])
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(specials),
        st.text(st.sampled_from("aZ09.-'/()ä\n "), max_size=4),
    )
    return st.lists(piece, min_size=1, max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts_for("de"))
def test_generated_german_text_tokenizes_as_spacy_does(text: str) -> None:
    assert_same_tokens(text, "de")


@settings(max_examples=400, deadline=None)
@given(texts_for("en"))
def test_generated_english_text_tokenizes_as_spacy_does(text: str) -> None:
    assert_same_tokens(text, "en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # split at the infix "-", then the pieces z . B . found as a special case's sequence
        ("x-z.B.", ["x", "-", "z.B."]),
        ("''a", ["''", "a"]),  # two quote prefixes, merged into the special case ''
        ("' 'a", ["'", "'", "a"]),  # the same pieces with a space between stay apart
        ("(Wh/kg)", ["(", "Wh/kg", ")"]),
        ("", []),
        ("  \n ", []),
    ],
)
def test_special_cases_across_affixes(text: str, expected: list[str]) -> None:
    assert_same_tokens(text, "de")
    flat = rule_tokenizer("de").offsets(text)
    assert [text[flat[i] : flat[i + 1]] for i in range(0, len(flat), 3)] == expected


def test_unknown_language_and_missing_rules_are_clear_errors(tmp_path: Path) -> None:
    from nlp.tokenizer import token_offsets

    with pytest.raises(ValueError, match="unsupported language"):
        token_offsets("Text", "fr")
    with pytest.raises(ValueError, match="no tokenizer rules"):
        rule_tokenizer("xx")
    rules = json.loads(rules_path("de").read_text(encoding="utf-8"))
    assert RuleTokenizer(rules).version == rules["tokenizer_version"]
