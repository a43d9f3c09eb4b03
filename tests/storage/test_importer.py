"""Import orchestration on real files: counts, duplicates, alignment, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.documents import Status
from core.formats import Limits
from core.spans import Span
from storage.importer import import_paths
from storage.repository import ProjectRepository
from tests.conftest import shared_data


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_importer_folder_recurses_and_skips_other_files(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    write(tmp_path / "in" / "a.txt", "CATL baut ein Werk in Arnstadt.")
    write(tmp_path / "in" / "deep" / "b.md", "---\ntitle: B\n---\n\nGM buys cells from CATL.")
    write(tmp_path / "in" / "c.pdf", b"%PDF-1.4")
    summary = import_paths(repo, [tmp_path / "in"])
    assert summary.documents_added == 2
    assert summary.skipped_files == [f"{tmp_path / 'in' / 'c.pdf'}: not a supported file type"]
    assert summary.ok
    languages = sorted(repo.document(i).language for i in repo.document_ids())
    assert languages == ["de", "en"]


def test_importer_same_text_twice_is_one_document(repo: ProjectRepository, tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "Northvolt files for bankruptcy.")
    b = write(tmp_path / "b.jsonl", json.dumps({"text": "Northvolt files for bankruptcy."}))
    summary = import_paths(repo, [a, b, a])
    assert (summary.documents_added, summary.duplicates) == (1, 2)
    assert len(repo.document_ids()) == 1


def test_importer_bad_records_refused_good_ones_kept(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    lines = [
        json.dumps({"text": "BMW buys cells.", "label": [[0, 3, "ORG"]]}),
        "{not json",
        json.dumps({"text": "Tesla in Grünheide.", "label": [[0, 5, "ORG"], [9, 99, "LOC"]]}),
        json.dumps({"meta": {"no": "text"}}),
        json.dumps({"text": "Umicore recycles.", "label": [[0, 7, "ORG"]]}),
    ]
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    summary = import_paths(repo, [path], annotator="ana")
    assert summary.documents_added == 2
    assert [r.split(": ", 1)[0] for r in summary.refused] == [
        f"{path}:2",
        f"{path}:3",
        f"{path}:4",
    ]
    assert not summary.ok
    texts = sorted(repo.document(i).text for i in repo.document_ids())
    assert texts == ["BMW buys cells.", "Umicore recycles."]


def test_importer_wrong_encoding_is_a_clear_error(repo: ProjectRepository, tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "Zellfertigung in Thüringen".encode("latin-1"))
    summary = import_paths(repo, [path])
    assert summary.documents_added == 0
    assert len(summary.refused) == 1
    assert "not UTF-8" in summary.refused[0] and str(path) in summary.refused[0]


def test_importer_huge_line_is_refused_with_limit(repo: ProjectRepository, tmp_path: Path) -> None:
    small = json.dumps({"text": "Kurz."})
    huge = json.dumps({"text": "x " * 5000})
    path = write(tmp_path / "big.jsonl", f"{small}\n{huge}\n")
    summary = import_paths(repo, [path], limits=Limits(max_line_chars=1000))
    assert summary.documents_added == 1
    assert len(summary.refused) == 1 and f"{path}:2" in summary.refused[0]


def test_importer_span_off_record_tokens_refuses_record(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    record = {
        "text": "GM buys",
        "tokens": [
            {"text": "GM", "start": 0, "end": 2, "id": 0, "ws": True},
            {"text": "buys", "start": 3, "end": 7, "id": 1, "ws": False},
        ],
        "spans": [{"start": 0, "end": 1, "label": "ORG"}],
        "answer": "accept",
    }
    path = write(tmp_path / "p.jsonl", json.dumps(record) + "\n")
    summary = import_paths(repo, [path])
    assert summary.documents_added == 0
    assert "does not align" in summary.refused[0]


def test_importer_span_inside_project_token_splits_token_keeps_offsets(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    record = {"text": "Die LFP-Zellenfertigung startet.", "label": [[4, 7, "CHEMISTRY"]]}
    path = write(tmp_path / "d.jsonl", json.dumps(record) + "\n")
    summary = import_paths(repo, [path], annotator="ana")
    assert summary.ok and len(summary.notes) == 0  # the hyphen rule already splits LFP
    record = {"text": "Die LFPZellen sind da.", "label": [[4, 7, "CHEMISTRY"]]}
    path = write(tmp_path / "e.jsonl", json.dumps(record) + "\n")
    summary = import_paths(repo, [path], annotator="ana")
    assert summary.ok and "tokens split there" in summary.notes[0]
    doc_id = repo.find_document(record["text"])
    assert doc_id is not None
    assert [t.text for t in repo.document(doc_id).tokens][:3] == ["Die", "LFP", "Zellen"]
    assert repo.annotation(doc_id, "ana").spans == [Span(4, 7, "CHEMISTRY")]


def test_importer_prodigy_answers_become_statuses(repo: ProjectRepository, tmp_path: Path) -> None:
    records = [
        {"text": "One.", "spans": [], "answer": "accept", "_annotator_id": "ds-ana"},
        {"text": "Two.", "spans": [], "answer": "reject", "_annotator_id": "ds-ana"},
        {"text": "Three.", "spans": [], "answer": "ignore", "_annotator_id": "ds-ana"},
    ]
    path = write(tmp_path / "p.jsonl", "\n".join(json.dumps(r) for r in records))
    import_paths(repo, [path])
    statuses = [repo.annotation(i, "ds-ana").status for i in repo.document_ids()]
    assert statuses == [Status.ACCEPTED, Status.REJECTED, Status.SKIPPED]


def test_importer_nothing_half_written_when_batch_fails(
    repo: ProjectRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that fails in the database is retried record by record; only the bad one fails."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage import bulk

    real = bulk.store_batch

    def flaky(s: object, entries: list[bulk.ImportEntry]) -> list[bulk.ImportOutcome]:
        if any("poison" in e.document.text for e in entries):
            raise SQLAlchemyError("simulated failure")
        return real(s, entries)  # type: ignore[arg-type]

    monkeypatch.setattr("storage.repository.store_batch", flaky)
    for name in ("a", "poison", "c"):
        write(tmp_path / f"{name}.txt", f"Text {name} about cells.")
    summary = import_paths(repo, [tmp_path])
    assert summary.documents_added == 2
    assert len(summary.refused) == 1 and "poison" in summary.refused[0]
    assert sorted(repo.document(i).text for i in repo.document_ids()) == [
        "Text a about cells.",
        "Text c about cells.",
    ]


@pytest.mark.parametrize(
    ("name", "documents", "annotations", "spans", "refused"),
    [
        ("prodigy/news_headlines_ner.jsonl", 373, 373, 303, 0),
        # 34 texts occur twice: 29 merge into the first version (same answer), the 5 with
        # another answer are refused.
        ("prodigy/reddit_product_binary.jsonl", 1766, 1766, 1795, 5),
        ("doccano/export_example.jsonl", 3, 3, 4, 0),
        ("doccano/import_example.jsonl", 2, 2, 1, 1),
        ("doccano/import_example_overlapping.jsonl", 1, 1, 1, 0),
        ("doccano/v1_export.jsonl", 2, 3, 16, 0),
        ("doccano/export_relation_example.jsonl", 0, 0, 0, 1),
        ("doccano/import_example.conll", 2, 2, 2, 0),
        ("doccano/import_labeling.invalid.conll", 2, 2, 3, 1),
        ("doccano/import_labeling.trailing.conll", 1, 1, 2, 0),
    ],
)
def test_importer_shared_files_exact_counts(
    tmp_path: Path,
    name: str,
    documents: int,
    annotations: int,
    spans: int,
    refused: int,
) -> None:
    path = shared_data(*name.split("/"))
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = import_paths(repo, [path])
        stats = repo.stats()
    assert summary.documents_added == documents
    assert stats["documents"] == documents
    assert stats["annotations"]["total"] == annotations
    assert stats["spans"]["total"] == spans
    assert summary.annotations == annotations and summary.spans == spans
    assert len(summary.refused) == refused
    assert summary.ok is (refused == 0)


def test_importer_unanswered_prodigy_task_is_open(repo: ProjectRepository, tmp_path: Path) -> None:
    task = {"text": "GM buys cells.", "spans": [{"start": 0, "end": 2, "label": "ORG"}]}
    path = write(tmp_path / "p.jsonl", json.dumps(task) + "\n")
    import_paths(repo, [path], annotator="ana")
    annotation = repo.annotation(repo.document_ids()[0], "ana")
    assert annotation.status is Status.OPEN
    assert annotation.spans == [Span(0, 2, "ORG")]
