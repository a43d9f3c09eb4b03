"""Label scheme changes on real SQLite files: renames, deletions and relabelling carry spans."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.labels import Label, LabelSchemeError
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document

TEXT = "GM buys LFP cells from CATL.\nThe plant in Nevada opens in 2026."
GM, LFP, CATL, NEVADA = (0, 2), (8, 11), (23, 27), (42, 48)
RULES = "rules:battery"


def span(where: tuple[int, int], label: str, source: str = "manual") -> Span:
    return Span(where[0], where[1], label, source)


@pytest.fixture
def doc_id(repo: ProjectRepository) -> int:
    [(document_id, _)] = repo.add_documents([new_document(TEXT)])
    return document_id


def without(labels: list[Label], *names: str) -> list[Label]:
    return [label for label in labels if label.name not in names]


def renamed(labels: list[Label], old: str, new: str) -> list[Label]:
    return [replace(label, name=new) if label.name == old else label for label in labels]


def test_scheme_label_span_counts_cover_scheme_and_strays(
    repo: ProjectRepository, doc_id: int
) -> None:
    repo.edit_spans(doc_id, "ana", add=[span(GM, "ORG"), span(CATL, "ORG"), span(LFP, "CHEMISTRY")])
    repo.edit_spans(doc_id, "ben", add=[span(GM, "ORG"), span(NEVADA, "PLACE")])
    counts = repo.label_span_counts()
    assert list(counts)[:3] == ["ORG", "PERSON", "LOC"]
    assert counts["ORG"] == 3 and counts["CHEMISTRY"] == 1 and counts["PERSON"] == 0
    assert list(counts)[-1] == "PLACE" and counts["PLACE"] == 1  # not in the scheme
    assert len(counts) == 13


def test_scheme_rename_keeps_spans_under_new_name(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
        repo.edit_spans(doc_id, "ana", add=[span(GM, "ORG"), span(CATL, "ORG")])
        repo.edit_spans(doc_id, "ben", reject=[span(CATL, "ORG")])
        repo.store_suggestions([(doc_id, [span(CATL, "ORG", RULES)])], "rules", "1")
        labels = renamed(repo.labels(), "ORG", "COMPANY")
        repo.save_scheme(labels, renames={"ORG": "COMPANY"})
    with ProjectRepository.open(project_path) as repo:
        assert [label.name for label in repo.labels()][:2] == ["COMPANY", "PERSON"]
        assert repo.annotation(doc_id, "ana").spans == [span(GM, "COMPANY"), span(CATL, "COMPANY")]
        assert repo.annotation(doc_id, "ben").rejected == [Span(*CATL, "COMPANY")]
        assert repo.cached_suggestions(doc_id, "rules", "1") == [span(CATL, "COMPANY", RULES)]
        assert "ORG" not in repo.label_span_counts()


def test_scheme_swapping_two_names_swaps_their_spans(repo: ProjectRepository, doc_id: int) -> None:
    repo.edit_spans(doc_id, "ana", add=[span(GM, "ORG"), span(NEVADA, "LOC")])
    labels = [
        replace(label, name={"ORG": "LOC", "LOC": "ORG"}.get(label.name, label.name))
        for label in repo.labels()
    ]
    repo.save_scheme(labels, renames={"ORG": "LOC", "LOC": "ORG"})
    assert repo.annotation(doc_id, "ana").spans == [span(GM, "LOC"), span(NEVADA, "ORG")]


def test_scheme_delete_label_with_its_spans(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
        repo.edit_spans(doc_id, "ana", add=[span(GM, "ORG"), span(LFP, "CHEMISTRY")])
        repo.edit_spans(doc_id, "ana", reject=[span(CATL, "CHEMISTRY")])
        repo.store_suggestions(
            [(doc_id, [span(LFP, "CHEMISTRY", RULES), span(CATL, "ORG", RULES)])], "rules", "1"
        )
        repo.save_scheme(without(repo.labels(), "CHEMISTRY"), deletions={"CHEMISTRY": None})
    with ProjectRepository.open(project_path) as repo:
        assert "CHEMISTRY" not in [label.name for label in repo.labels()]
        annotation = repo.annotation(doc_id, "ana")
        assert annotation.spans == [span(GM, "ORG")]
        assert annotation.rejected == []
        assert repo.cached_suggestions(doc_id, "rules", "1") == [span(CATL, "ORG", RULES)]


def test_scheme_delete_label_relabels_spans_and_drops_duplicates(project_path: Path) -> None:
    with ProjectRepository.open(project_path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document(TEXT)])
        # ana has GM as both FACILITY and ORG: relabelling would make the same span twice.
        repo.edit_spans(
            doc_id, "ana", add=[span(GM, "FACILITY"), span(GM, "ORG"), span(NEVADA, "FACILITY")]
        )
        repo.edit_spans(doc_id, "ben", add=[span(GM, "FACILITY", RULES)])
        repo.store_suggestions([(doc_id, [span(NEVADA, "FACILITY", RULES)])], "rules", "1")
        repo.save_scheme(without(repo.labels(), "FACILITY"), deletions={"FACILITY": "ORG"})
    with ProjectRepository.open(project_path) as repo:
        assert repo.annotation(doc_id, "ana").spans == [span(GM, "ORG"), span(NEVADA, "ORG")]
        assert repo.annotation(doc_id, "ben").spans == [span(GM, "ORG", RULES)]
        assert repo.cached_suggestions(doc_id, "rules", "1") == []
        counts = repo.label_span_counts()
        assert counts["ORG"] == 3 and "FACILITY" not in counts


def test_scheme_relabel_to_a_renamed_label_and_reuse_a_deleted_name(
    repo: ProjectRepository, doc_id: int
) -> None:
    repo.edit_spans(doc_id, "ana", add=[span(GM, "ORG"), span(CATL, "FACILITY")])
    # ORG becomes COMPANY, FACILITY's spans join it, and a new, empty ORG label appears.
    labels = [*without(renamed(repo.labels(), "ORG", "COMPANY"), "FACILITY")]
    labels.append(Label("ORG", "#000000", "z"))
    repo.save_scheme(labels, renames={"ORG": "COMPANY"}, deletions={"FACILITY": "COMPANY"})
    assert repo.annotation(doc_id, "ana").spans == [span(GM, "COMPANY"), span(CATL, "COMPANY")]
    assert repo.label_span_counts()["ORG"] == 0


def test_scheme_reorder_and_recolour_only_touch_labels(
    repo: ProjectRepository, doc_id: int
) -> None:
    repo.add_span(doc_id, "ana", span(GM, "ORG"))
    labels = repo.labels()
    labels = [replace(labels[1], colour="#123456", key="9"), labels[0], *labels[2:]]
    repo.save_scheme(labels)
    assert repo.labels() == labels
    assert repo.annotation(doc_id, "ana").spans == [span(GM, "ORG")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"renames": {"ORG": "NOPE"}}, "lacks"),
        ({"deletions": {"ORG": "NOPE"}}, "not a label"),
        ({"renames": {"ORG": "LOC"}, "deletions": {"ORG": None}}, "both"),
        ({"renames": {"ORG": "LOC", "PERSON": "LOC"}}, "two labels"),
    ],
)
def test_scheme_inconsistent_change_writes_nothing(
    repo: ProjectRepository, doc_id: int, change: dict[str, Any], message: str
) -> None:
    repo.add_span(doc_id, "ana", span(GM, "ORG"))
    before = repo.labels()
    with pytest.raises(LabelSchemeError, match=message):
        repo.save_scheme(without(before, "ORG"), **change)
    assert repo.labels() == before
    assert repo.annotation(doc_id, "ana").spans == [span(GM, "ORG")]


def test_scheme_invalid_labels_write_nothing(repo: ProjectRepository) -> None:
    before = repo.labels()
    clash = [*before, Label("EXTRA", "#000000", before[0].key)]
    with pytest.raises(LabelSchemeError, match="already taken"):
        repo.save_scheme(clash)
    with pytest.raises(LabelSchemeError):
        repo.replace_labels([Label("lower", "#000000", "z")])
    assert repo.labels() == before


def test_scheme_replace_labels_still_replaces(repo: ProjectRepository) -> None:
    repo.replace_labels([Label("ORG", "#88CCEE", "o")])
    assert repo.labels() == [Label("ORG", "#88CCEE", "o")]
