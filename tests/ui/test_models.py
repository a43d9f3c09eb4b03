"""Every Qt item model of the window passes pytest-qt's model tester."""

from __future__ import annotations

from pathlib import Path

from pytestqt.modeltest import ModelTester

from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.annotate.queue_model import QueueModel
from ui.annotate.span_list import SpanListModel


def test_models_queue_model_pages(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        repo.add_documents([new_document(f"Dokument {i} über CATL.", "de") for i in range(450)])
        model = QueueModel(repo, "ana")
        assert model.rowCount() == 200  # one page, not 450 rows
        assert model.canFetchMore(model.index(-1, -1).parent())
        qtmodeltester.check(model)
        while model.canFetchMore(model.index(-1, -1).parent()):
            model.fetchMore(model.index(-1, -1).parent())
        assert model.rowCount() == 450
        model.set_filter(None, "Dokument 7")
        qtmodeltester.check(model)
        assert model.rowCount() == 11  # 7, 70-79


def test_models_span_list_model(qtmodeltester: ModelTester) -> None:
    model = SpanListModel()
    model.set_colours({"ORG": "#88CCEE"})
    text = "GM buys LFP cells from CATL."
    model.set_spans(text, [Span(0, 2, "ORG")], [Span(8, 11, "CHEMISTRY", "rules:en")])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(1, 0)) == "CHEMISTRY?"
    assert model.data(model.index(1, 1)) == "LFP"
    assert model.data(model.index(1, 2)) == "rules"
