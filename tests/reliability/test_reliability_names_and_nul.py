"""Holes 8 and 9 of issue 14: NUL characters and unusable annotator names get one rule on
both backends, refused with a clear line before any database sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.formats import read_file
from core.records import RecordError
from core.text_rules import InvalidNameError, check_annotator_name
from storage.importer import import_paths
from storage.merge import merge_project
from storage.repository import ProjectRepository
from tests.reliability.conftest import run_cli

BAD_NAMES = ["", "   ", "ana\x00", "\u202eana", "an\u2066a", "a\u200fb", "tab\tname", "x" * 101]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_reliability_bad_annotator_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidNameError):
        check_annotator_name(name)


def test_reliability_good_names_pass_trimmed() -> None:
    assert check_annotator_name("  Ana Müller ") == "Ana Müller"
    assert check_annotator_name("عائشة") == "عائشة"  # right-to-left letters are fine


def test_reliability_cli_annotator_flag_refuses_bad_names(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("CATL liefert Zellen.", encoding="utf-8")
    project = tmp_path / "p.kathode"
    done = run_cli("import", text, "--project", project, "--annotator", "\u202eadmin")
    assert done.returncode == 2
    assert "--annotator: annotator name" in done.stderr and "U+202E" in done.stderr
    assert "Traceback" not in done.stderr
    with ProjectRepository.open(project) as repo:
        assert repo.document_ids() == []


def test_reliability_jsonl_annotator_ids_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    records = [
        {"text": "Eins.", "spans": [], "answer": "accept", "_annotator_id": "  "},
        {"text": "Zwei.", "spans": [], "answer": "accept", "_annotator_id": "ana\u202e"},
        {"text": "Drei.", "spans": [], "answer": "accept", "_annotator_id": "ana"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = list(read_file(path))
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [(e.line, "_annotator_id" in e.message) for e in errors] == [(1, True), (2, True)]
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = import_paths(repo, [path])
        assert repo.annotators() == ["ana"]
    assert summary.documents_added == 1 and len(summary.refused) == 2


def test_reliability_repository_refuses_bad_names(tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        for name in BAD_NAMES:
            with pytest.raises(ValueError):
                repo.add_annotator(name)
        assert repo.annotators() == []


def test_reliability_nul_is_refused_at_import(tmp_path: Path) -> None:
    (tmp_path / "nul.txt").write_bytes(b"CATL\x00 liefert Zellen.")
    records = [{"text": "Gut."}, {"text": "B\u0000se."}, {"text": "Meta.", "meta": {"k": "\u0000"}}]
    (tmp_path / "nul.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = import_paths(repo, [tmp_path / "nul.txt", tmp_path / "nul.jsonl"])
        assert [repo.document(i).text for i in repo.document_ids()] == ["Gut."]
    assert len(summary.refused) == 3
    assert summary.refused[0].startswith(f"{tmp_path / 'nul.txt'}:1: the text contains a NUL")
    assert "offset 4" in summary.refused[0]
    assert summary.refused[1].startswith(f"{tmp_path / 'nul.jsonl'}:2:")
    assert summary.refused[2].startswith(f"{tmp_path / 'nul.jsonl'}:3: the record's meta")


def _sqlite_project_with_nul(path: Path) -> None:
    """A project as an older Kathode could write it: a NUL inside a stored text."""
    with ProjectRepository.open(path) as repo:
        from tests.storage.conftest import new_document

        repo.add_documents([new_document("Gut und sauber."), new_document("B\x00se Zelle.")])


def test_reliability_merge_refuses_nul_documents_into_sqlite(tmp_path: Path) -> None:
    other = tmp_path / "other.kathode"
    _sqlite_project_with_nul(other)
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = merge_project(repo, other)
        assert [repo.document(i).text for i in repo.document_ids()] == ["Gut und sauber."]
    assert summary.documents_added == 1
    assert len(summary.refused) == 1 and "NUL character" in summary.refused[0]


@pytest.mark.postgres
def test_reliability_merge_refuses_nul_documents_into_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    other = tmp_path / "other.kathode"
    _sqlite_project_with_nul(other)
    done = run_cli("merge", other, "--project", postgres_url)
    assert done.returncode == 1, done.stderr
    assert "NUL character" in done.stdout
    assert "Traceback" not in done.stderr and "psycopg" not in done.stderr + done.stdout
    with ProjectRepository.open(postgres_url) as repo:
        assert [repo.document(i).text for i in repo.document_ids()] == ["Gut und sauber."]


@pytest.mark.postgres
def test_reliability_nul_import_into_postgres_is_a_clear_refusal(
    tmp_path: Path, postgres_url: str
) -> None:
    (tmp_path / "nul.txt").write_bytes(b"CATL\x00 liefert Zellen.")
    done = run_cli("import", tmp_path / "nul.txt", "--project", postgres_url)
    assert done.returncode == 1
    assert "NUL character (U+0000) at offset 4" in done.stdout
    assert "psycopg" not in done.stdout + done.stderr


def test_reliability_app_asks_again_for_an_unusable_name(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.dialogs.annotator_dialog import ask_annotator

    answers = iter([("\u202eana", True), ("  ana  ", True)])
    prompts: list[str] = []

    def typed(_parent: object, _title: str, prompt: str, *_args: object) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", typed)
    assert ask_annotator() == "ana"
    assert len(prompts) == 2 and "U+202E" in prompts[1]
