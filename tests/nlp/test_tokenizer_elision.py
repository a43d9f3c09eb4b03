"""German elision hyphens (Ergänzungsstrich) are their own tokens (``kathode-tok-3``), and a
document stored with an older tokenizer's tokens keeps them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span, Token
from nlp.tokenizer import TOKENIZER_VERSION, tokenize
from storage.exporter import ExportOptions, export_project
from storage.repository import NewDocument, ProjectRepository

TEXT = "Separatoren-, Elektrolyt- und Anodenmaterial"


def texts(text: str, lang: str) -> list[str]:
    return [t.text for t in tokenize(text, lang)]


def test_tokenizer_version_names_the_elision_rule() -> None:
    assert TOKENIZER_VERSION == "kathode-tok-3"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_tokenizer_trailing_elision_hyphen_is_its_own_token(lang: str) -> None:
    assert texts(TEXT, lang) == [
        "Separatoren", "-", ",", "Elektrolyt", "-", "und", "Anodenmaterial",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ein- und Ausfuhr", ["Ein", "-", "und", "Ausfuhr"]),
        ("Förderung und -verarbeitung", ["Förderung", "und", "-", "verarbeitung"]),
        ("Lithium-Ionen-Zellen", ["Lithium", "-", "Ionen", "-", "Zellen"]),
        ("bei -5 °C", ["bei", "-5", "°", "C"]),  # a minus sign stays with its number
        ("Li-Ion- und Natrium-Akkus", ["Li", "-", "Ion", "-", "und", "Natrium", "-", "Akkus"]),
    ],
)
def test_tokenizer_german_elision_and_its_neighbours(text: str, expected: list[str]) -> None:
    assert texts(text, "de") == expected


def test_tokenizer_elision_lets_the_word_be_marked_alone() -> None:
    tokens = tokenize(TEXT, "de")
    starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
    for word in ("Separatoren", "Elektrolyt"):
        start = TEXT.index(word)
        assert start in starts and start + len(word) in ends


def test_stored_document_keeps_the_tokens_its_spans_were_made_with(tmp_path: Path) -> None:
    """A document imported under kathode-tok-2 (``Elektrolyt-`` one token) keeps its tokens
    and its span on them, after reopening and in the export."""
    old_tokens = [
        Token("Separatoren-", 0, 12, False),
        Token(",", 12, 13, True),
        Token("Elektrolyt-", 14, 25, True),
        Token("und", 26, 29, True),
        Token("Anodenmaterial", 30, 44, False),
    ]
    assert "".join(t.text + " " * t.ws for t in old_tokens) == TEXT
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        [(doc_id, _)] = repo.add_documents(
            [NewDocument(text=TEXT, tokens=old_tokens, tokenizer_version="kathode-tok-2",
                         language="de", source="t", meta={})]
        )  # fmt: skip
        repo.edit_spans(doc_id, "ana", add=[Span(14, 25, "PRODUCT")])
        repo.set_status(doc_id, "ana", Status.ACCEPTED)
    with ProjectRepository.open(path) as repo:
        document = repo.document(doc_id)
        assert document.tokenizer_version == "kathode-tok-2"
        assert [t.text for t in repo.tokens(doc_id)] == [t.text for t in old_tokens]
        out = tmp_path / "out.jsonl"
        export_project(repo, ExportOptions(format="jsonl", out=out))
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [t["text"] for t in record["tokens"]] == [t.text for t in old_tokens]
    assert [(s["token_start"], s["token_end"]) for s in record["spans"]] == [(2, 2)]
