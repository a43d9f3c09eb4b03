"""Review storage on real SQLite files (and once on PostgreSQL): the gold annotator and its
reserved name, versions, gold versions, the review queue, agreement, export of gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from core.agreement import agreement
from core.documents import Status
from core.spans import Span
from core.tokens import MisalignedSpanError
from storage.engine import make_engine
from storage.exporter import ExportError, ExportOptions, export_project
from storage.importer import import_paths
from storage.migrate import upgrade
from storage.models import Base
from storage.repository import ProjectRepository, UnknownDocumentError
from storage.review import GOLD, ReservedNameError
from tests.storage.conftest import new_document

TEXTS = [
    "GM buys cells from CATL in Nevada.",  # ORG 0-2, ORG 19-23, LOC 27-33
    "Northvolt builds a plant in Heide.",  # ORG 0-9, LOC 28-33
    "Tesla ramps the 4680 cell.",  # ORG 0-5, PRODUCT 16-20
    "Umicore recycles cathodes.",  # ORG 0-7
]
GM, CATL, NEVADA = Span(0, 2, "ORG"), Span(19, 23, "ORG"), Span(27, 33, "LOC")
NORTHVOLT, HEIDE = Span(0, 9, "ORG"), Span(28, 33, "LOC")
TESLA, CELL = Span(0, 5, "ORG"), Span(16, 20, "PRODUCT")


def fill(repo: ProjectRepository) -> list[int]:
    """Doc 0: ana, ben, cleo accepted, disagreeing; doc 1: ana and ben agree; doc 2: ana
    accepted alone, ben still open with a span; doc 3: nobody decided (ben open, empty)."""
    ids = [doc_id for doc_id, _ in repo.add_documents([new_document(t) for t in TEXTS])]
    versions = {
        (ids[0], "ana"): ([GM, CATL, NEVADA], Status.ACCEPTED),
        (ids[0], "ben"): ([GM, Span(19, 23, "LOC")], Status.ACCEPTED),
        (ids[0], "cleo"): ([GM, CATL], Status.ACCEPTED),
        (ids[1], "ana"): ([NORTHVOLT, HEIDE], Status.ACCEPTED),
        (ids[1], "ben"): ([NORTHVOLT, HEIDE], Status.ACCEPTED),
        (ids[2], "ana"): ([TESLA, CELL], Status.ACCEPTED),
        (ids[2], "ben"): ([TESLA], Status.OPEN),
        (ids[3], "ben"): ([], Status.OPEN),
    }
    for (doc_id, name), (spans, status) in versions.items():
        repo.edit_spans(doc_id, name, add=spans)
        repo.set_status(doc_id, name, status)
    return ids


@pytest.fixture
def ids(repo: ProjectRepository) -> list[int]:
    return fill(repo)


# -- schema --------------------------------------------------------------------------------


def test_review_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "fresh.kathode")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_review_migration_renames_a_person_named_gold(tmp_path: Path) -> None:
    path = tmp_path / "old.kathode"
    engine = make_engine(path)
    upgrade(engine, "0003")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO document (id, text, content_hash, title, source, meta, language,"
                " tokens, tokenizer_version, created_at) VALUES (1, 'GM', 'h', 'GM', '', '{}',"
                " 'en', '[0, 2, 0]', 'x', '2025-01-01')"
            )
        )
        c.execute(text("INSERT INTO annotator (id, name, created_at) VALUES (1, 'Gold', '2025')"))
        c.execute(
            text(
                "INSERT INTO annotation (id, document_id, annotator_id, status, created_at,"
                " updated_at) VALUES (1, 1, 1, 'accepted', '2025-01-01', '2025-01-01')"
            )
        )
        c.execute(
            text(
                'INSERT INTO span (annotation_id, start, "end", label, source, created_at,'
                " updated_at) VALUES (1, 0, 2, 'ORG', 'manual', '2025-01-01', '2025-01-01')"
            )
        )
    engine.dispose()
    with ProjectRepository.open(path) as repo:
        assert repo.annotators() == ["Gold (person)"]
        assert repo.annotation(1, "Gold (person)").spans == [Span(0, 2, "ORG")]
        assert repo.gold(1) is None


# -- the reserved name ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gold", "Gold", "  GOLD "])
def test_review_gold_is_no_person_name(repo: ProjectRepository, name: str) -> None:
    [(doc_id, _)] = repo.add_documents([new_document(TEXTS[0])])
    with pytest.raises(ReservedNameError, match="reserved for the reviewed gold versions"):
        repo.add_annotator(name)
    with pytest.raises(ReservedNameError):
        repo.add_span(doc_id, name, GM)
    with pytest.raises(ReservedNameError):
        repo.set_status(doc_id, name, Status.ACCEPTED)
    assert repo.annotators() == []


def test_review_import_refuses_the_gold_annotator(repo: ProjectRepository, tmp_path: Path) -> None:
    records = [
        {"text": TEXTS[0], "spans": [{"start": 0, "end": 2, "label": "ORG"}], "answer": "accept",
         "_annotator_id": "gold"},
        {"text": TEXTS[1], "spans": [], "answer": "accept", "_annotator_id": "ana"},
    ]  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    summary = import_paths(repo, [path])
    assert summary.refused == [
        f"{path}:1: the annotator name 'gold' is reserved for the reviewed gold versions; "
        "choose another name"
    ]
    assert summary.annotations == 1 and repo.annotators() == ["ana"]
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": TEXTS[2], "label": [[0, 5, "ORG"]]}) + "\n")
    summary = import_paths(repo, [doccano], annotator="Gold")
    assert len(summary.refused) == 1 and "'Gold' is reserved" in summary.refused[0]
    assert repo.annotators() == ["ana"]


# -- versions and gold versions --------------------------------------------------------------


def test_review_versions_are_people_with_work(repo: ProjectRepository, ids: list[int]) -> None:
    assert list(repo.versions(ids[0])) == ["ana", "ben", "cleo"]
    ben = repo.versions(ids[2])["ben"]
    assert (ben.status, ben.spans) == (Status.OPEN, [TESLA])  # open, but with work in it
    assert repo.versions(ids[3]) == {}  # open and empty: no version
    repo.save_gold(ids[3], "rita", [], [])
    assert repo.versions(ids[3]) == {}  # the gold version is not a person's


def test_review_save_gold_and_read_it_back(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        ids = fill(repo)
        repo.save_gold(ids[0], "rita", [GM, CATL, NEVADA, GM], ["ana", "cleo"])
    with ProjectRepository.open(project_path) as repo:
        gold = repo.gold(ids[0])
        assert gold is not None
        assert (gold.annotator, gold.status, gold.spans) == (
            GOLD,
            Status.ACCEPTED,
            [GM, CATL, NEVADA],
        )
        assert repo.gold_info(ids[0]) == ("rita", ["ana", "cleo"])
        assert repo.gold(ids[1]) is None and repo.gold_info(ids[1]) == (None, [])
        assert repo.annotation(ids[0], GOLD).spans == [GM, CATL, NEVADA]
        # Saving again replaces spans, reviewer and sources.
        repo.save_gold(ids[0], "sam", [CATL], ["ben"])
        assert repo.gold(ids[0]) == repo.annotation(ids[0], GOLD)
        assert repo.annotation(ids[0], GOLD).spans == [CATL]
        assert repo.gold_info(ids[0]) == ("sam", ["ben"])


def test_review_save_gold_refuses_bad_input_and_writes_nothing(
    repo: ProjectRepository, ids: list[int]
) -> None:
    repo.save_gold(ids[0], "rita", [GM], ["ana"])
    with pytest.raises(MisalignedSpanError):
        repo.save_gold(ids[0], "rita", [Span(0, 3, "ORG")], ["ana"])
    with pytest.raises(ValueError, match="has no version by 'dora'"):
        repo.save_gold(ids[0], "rita", [CATL], ["ana", "dora"])
    with pytest.raises(ValueError, match="reviewer"):
        repo.save_gold(ids[0], " ", [CATL], [])
    with pytest.raises(UnknownDocumentError):
        repo.save_gold(9999, "rita", [], [])
    assert repo.annotation(ids[0], GOLD).spans == [GM]
    assert repo.gold_info(ids[0]) == ("rita", ["ana"])


def test_review_edit_gold_is_incremental_and_undoable(
    repo: ProjectRepository, ids: list[int]
) -> None:
    repo.edit_gold(ids[0], "rita", add=[GM, CATL])  # creates the gold version
    assert repo.gold_info(ids[0]) == ("rita", [])
    repo.edit_gold(ids[0], "rita", remove=[CATL], add=[Span(19, 23, "LOC")], sources=["ben"])
    gold = repo.gold(ids[0])
    assert gold is not None and gold.spans == [GM, Span(19, 23, "LOC")]
    assert repo.gold_info(ids[0]) == ("rita", ["ben"])
    # The undo command: the inverse edit.
    repo.edit_gold(ids[0], "rita", remove=[Span(19, 23, "LOC")], add=[CATL])
    repo.edit_gold(ids[0], "rita", add=[GM])  # already there: left as it is
    assert repo.annotation(ids[0], GOLD).spans == [GM, CATL]
    assert repo.gold_info(ids[0]) == ("rita", ["ben"])  # sources kept when not given
    repo.discard_gold(ids[0])
    assert repo.gold(ids[0]) is None
    repo.discard_gold(ids[0])  # nothing to discard: fine


def test_review_gold_is_not_people_s_work(repo: ProjectRepository, ids: list[int]) -> None:
    before = (repo.stats(), repo.progress_by_annotator())
    repo.save_gold(ids[0], "rita", [GM, CATL], ["ana"])
    repo.save_gold(ids[3], "rita", [], [])
    assert repo.annotators() == ["ana", "ben", "cleo"]
    after = repo.stats()
    assert after.pop("gold") == {
        "versions": 2,
        "spans": {"total": 2, "by_label": {"ORG": 2}},
    }  # shown apart
    before[0].pop("gold")
    assert (after, repo.progress_by_annotator()) == before
    assert repo.annotator_quality()["ana"].precision == pytest.approx(2 / 3)


def test_review_deleting_a_source_version_forgets_the_link(
    repo: ProjectRepository, ids: list[int]
) -> None:
    repo.save_gold(ids[1], "rita", [NORTHVOLT], ["ana", "ben"])
    with repo.writing() as s:  # as a cascade from a deleted annotation would
        s.execute(text("DELETE FROM annotation WHERE id = (SELECT a.id FROM annotation a "
                       "JOIN annotator p ON p.id = a.annotator_id WHERE p.name = 'ben' "
                       f"AND a.document_id = {ids[1]})"))  # fmt: skip
    assert repo.gold_info(ids[1]) == ("rita", ["ana"])


# -- the review queue -----------------------------------------------------------------------


def test_review_queue_sorted_by_disagreement(repo: ProjectRepository, ids: list[int]) -> None:
    queue = repo.review_queue()
    assert [item.document_id for item in queue] == [ids[0], ids[1], ids[2]]
    first = queue[0]
    assert first.title == TEXTS[0] and first.annotators == ["ana", "ben", "cleo"]
    # Pairs: ana/ben 2·1/5, ana/cleo 2·2/5, ben/cleo 2·1/4.
    assert first.disagreement == pytest.approx(1 - (0.4 + 0.8 + 0.5) / 3)
    assert not first.reviewed
    assert queue[1].disagreement == 0.0 and queue[2].annotators == ["ana"]


def test_review_queue_filters(repo: ProjectRepository, ids: list[int]) -> None:
    repo.save_gold(ids[1], "rita", [NORTHVOLT, HEIDE], ["ana", "ben"])
    assert [i.document_id for i in repo.review_queue(annotator="cleo")] == [ids[0]]
    assert [i.document_id for i in repo.review_queue(annotator="ben")] == [ids[0], ids[1]]
    assert [i.document_id for i in repo.review_queue(label="PRODUCT")] == [ids[2]]
    assert [i.document_id for i in repo.review_queue(label="LOC")] == [ids[0], ids[1]]
    assert [i.reviewed for i in repo.review_queue()] == [False, True, False]
    assert [i.document_id for i in repo.review_queue(include_reviewed=False)] == [ids[0], ids[2]]
    assert repo.review_queue(annotator="nobody") == []


# -- agreement -------------------------------------------------------------------------------


def test_review_agreement_report_over_accepted_versions(
    repo: ProjectRepository, ids: list[int]
) -> None:
    report = repo.agreement_report()
    assert set(report.documents) == {ids[0], ids[1]}  # doc 2: ben's version is open
    expected = agreement(
        (
            doc_id,
            repo.document(doc_id).tokens,
            {name: v.spans for name, v in repo.versions(doc_id).items()},
        )
        for doc_id in ids[:2]
    )
    assert report == expected
    assert [(p.a, p.b, p.documents) for p in report.pairs] == [
        ("ana", "ben", 2),
        ("ana", "cleo", 1),
        ("ben", "cleo", 1),
    ]
    with_open = repo.agreement_report(statuses=(Status.ACCEPTED, Status.OPEN))
    assert set(with_open.documents) == {ids[0], ids[1], ids[2]}


def test_review_agreement_report_filters(repo: ProjectRepository, ids: list[int]) -> None:
    two = repo.agreement_report(annotators=["ana", "cleo"])
    assert [(p.a, p.b) for p in two.pairs] == [("ana", "cleo")]
    assert set(two.documents) == {ids[0]}
    org = repo.agreement_report(labels=["ORG"])
    assert list(org.labels) == ["ORG"]
    assert org.documents[ids[1]]["f1"] == 1.0
    with pytest.raises(ValueError, match="no annotator named 'dora'; the project has ana, ben"):
        repo.agreement_report(annotators=["ana", "dora"])


def test_review_agreement_report_leaves_out_gold(repo: ProjectRepository, ids: list[int]) -> None:
    before = repo.agreement_report()
    repo.save_gold(ids[0], "rita", [GM], ["ana"])
    repo.save_gold(ids[2], "rita", [TESLA], ["ana"])
    assert repo.agreement_report() == before
    quality = repo.annotator_quality()
    assert list(quality) == ["ana", "ben", "cleo"]
    assert quality["ana"].recall == 1.0 and quality["ana"].precision == pytest.approx(2 / 5)


def test_review_annotator_quality_without_gold_is_empty(
    repo: ProjectRepository, ids: list[int]
) -> None:
    assert repo.annotator_quality() == {}


# -- export and import -----------------------------------------------------------------------


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_review_export_gold(repo: ProjectRepository, ids: list[int], tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no gold versions"):
        export_project(repo, ExportOptions("jsonl", tmp_path / "none.jsonl", gold=True))
    repo.save_gold(ids[0], "rita", [GM, CATL, NEVADA], ["ana"])
    repo.save_gold(ids[1], "rita", [NORTHVOLT], ["ana"])
    out = tmp_path / "gold.jsonl"
    summary = export_project(repo, ExportOptions("jsonl", out, gold=True))
    records = lines(out)
    assert [(r["text"], r["_annotator_id"], r["answer"]) for r in records] == [
        (TEXTS[0], "gold", "accept"),
        (TEXTS[1], "gold", "accept"),
    ]
    assert (summary.records, summary.spans) == (2, 4)
    people = tmp_path / "people.jsonl"
    export_project(repo, ExportOptions("jsonl", people))
    assert {r["_annotator_id"] for r in lines(people)} == {"ana", "ben", "cleo"}
    with pytest.raises(ExportError, match=r"'gold' is not a person: export .* with --gold"):
        export_project(repo, ExportOptions("jsonl", tmp_path / "x.jsonl", annotator="gold"))


def test_review_exports_of_two_annotators_import_as_two_versions(
    repo: ProjectRepository, ids: list[int], tmp_path: Path
) -> None:
    files = []
    for name in ("ana", "ben"):
        out = tmp_path / f"{name}.jsonl"
        export_project(repo, ExportOptions("jsonl", out, annotator=name))
        files.append(out)
    with ProjectRepository.open(tmp_path / "review.kathode") as other:
        summary = import_paths(other, files)
        assert summary.ok and summary.annotations == 5
        for doc_id in other.document_ids():
            text_ = other.document(doc_id).text
            expected = {
                name: version.spans
                for name, version in repo.versions(ids[TEXTS.index(text_)]).items()
                if name in ("ana", "ben") and version.status is Status.ACCEPTED
            }
            assert {n: v.spans for n, v in other.versions(doc_id).items()} == expected
        assert len(other.review_queue()) == 3
        assert set(other.agreement_report().documents) == {1, 2}


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_review_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    with ProjectRepository.open(postgres_url) as repo:
        ids = fill(repo)
        repo.save_gold(ids[0], "rita", [GM, CATL], ["ana", "cleo"])
        repo.edit_gold(ids[0], "rita", add=[NEVADA], sources=["ana"])
        with pytest.raises(ReservedNameError):
            repo.add_annotator("GOLD")
    with ProjectRepository.open(postgres_url) as repo:
        assert repo.annotators() == ["ana", "ben", "cleo"]
        assert repo.annotation(ids[0], GOLD).spans == [GM, CATL, NEVADA]
        assert repo.gold_info(ids[0]) == ("rita", ["ana"])
        queue = repo.review_queue()
        assert [(i.document_id, i.reviewed) for i in queue] == [
            (ids[0], True),
            (ids[1], False),
            (ids[2], False),
        ]
        assert set(repo.agreement_report().documents) == {ids[0], ids[1]}
        assert repo.annotator_quality()["ana"].f1 == 1.0
        summary = export_project(repo, ExportOptions("jsonl", tmp_path / "g.jsonl", gold=True))
        assert summary.records == 1
        assert "annotators" in repo.stats() and "gold" not in repo.stats()["annotators"]


def test_review_dropped_candidates_are_kept_with_the_gold_version(repo: ProjectRepository) -> None:
    [(doc_id, _)] = repo.add_documents([new_document("GM buys LFP cells from CATL.")])
    repo.save_gold(doc_id, "rita", [Span(0, 2, "ORG")], [])
    repo.edit_gold(doc_id, "rita", drop=[Span(8, 11, "CHEMISTRY"), Span(8, 11, "CHEMISTRY")])
    gold = repo.gold(doc_id)
    assert gold is not None and gold.rejected == [Span(8, 11, "CHEMISTRY")]
    repo.edit_gold(doc_id, "rita", undrop=[Span(8, 11, "CHEMISTRY")])
    gold = repo.gold(doc_id)
    assert gold is not None and gold.rejected == [] and gold.spans == [Span(0, 2, "ORG")]
