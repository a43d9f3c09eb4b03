"""The window's import runs on a worker thread and, for all but small inputs, reads and
tokenizes in worker processes; the documents arrive in the queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from storage import import_pool
from tests.ui.conftest import OpenWindow
from ui.project_actions import ProjectActions


def test_import_job_stores_files_and_reports(
    open_window: OpenWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_pool, "SMALL_INPUT_BYTES", 0)  # workers even for this input
    repo, window = open_window(tmp_path / "p.kathode")
    source = tmp_path / "in.jsonl"
    records = [
        {"text": f"CATL liefert Zellen an Werk {n}.", "label": [[0, 4, "ORG"]]} for n in range(30)
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "post.md").write_text("# Post\n\nGM buys cells from LG.", encoding="utf-8")
    actions = window.project_actions
    assert isinstance(actions, ProjectActions)
    messages: list[str] = []
    actions.message.connect(messages.append)
    with qtbot.waitSignal(actions.documents_imported, timeout=120_000):
        actions.start_import([source, tmp_path / "post.md"])
    assert messages[-1] == "Imported 31 documents (0 already there), 30 annotations, 30 spans"
    assert len(repo.document_ids()) == 31
    assert repo.annotation(repo.document_ids()[0], "ana").spans[0].label == "ORG"
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 31, timeout=10_000)
