"""Import options on real project files: label mapping, spans as suggestions, Label Studio's
predictions as cached suggestions that the window's suggestions include."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span
from storage.importer import ImportOptions, import_paths
from storage.repository import ProjectRepository
from storage.suggest import suggestions_for
from storage.suggestion_cache import IMPORTED_VERSION


def write_jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_import_label_map_renames_and_drops(repo: ProjectRepository, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "g.jsonl",
        {"text": "Angela Merkel besucht Zwickau.", "label": [[0, 13, "PER"], [22, 29, "OTH"]]},
    )
    options = ImportOptions(label_map={"PER": "PERSON", "OTH": None})
    summary = import_paths(repo, [path], annotator="ana", options=options)
    assert summary.ok and summary.spans == 1
    [document_id] = repo.document_ids()
    assert repo.annotation(document_id, "ana").spans == [Span(0, 13, "PERSON")]


def test_import_as_suggestions_stores_no_annotation(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        {"text": "CATL baut in Arnstadt.", "label": [[0, 4, "ORG"], [13, 21, "LOC"]]},
    )
    options = ImportOptions(as_suggestions="their-model")
    summary = import_paths(repo, [path], annotator="ana", options=options)
    assert (summary.annotations, summary.spans, summary.suggestions) == (0, 0, 2)
    [document_id] = repo.document_ids()
    assert repo.versions(document_id) == {}
    expected = [Span(0, 4, "ORG", "their-model"), Span(13, 21, "LOC", "their-model")]
    assert repo.imported_suggestions(document_id) == {"their-model": expected}
    assert repo.cached_suggestions(document_id, "their-model", IMPORTED_VERSION) == expected
    again = import_paths(repo, [path], options=options)  # the same file twice adds nothing
    assert (again.duplicates, again.suggestions) == (1, 0)


def test_import_label_studio_versions_and_predictions(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    text = "CATL baut in Arnstadt ein Werk."

    def result(start: int, end: int, label: str) -> dict[str, object]:
        value = {"start": start, "end": end, "text": text[start:end], "labels": [label]}
        return {"type": "labels", "value": value}

    task = {
        "data": {"text": text},
        "annotations": [
            {"completed_by": {"email": "ana@example.org"}, "result": [result(0, 4, "ORG")]},
            {"completed_by": 5, "was_cancelled": True, "result": []},
        ],
        "predictions": [{"model_version": "v3", "result": [result(13, 21, "LOC")]}],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    summary = import_paths(repo, [path])
    assert summary.ok and (summary.annotations, summary.suggestions) == (2, 1)
    [document_id] = repo.document_ids()
    versions = repo.versions(document_id)
    assert versions["ana@example.org"].status is Status.ACCEPTED
    assert versions["ana@example.org"].spans == [Span(0, 4, "ORG")]
    assert versions["label-studio-user-5"].status is Status.SKIPPED
    predicted = Span(13, 21, "LOC", "label-studio:v3")
    assert repo.imported_suggestions(document_id) == {"label-studio:v3": [predicted]}
    # What the window shows: the imported prediction first, the rules' where there is room.
    shown = suggestions_for(repo, document_id, "rules")
    assert predicted in shown
    assert not any(
        s.start < predicted.end and predicted.start < s.end for s in shown if s != predicted
    )


def test_import_suggestions_source_may_not_be_a_suggesters_name() -> None:
    for name in ("rules", "default", "spacy:en_core_web_sm", " padded", ""):
        with pytest.raises(ValueError, match="suggestion source"):
            ImportOptions(as_suggestions=name)
    assert ImportOptions(as_suggestions="label-studio:v1").as_suggestions == "label-studio:v1"
