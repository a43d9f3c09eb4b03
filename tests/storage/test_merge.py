"""Merging one project file into another: what is added, what is kept, and that a second
merge of the same file changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span, Token
from storage.merge import MergeError, merge_project
from storage.repository import NewDocument, ProjectRepository
from storage.review import GOLD
from tests.storage.conftest import new_document

TEXTS = [
    "GM buys cells from CATL in Nevada.",  # ORG 0-2, ORG 19-23, LOC 27-33
    "Northvolt builds a plant in Heide.",  # ORG 0-9, LOC 28-33
    "Tesla ramps the 4680 cell.",  # ORG 0-5, PRODUCT 16-20
]
GM, CATL, NEVADA = Span(0, 2, "ORG"), Span(19, 23, "ORG"), Span(27, 33, "LOC")
NORTHVOLT, TESLA = Span(0, 9, "ORG"), Span(0, 5, "ORG")


def version(
    repo: ProjectRepository, doc_id: int, name: str, spans: list[Span], status: Status
) -> None:
    repo.edit_spans(doc_id, name, add=spans)
    repo.set_status(doc_id, name, status)


@pytest.fixture
def this(tmp_path: Path) -> Path:
    """TEXTS 0 and 1: ana and ben on 0, gold on 1."""
    path = tmp_path / "this.kathode"
    with ProjectRepository.open(path) as repo:
        ids = [i for i, _ in repo.add_documents([new_document(t) for t in TEXTS[:2]])]
        version(repo, ids[0], "ana", [GM, CATL], Status.ACCEPTED)
        version(repo, ids[0], "ben", [GM], Status.ACCEPTED)
        version(repo, ids[1], "ana", [NORTHVOLT], Status.ACCEPTED)
        repo.save_gold(ids[1], "rita", [NORTHVOLT], ["ana"])
    return path


@pytest.fixture
def other(tmp_path: Path) -> Path:
    """TEXTS 2 and 0 (in that order): ana identical on 0, ben different on 0, dora new on 0
    with a rejection, cleo on 2, an empty open version, gold on 0 and 2."""
    path = tmp_path / "other.kathode"
    with ProjectRepository.open(path) as repo:
        ids = [i for i, _ in repo.add_documents([new_document(TEXTS[2]), new_document(TEXTS[0])])]
        version(repo, ids[1], "ana", [GM, CATL], Status.ACCEPTED)
        version(repo, ids[1], "ben", [GM, NEVADA], Status.ACCEPTED)
        version(repo, ids[1], "dora", [GM, CATL, NEVADA], Status.ACCEPTED)
        repo.edit_spans(ids[1], "dora", reject=[Span(19, 33, "ORG")])
        version(repo, ids[0], "cleo", [TESLA, Span(16, 20, "BATTERY_CELL")], Status.SKIPPED)
        repo.set_status(ids[0], "erik", Status.OPEN)  # open and empty: nothing to merge
        repo.save_gold(ids[1], "sam", [GM, CATL, NEVADA], ["ana", "dora"])
        repo.save_gold(ids[0], "sam", [TESLA], ["cleo"])
    return path


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row that a merge could change (timestamps included)."""
    tables = ["document", "annotator", "annotation", "span", "rejection", "gold_source"]
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def test_merge_adds_documents_versions_and_gold(this: Path, other: Path) -> None:
    with ProjectRepository.open(this) as repo:
        calls: list[tuple[int, int]] = []
        summary = merge_project(repo, other, progress=lambda d, t: calls.append((d, t)))
        assert calls == [(0, 2), (2, 2)]
        assert summary.as_dict() == {
            "documents_added": 1,
            "documents_matched": 1,
            "annotators_added": ["cleo", "dora"],
            "annotations_added": 2,  # dora on 0, cleo on 2
            "annotations_unchanged": 1,  # ana on 0
            "annotations_conflicting": 1,  # ben on 0
            "spans_added": 3 + 2,  # dora, cleo
            "gold_added": 2,
            "gold_unchanged": 0,
            "gold_conflicting": 0,
            "refused": [],
            "notes": [
                "document 1 (ben): this project's version was kept; the other project's differs",
                "labels not in this project's scheme: BATTERY_CELL",
            ],
        }
        assert repo.annotators() == ["ana", "ben", "cleo", "dora"]
        tesla = repo.find_document(TEXTS[2])
        assert tesla is not None
        assert repo.document(tesla).tokens == new_document(TEXTS[2]).tokens
        versions = repo.versions(1)
        assert versions["ben"].spans == [GM]  # kept
        assert versions["dora"].spans == [GM, CATL, NEVADA]
        assert versions["dora"].rejected == [Span(19, 33, "ORG")]
        assert repo.versions(tesla)["cleo"].status is Status.SKIPPED
        assert repo.annotation(1, GOLD).spans == [GM, CATL, NEVADA]
        assert repo.gold_info(1) == ("sam", ["ana", "dora"])
        assert repo.gold_info(tesla) == ("sam", ["cleo"])
        assert repo.gold_info(2) == ("rita", ["ana"])  # this project's own


def test_merge_twice_changes_nothing(this: Path, other: Path) -> None:
    with ProjectRepository.open(this) as repo:
        first = merge_project(repo, other)
    before = dump(this)
    with ProjectRepository.open(this) as repo:
        second = merge_project(repo, other)
    assert dump(this) == before
    assert first.changed and not second.changed
    assert (second.documents_added, second.documents_matched) == (0, 2)
    assert (second.annotations_unchanged, second.annotations_conflicting) == (3, 1)
    assert (second.gold_unchanged, second.gold_conflicting) == (2, 0)


def test_merge_keeps_this_project_s_gold(this: Path, other: Path) -> None:
    with ProjectRepository.open(this) as repo:
        repo.save_gold(1, "rita", [GM], ["ben"])
        summary = merge_project(repo, other)
        assert (summary.gold_added, summary.gold_conflicting) == (1, 1)
        assert repo.annotation(1, GOLD).spans == [GM]
        assert repo.gold_info(1) == ("rita", ["ben"])


def test_merge_spans_off_this_project_s_tokens_are_refused(tmp_path: Path, other: Path) -> None:
    text = TEXTS[0]
    coarse = [Token("GM", 0, 2, True), Token(text[3:], 3, len(text))]  # one token for the rest
    with ProjectRepository.open(tmp_path / "coarse.kathode") as repo:
        repo.add_documents([NewDocument(text, coarse, "test", "en")])
        summary = merge_project(repo, other)
        assert repo.versions(1) == {} and repo.gold(1) is None
    # Only the new document's versions: cleo's and its gold version.
    assert (summary.annotations_added, summary.gold_added) == (1, 1)
    assert [line.split(":")[0] for line in summary.refused] == [
        "document 1 (ana)",
        "document 1 (ben)",
        "document 1 (dora)",
        "document 1 (gold)",
    ]
    assert "do not align with this project's tokens" in summary.refused[0]


def test_merge_refuses_what_is_no_project(this: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite"
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE t (x)")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database at all" * 100)
    with ProjectRepository.open(this) as repo:
        with pytest.raises(MergeError, match="no project at"):
            merge_project(repo, tmp_path / "missing.kathode")
        with pytest.raises(MergeError, match="is not a Kathode project"):
            merge_project(repo, plain)
        with pytest.raises(MergeError, match="is not a Kathode project"):
            merge_project(repo, text_file)
        with pytest.raises(MergeError, match="into itself"):
            merge_project(repo, this)
    assert not (tmp_path / "missing.kathode").exists()


@pytest.mark.postgres
def test_merge_a_file_into_a_postgres_project_twice(postgres_url: str, other: Path) -> None:
    with ProjectRepository.open(postgres_url) as repo:
        first = merge_project(repo, other)
        second = merge_project(repo, other)
        assert (first.documents_added, first.annotations_added, first.gold_added) == (2, 4, 2)
        assert not second.changed
        assert (second.annotations_unchanged, second.gold_unchanged) == (4, 2)
        doc_id = repo.find_document(TEXTS[0])
        assert doc_id is not None
        assert repo.gold_info(doc_id) == ("sam", ["ana", "dora"])
        assert repo.versions(doc_id)["dora"].rejected == [Span(19, 33, "ORG")]


def test_merge_refuses_a_project_of_a_newer_kathode(this: Path, other: Path) -> None:
    with sqlite3.connect(other) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with ProjectRepository.open(this) as repo, pytest.raises(MergeError, match="newer Kathode"):
        merge_project(repo, other)
