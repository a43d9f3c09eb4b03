"""export_project on real project files: formats, filters, errors, progress, cancel, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span
from storage import exporter
from storage.exporter import (
    GOLD_MISSING,
    ExportCancelled,
    ExportError,
    ExportOptions,
    export_project,
)
from storage.importer import import_paths
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document

TEXTS = [
    ("CATL baut in Arnstadt ein Werk.", "de"),
    ("GM kauft LFP-Zellen von CATL.", "de"),
    ("Northvolt files for bankruptcy in Sweden.", "en"),
    ("Tesla ramps the 4680 cell.", "en"),
]


@pytest.fixture
def project(repo: ProjectRepository) -> ProjectRepository:
    return fill(repo)


def fill(repo: ProjectRepository) -> ProjectRepository:
    """Four documents: ana accepted 0 and 1, rejected 2, skipped 3; ben accepted 2, open 3."""
    ids = [doc_id for doc_id, _ in repo.add_documents([new_document(t, lang) for t, lang in TEXTS])]
    repo.add_span(ids[0], "ana", Span(0, 4, "ORG"))
    repo.add_span(ids[0], "ana", Span(13, 21, "LOC"))
    repo.add_span(ids[1], "ana", Span(0, 2, "ORG"))
    repo.add_span(ids[1], "ana", Span(9, 12, "CHEMISTRY", "model:de-news@0.3"))
    repo.add_span(ids[2], "ana", Span(0, 9, "PERSON"))
    repo.add_span(ids[2], "ben", Span(0, 9, "ORG"))
    repo.add_span(ids[2], "ben", Span(34, 40, "LOC"))
    repo.add_span(ids[3], "ben", Span(0, 5, "ORG"))
    for doc_id, annotator, status in [
        (ids[0], "ana", Status.ACCEPTED),
        (ids[1], "ana", Status.ACCEPTED),
        (ids[2], "ana", Status.REJECTED),
        (ids[3], "ana", Status.SKIPPED),
        (ids[2], "ben", Status.ACCEPTED),
        (ids[3], "ben", Status.OPEN),
    ]:
        repo.set_status(doc_id, annotator, status)
    return repo


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_jsonl_accepted_only_by_default(project: ProjectRepository, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    summary = export_project(project, ExportOptions("jsonl", out))
    records = lines(out)
    assert [(r["text"], r["_annotator_id"], r["answer"]) for r in records] == [
        (TEXTS[0][0], "ana", "accept"),
        (TEXTS[1][0], "ana", "accept"),
        (TEXTS[2][0], "ben", "accept"),
    ]
    assert (summary.records, summary.spans, summary.files) == (3, 6, [out])
    assert summary.by_status == {"accepted": 3}
    second = records[1]["spans"]
    assert isinstance(second, list)
    assert second[1] == {
        "start": 9,
        "end": 12,
        "token_start": 2,
        "token_end": 2,
        "label": "CHEMISTRY",
        "text": "LFP",
        "source": "de-news@0.3",
    }
    assert temporary_files(tmp_path) == []


def test_export_several_statuses_and_open_without_answer(
    project: ProjectRepository, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    statuses = (Status.REJECTED, Status.SKIPPED, Status.OPEN)
    summary = export_project(project, ExportOptions("jsonl", out, statuses=statuses))
    answers = [(r["_annotator_id"], r.get("answer")) for r in lines(out)]
    assert answers == [("ana", "reject"), ("ben", None), ("ana", "ignore")]  # annotation order
    assert summary.by_status == {"rejected": 1, "skipped": 1, "open": 1}


def test_export_annotator_and_label_filters(project: ProjectRepository, tmp_path: Path) -> None:
    out = tmp_path / "out.doccano"
    options = ExportOptions(
        "doccano", out, statuses=(Status.ACCEPTED, Status.REJECTED), annotator="ana",
        labels=frozenset({"ORG", "PERSON"}),
    )  # fmt: skip
    summary = export_project(project, options)
    assert [(r["text"], r["label"]) for r in lines(out)] == [
        (TEXTS[0][0], [[0, 4, "ORG"]]),
        (TEXTS[1][0], [[0, 2, "ORG"]]),
        (TEXTS[2][0], [[0, 9, "PERSON"]]),
    ]
    assert (summary.records, summary.spans) == (3, 3)


def test_export_unknown_annotator_is_named(project: ProjectRepository, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no annotator named 'cleo'; the project has ana, ben"):
        export_project(project, ExportOptions("jsonl", tmp_path / "o.jsonl", annotator="cleo"))
    assert not (tmp_path / "o.jsonl").exists()


def test_export_gold_without_gold_versions_is_a_clear_error(
    project: ProjectRepository, tmp_path: Path
) -> None:
    with pytest.raises(ExportError) as error:
        export_project(project, ExportOptions("jsonl", tmp_path / "o.jsonl", gold=True))
    assert (
        str(error.value) == GOLD_MISSING == "no gold versions: the review feature has not been used"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "csv"}, "unknown format 'csv'"),
        ({"statuses": ()}, "no status chosen"),
        ({"statuses": ("done",)}, "unknown status 'done'"),
        ({"annotator": "ana", "gold": True}, "not both"),
        ({"labels": frozenset()}, "no label chosen"),
        ({"dev_fraction": 1.0}, "dev fraction"),
        ({"format": "spacy", "statuses": (Status.REJECTED,)}, "accepted annotations only"),
    ],
)
def test_export_options_refuse_what_cannot_be_exported(
    changes: dict[str, object], message: str, tmp_path: Path
) -> None:
    arguments: dict[str, object] = {"format": "jsonl", "out": tmp_path / "o", **changes}
    with pytest.raises(ExportError, match=message):
        ExportOptions(**arguments)  # type: ignore[arg-type]


def test_export_options_take_status_names(tmp_path: Path) -> None:
    options = ExportOptions("jsonl", tmp_path / "o", statuses=("rejected", "accepted", "rejected"))  # type: ignore[arg-type]
    assert options.statuses == (Status.REJECTED, Status.ACCEPTED)


def test_export_conll_with_sentences(project: ProjectRepository, tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    summary = export_project(project, ExportOptions("conll", out, annotator="ana", sentences=True))
    blocks = out.read_text(encoding="utf-8").split("\n\n")
    assert blocks[0].splitlines() == [
        "CATL\tB-ORG", "baut\tO", "in\tO", "Arnstadt\tB-LOC", "ein\tO", "Werk\tO", ".\tO",
    ]  # fmt: skip
    assert blocks[1].splitlines()[:4] == ["GM\tB-ORG", "kauft\tO", "LFP\tB-CHEMISTRY", "-\tO"]
    assert (summary.records, summary.spans, summary.dropped_overlaps) == (2, 4, 0)


def test_export_overlaps_dropped_and_reported_for_conll_kept_in_jsonl(
    repo: ProjectRepository, tmp_path: Path
) -> None:
    source = tmp_path / "overlapping.jsonl"
    text = "Contemporary Amperex Technology baut in Ningde."
    labels = [[0, 31, "ORG"], [0, 12, "ORG"], [13, 20, "PERSON"], [40, 46, "LOC"]]
    source.write_text(json.dumps({"text": text, "label": labels}) + "\n", encoding="utf-8")
    assert import_paths(repo, [source], annotator="ana").ok
    summary = export_project(repo, ExportOptions("conll", tmp_path / "out.conll"))
    assert (summary.spans, summary.dropped_overlaps) == (2, 2)
    assert summary.notes == [
        "document 1 (ana): [0, 12) ORG 'Contemporary' overlaps a longer span; left out",
        "document 1 (ana): [13, 20) PERSON 'Amperex' overlaps a longer span; left out",
    ]
    assert "2 overlapping spans left out (see notes)" in summary.report()
    jsonl = export_project(repo, ExportOptions("jsonl", tmp_path / "out.jsonl"))
    assert (jsonl.spans, jsonl.dropped_overlaps) == (4, 0)


def test_export_spacy_writes_train_and_dev(project: ProjectRepository, tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    out = tmp_path / "corpus"
    summary = export_project(project, ExportOptions("spacy", out, dev_fraction=0.4, seed=1))
    assert summary.files == [out / "train.spacy", out / "dev.spacy"]
    assert (summary.train_docs, summary.dev_docs) == (2, 1)
    vocab = Vocab()
    docs = [d for f in summary.files for d in DocBin().from_disk(f).get_docs(vocab)]
    assert sorted(d.text for d in docs) == sorted(t for t, _ in TEXTS[:3])
    ents = {d.text: [(e.text, e.label_) for e in d.ents] for d in docs}
    assert ents[TEXTS[1][0]] == [("GM", "ORG"), ("LFP", "CHEMISTRY")]


def test_export_destination_kinds(project: ProjectRepository, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        export_project(project, ExportOptions("jsonl", tmp_path))
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is a file"):
        export_project(project, ExportOptions("spacy", tmp_path / "file"))
    nested = tmp_path / "new" / "folder" / "out.jsonl"
    assert export_project(project, ExportOptions("jsonl", nested)).files == [nested]


def test_export_empty_result_still_writes_the_file(repo: ProjectRepository, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    summary = export_project(repo, ExportOptions("jsonl", out))
    assert out.read_text() == ""
    assert summary.notes == ["no annotation matched the filters; the export is empty"]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(exporter, "PAGE_SIZE", 2)
    yield


@pytest.mark.usefixtures("small_pages")
def test_export_reports_progress_per_page(project: ProjectRepository, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    options = ExportOptions("jsonl", tmp_path / "o.jsonl", statuses=tuple(Status))
    summary = export_project(
        project, options, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 6), (2, 6), (4, 6), (6, 6)]
    assert summary.records == 6
    assert [r["_annotator_id"] for r in lines(tmp_path / "o.jsonl")] == [
        "ana", "ana", "ana", "ben", "ben", "ana",
    ]  # fmt: skip


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize("fmt", ["jsonl", "conll", "spacy"])
def test_export_cancel_keeps_the_old_destination(
    project: ProjectRepository, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / ("out" if fmt == "spacy" else f"out.{fmt}")
    olds = [out / "train.spacy", out / "dev.spacy"] if fmt == "spacy" else [out]
    out.parent.mkdir(exist_ok=True)
    if fmt == "spacy":
        out.mkdir()
    for old in olds:
        old.write_bytes(b"old complete file\n")
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) == 2  # after the first page

    with pytest.raises(ExportCancelled):
        export_project(project, ExportOptions(fmt, out, statuses=(Status.ACCEPTED,)), cancel=cancel)  # type: ignore[arg-type]
    assert [old.read_bytes() for old in olds] == [b"old complete file\n"] * len(olds)
    assert temporary_files(out.parent) == []
    if fmt == "spacy":
        assert sorted(p.name for p in out.iterdir()) == ["dev.spacy", "train.spacy"]


def test_export_failure_mid_way_keeps_the_old_destination(
    project: ProjectRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    seen = []

    def failing_line(record: object) -> str:
        seen.append(record)
        if len(seen) == 2:
            raise RuntimeError("disk trouble")
        return "{}\n"

    monkeypatch.setattr(exporter, "prodigy_line", failing_line)
    with pytest.raises(RuntimeError, match="disk trouble"):
        export_project(project, ExportOptions("jsonl", out))
    assert out.read_text() == "old\n"
    assert temporary_files(tmp_path) == []


def test_export_postgres_gives_the_records_sqlite_gives(postgres_url: str, tmp_path: Path) -> None:
    exported = []
    for name, target in (("pg", postgres_url), ("sqlite", str(tmp_path / "p.kathode"))):
        with ProjectRepository.open(target) as repo:
            fill(repo)
            for fmt in ("jsonl", "conll"):
                out = tmp_path / f"{name}.{fmt}"
                export_project(repo, ExportOptions(fmt, out, statuses=tuple(Status)))  # type: ignore[arg-type]
            export_project(repo, ExportOptions("spacy", tmp_path / f"{name}-spacy"))
        records = lines(tmp_path / f"{name}.jsonl")
        assert all(isinstance(r.pop("_timestamp"), int) for r in records)
        exported.append(
            (
                records,
                (tmp_path / f"{name}.conll").read_bytes(),
                (tmp_path / f"{name}-spacy" / "dev.spacy").read_bytes(),
            )
        )
    assert exported[0] == exported[1]
