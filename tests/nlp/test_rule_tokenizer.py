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

from nlp.rule_tokenizer import RuleTokenizer, TokenizerLimitError, rule_tokenizer, rules_path
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


def long_runs_for(lang: str) -> st.SearchStrategy[str]:
    """Runs of 40 to 400 characters without whitespace, where suffixes are looked for at the
    run's end only (``RuleTokenizer._suffix_length``)."""
    pieces = [f for f in FRAGMENTS if not any(c.isspace() for c in f)]
    return st.lists(st.sampled_from(pieces), min_size=20, max_size=120).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LANGUAGES), st.data())
def test_generated_long_runs_tokenize_as_spacy_does(lang: str, data: st.DataObject) -> None:
    assert_same_tokens(data.draw(long_runs_for(lang)), lang)


def test_a_run_of_affixes_beyond_the_work_limit_is_refused_quickly() -> None:
    tokenizer = rule_tokenizer("de")
    assert len(tokenizer.offsets("=" * 3000)) == 3 * 3000  # 4.3 s in spaCy's scan, here ~0
    with pytest.raises(TokenizerLimitError, match=r"20,000 characters without whitespace at "
                       r"character 8 \('\(\(\(") as refused:  # fmt: skip
        tokenizer.offsets("Vorwort " + "(" * 20_000 + " Ende")
    assert "break them up with spaces" in str(refused.value)
    assert len(tokenizer.offsets("a" * 1_000_000 + ".")) == 6  # long, but one affix


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


def test_rules_of_another_tokenizer_version_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import nlp.tokenizer
    from nlp.tokenizer import token_offsets

    stored = nlp.tokenizer.TOKENIZER_VERSION
    monkeypatch.setattr(nlp.tokenizer, "TOKENIZER_VERSION", "kathode-tok-99")
    with pytest.raises(
        RuntimeError, match=f"holds the rules of {stored}, the code is kathode-tok-99"
    ):
        token_offsets("CATL baut.", "de")


def test_unknown_language_and_missing_rules_are_clear_errors(tmp_path: Path) -> None:
    from nlp.tokenizer import token_offsets

    with pytest.raises(ValueError, match="unsupported language"):
        token_offsets("Text", "fr")
    with pytest.raises(ValueError, match="no tokenizer rules"):
        rule_tokenizer("xx")
    rules = json.loads(rules_path("de").read_text(encoding="utf-8"))
    assert RuleTokenizer(rules).version == rules["tokenizer_version"]
