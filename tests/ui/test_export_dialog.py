"""The export dialog, driven with clicks and keys on the offscreen platform."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import get_args

import pytest
from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from core.documents import Status
from core.spans import Span
from storage.exporter import ExportCancelled, ExportOptions, ExportSummary, Format
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document
from ui.dialogs import export_dialog
from ui.dialogs.export_dialog import EXPORT_FORMATS, ExportDialog, documents_folder, renamed_for

TEXTS = ["CATL baut in Arnstadt ein Werk.", "GM kauft LFP-Zellen von CATL."]


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ProjectRepository]:
    with ProjectRepository.open(tmp_path / "battery.kathode") as repository:
        ids = [i for i, _ in repository.add_documents([new_document(t, "de") for t in TEXTS])]
        repository.add_span(ids[0], "ana", Span(0, 4, "ORG"))
        repository.add_span(ids[0], "ana", Span(13, 21, "LOC"))
        repository.add_span(ids[1], "ana", Span(9, 12, "CHEMISTRY"))
        repository.set_status(ids[0], "ana", Status.ACCEPTED)
        repository.set_status(ids[1], "ana", Status.ACCEPTED)
        repository.set_status(ids[1], "ben", Status.REJECTED)
        yield repository


def open_dialog(qtbot: QtBot, repo: ProjectRepository) -> ExportDialog:
    dialog = ExportDialog(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(combo_owner: ExportDialog, data: str, *, annotator: bool = False) -> None:
    combo = combo_owner.annotator_combo if annotator else combo_owner.format_combo
    combo.setCurrentIndex(combo.findData(data))


def type_destination(qtbot: QtBot, dialog: ExportDialog, path: Path) -> None:
    dialog.destination_edit.clear()
    qtbot.keyClicks(dialog.destination_edit, str(path))


def test_export_dialog_writes_jsonl_off_the_gui_thread(
    qtbot: QtBot, repo: ProjectRepository, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, repo)
    assert dialog.destination_edit.text() == str(documents_folder() / "battery.jsonl")
    choose(dialog, "conll")
    assert dialog.destination_edit.text() == str(documents_folder() / "battery.conll")
    assert dialog.sentences_box.isEnabled() and not dialog.seed_spin.isEnabled()
    choose(dialog, "jsonl")
    out = tmp_path / "out" / "ana.jsonl"
    type_destination(qtbot, dialog, out)
    with qtbot.waitSignal(dialog.export_finished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert not dialog.export_button.isEnabled()  # inputs locked while it runs
    summary = finished.args[0]
    assert isinstance(summary, ExportSummary)
    assert summary.files == [out]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["answer"]) for r in records] == [(t, "accept") for t in TEXTS]
    assert records[0]["spans"][1]["label"] == "LOC"
    assert dialog.export_button.isEnabled()
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert "2 records" in dialog.message.text()
    assert dialog.show_button.isVisible()


def test_export_dialog_filters_and_show_in_folder(
    qtbot: QtBot, repo: ProjectRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = open_dialog(qtbot, repo)
    choose(dialog, "doccano")
    choose(dialog, "ben", annotator=True)
    qtbot.mouseClick(dialog.status_boxes[Status.REJECTED], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.labels_edit, "CHEMISTRY, ORG")
    out = tmp_path / "ben.jsonl"
    type_destination(qtbot, dialog, out)
    assert dialog.options() == ExportOptions(
        "doccano",
        out,
        statuses=(Status.ACCEPTED, Status.REJECTED),
        annotator="ben",
        labels=frozenset({"ORG", "CHEMISTRY"}),
    )
    with qtbot.waitSignal(dialog.export_finished, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert [json.loads(line) for line in out.read_text().splitlines()] == [
        {"text": TEXTS[1], "label": []}
    ]
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(tmp_path)]


def test_export_dialog_shows_errors(qtbot: QtBot, repo: ProjectRepository, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, repo)
    choose(dialog, "__gold__", annotator=True)
    type_destination(qtbot, dialog, tmp_path / "gold.jsonl")
    with qtbot.waitSignal(dialog.export_failed, timeout=20_000) as failed:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["no gold versions: the review feature has not been used"]
    assert dialog.message.text() == failed.args[0]
    assert not (tmp_path / "gold.jsonl").exists()

    choose(dialog, "__all__", annotator=True)
    qtbot.mouseClick(dialog.status_boxes[Status.ACCEPTED], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # refused at once
    assert "no status chosen" in dialog.message.text()
    assert not dialog.show_button.isVisible()


def test_export_dialog_cancel_stops_the_worker(
    qtbot: QtBot, repo: ProjectRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless_export(
        _repo: ProjectRepository,
        _options: ExportOptions,
        *,
        progress: Callable[[int, int], None],
        cancel: Callable[[], bool],
    ) -> ExportSummary:
        done = 0
        while not cancel():
            done = (done + 1) % 100
            progress(done, 100)
            time.sleep(0.005)  # this runs on the worker thread
        raise ExportCancelled

    monkeypatch.setattr(export_dialog, "export_project", endless_export)
    dialog = open_dialog(qtbot, repo)
    type_destination(qtbot, dialog, tmp_path / "never.jsonl")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress_bar.maximum() == 100, timeout=10_000)
    with qtbot.waitSignal(dialog.export_cancelled, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in dialog.message.text()
    assert dialog.export_button.isEnabled()
    assert dialog.isVisible()  # the first Cancel stops the export, not the dialog
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_export_dialog_defaults_to_the_documents_folder_then_the_last_one(
    qtbot: QtBot, repo: ProjectRepository, tmp_path: Path
) -> None:
    """Not the hidden data folder: the user's documents folder, and after an export the
    folder that export went to."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    dialog = open_dialog(qtbot, repo)
    assert Path(dialog.destination_edit.text()).parent == Path(documents)
    out = tmp_path / "exports" / "anna.jsonl"
    type_destination(qtbot, dialog, out)
    with qtbot.waitSignal(dialog.export_finished, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    dialog.close()
    again = open_dialog(qtbot, repo)
    assert again.destination_edit.text() == str(tmp_path / "exports" / "battery.jsonl")
    choose(again, "spacy")  # a DocBin export is a folder: its name says so
    assert again.destination_edit.text() == str(tmp_path / "exports" / "battery-spacy")
    with qtbot.waitSignal(again.export_finished, timeout=60_000):
        qtbot.mouseClick(again.export_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "exports" / "battery-spacy" / "train.spacy").is_file()
    again.close()
    third = open_dialog(qtbot, repo)  # the folder of the spaCy export, not the export itself
    assert third.destination_edit.text() == str(tmp_path / "exports" / "battery.jsonl")


def test_export_dialog_file_name_follows_the_format(
    qtbot: QtBot, repo: ProjectRepository, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, repo)
    type_destination(qtbot, dialog, tmp_path / "anna.jsonl")
    choose(dialog, "spacy")
    assert dialog.destination_edit.text() == str(tmp_path / "anna-spacy")
    choose(dialog, "conll")
    assert dialog.destination_edit.text() == str(tmp_path / "anna.conll")
    choose(dialog, "doccano")
    assert dialog.destination_edit.text() == str(tmp_path / "anna.doccano.jsonl")
    choose(dialog, "jsonl")
    assert dialog.destination_edit.text() == str(tmp_path / "anna.jsonl")
    type_destination(qtbot, dialog, tmp_path / "notes.txt")  # a name of the user's own
    choose(dialog, "conll")
    assert dialog.destination_edit.text() == str(tmp_path / "notes.conll")


def test_export_dialog_every_format_names_its_suffix() -> None:
    """The file name comes from each format's own description (a new format only adds its
    entry), and every name converts into every other and back."""
    assert set(EXPORT_FORMATS) == set(get_args(Format))
    for a in EXPORT_FORMATS.values():
        for b in EXPORT_FORMATS.values():
            there = renamed_for("anna" + a.suffix, a, b)
            assert there == "anna" + b.suffix
            assert renamed_for(there, b, a) == "anna" + a.suffix
