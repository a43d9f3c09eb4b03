"""The set-based span edit: what it stores, what it returns, how many statements it costs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.edits import SpanDelta
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document, record_statements

TEXT = "GM buys LFP cells from CATL in Ningde and from BYD in Shenzhen."
GM, LFP, CATL, NINGDE = (
    Span(0, 2, "ORG"),
    Span(8, 11, "CHEMISTRY"),
    Span(23, 27, "ORG"),
    Span(31, 37, "LOC"),
)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "p.kathode")
    else:
        yield request.getfixturevalue("postgres_url")


def test_span_edits_return_what_really_changed(backend: str) -> None:
    with ProjectRepository.open(backend) as repo:
        [(doc, _)] = repo.add_documents([new_document(TEXT)])
        first = repo.edit_spans(doc, "ana", add=[GM, LFP, GM])
        assert first == SpanDelta(added=(GM, LFP))
        # Already there: not added again (the unique key decides), not reported.
        again = repo.edit_spans(doc, "ana", add=[Span(0, 2, "ORG", "rules:en"), CATL])
        assert again == SpanDelta(added=(CATL,))
        # Removing what is not there removes nothing; relabelling is one edit.
        relabel = repo.edit_spans(
            doc, "ana", remove=[LFP, NINGDE], add=[Span(8, 11, "PRODUCT")], reject=[NINGDE]
        )
        assert relabel == SpanDelta(
            removed=(LFP,), added=(Span(8, 11, "PRODUCT"),), rejected=(NINGDE,)
        )
        assert repo.edit_spans(doc, "ana", unreject=[NINGDE]).unrejected == (NINGDE,)
    with ProjectRepository.open(backend) as repo:
        stored = repo.annotation(doc, "ana")
        assert stored.spans == [GM, Span(8, 11, "PRODUCT"), CATL]
        assert stored.spans[0].source == "manual"  # the first one stays
        assert stored.rejected == []


def test_span_edits_undo_is_the_inverse_delta(backend: str) -> None:
    with ProjectRepository.open(backend) as repo:
        [(doc, _)] = repo.add_documents([new_document(TEXT)])
        repo.edit_spans(doc, "ana", add=[GM, Span(8, 11, "CHEMISTRY", "rules:en")])
        done = repo.edit_spans(doc, "ana", remove=[LFP], add=[CATL], reject=[NINGDE])
        back = done.inverse()
        undone = repo.edit_spans(
            doc, "ana", remove=back.removed, add=back.added,
            reject=back.rejected, unreject=back.unrejected,
        )  # fmt: skip
        assert undone == back
        stored = repo.annotation(doc, "ana")
        # The removed span comes back with the source it had.
        assert stored.spans == [GM, Span(8, 11, "CHEMISTRY", "rules:en")]
        assert stored.spans[1].source == "rules:en"
        assert stored.rejected == []


def test_span_edits_one_edit_costs_at_most_three_statements(backend: str) -> None:
    with ProjectRepository.open(backend) as repo:
        text = " ".join(f"Werk{i} liefert an Firma{i}." for i in range(500))
        [(doc, _)] = repo.add_documents([new_document(text, "de")])
        tokens = repo.document(doc).tokens
        words = [t for t in tokens if t.text.startswith(("Werk", "Firma"))]
        repo.edit_spans(doc, "ana", add=[Span(t.start, t.end, "ORG") for t in words[:-2]])
        sent = record_statements(repo)
        a, b = words[-2], words[-1]
        repo.edit_spans(doc, "ana", add=[Span(a.start, a.end, "ORG")])
        assert 0 < len(sent) <= 3, sent
        sent.clear()
        repo.edit_spans(
            doc, "ana", remove=[Span(a.start, a.end, "ORG")], add=[Span(a.start, a.end, "LOC")]
        )
        assert 0 < len(sent) <= 3, sent
        assert not any("SELECT" in s.upper().split("RETURNING")[0] for s in sent), sent
        sent.clear()
        repo.edit_spans(doc, "ana", add=[Span(b.start, b.end, "ORG")], reject=[])
        assert 0 < len(sent) <= 3, sent
    with ProjectRepository.open(backend) as repo:
        assert len(repo.annotation(doc, "ana").spans) == len(words)


def test_span_edits_large_edits_go_in_chunks(backend: str) -> None:
    with ProjectRepository.open(backend) as repo:
        text = " ".join(f"Werk{i}" for i in range(12_000))
        [(doc, _)] = repo.add_documents([new_document(text, "de")])
        spans = [Span(t.start, t.end, "ORG") for t in repo.document(doc).tokens]
        assert len(repo.edit_spans(doc, "ana", add=spans).added) == 12_000
        assert len(repo.edit_spans(doc, "ana", remove=spans[::2]).removed) == 6_000
        assert len(repo.annotation(doc, "ana").spans) == 6_000
