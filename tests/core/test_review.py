"""compare_versions, premerge and disagreement on hand-made versions of one document."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.review import Agreement, ReviewSpan, compare_versions, disagreement, premerge
from core.spans import Span

GM = Span(0, 2, "ORG")
CATL = Span(24, 28, "ORG")
CATL_LOC = Span(24, 28, "LOC")
LFP = Span(9, 12, "CHEMISTRY")
LFP_ZELLEN = Span(9, 19, "CHEMISTRY")
NINGDE = Span(32, 38, "LOC")


def test_review_compare_versions_classifies_every_span() -> None:
    versions = {
        "ana": [GM, LFP, CATL, NINGDE],
        "ben": [GM, LFP_ZELLEN, CATL_LOC],
        "cleo": [GM, LFP, CATL],
    }
    assert compare_versions(versions) == [
        ReviewSpan(GM, frozenset({"ana", "ben", "cleo"}), Agreement.ALL),
        ReviewSpan(LFP, frozenset({"ana", "cleo"}), Agreement.BOUNDARY),
        ReviewSpan(LFP_ZELLEN, frozenset({"ben"}), Agreement.BOUNDARY),
        ReviewSpan(CATL_LOC, frozenset({"ben"}), Agreement.LABEL),
        ReviewSpan(CATL, frozenset({"ana", "cleo"}), Agreement.LABEL),
        ReviewSpan(NINGDE, frozenset({"ana"}), Agreement.SOME),
    ]


def test_review_compare_versions_label_wins_over_boundary() -> None:
    versions = {"ana": [CATL], "ben": [CATL_LOC, Span(24, 38, "ORG")]}
    result = {r.span: r.agreement for r in compare_versions(versions)}
    assert result[CATL] is Agreement.LABEL
    assert result[CATL_LOC] is Agreement.LABEL
    assert result[Span(24, 38, "ORG")] is Agreement.BOUNDARY


def test_review_compare_versions_overlap_within_one_version_is_not_disagreement() -> None:
    # Only ana marked anything here; ben marked nothing overlapping: "only some".
    versions = {"ana": [LFP, LFP_ZELLEN], "ben": [GM]}
    result = {r.span: r.agreement for r in compare_versions(versions)}
    assert result == {GM: Agreement.SOME, LFP: Agreement.SOME, LFP_ZELLEN: Agreement.SOME}


def test_review_compare_versions_ignores_sources_and_keeps_one() -> None:
    versions = {"ben": [Span(0, 2, "ORG", "model:de-news@0.3")], "ana": [GM]}
    [only] = compare_versions(versions)
    assert only.span == GM  # the first annotator by name gives the span
    assert only.agreement is Agreement.ALL


def test_review_compare_versions_edge_cases() -> None:
    assert compare_versions({}) == []
    assert compare_versions({"ana": [], "ben": []}) == []
    assert compare_versions({"ana": [GM]}) == [ReviewSpan(GM, frozenset({"ana"}), Agreement.ALL)]


def test_review_premerge_unanimous_and_majority() -> None:
    versions = {
        "ana": [GM, LFP, CATL, NINGDE],
        "ben": [GM, LFP_ZELLEN, CATL_LOC],
        "cleo": [GM, LFP, CATL],
    }
    assert premerge(versions) == [Span(0, 2, "ORG", "review")]
    assert premerge(versions, threshold=0.5) == [
        Span(0, 2, "ORG", "review"),
        Span(9, 12, "CHEMISTRY", "review"),
        Span(24, 28, "ORG", "review"),
    ]
    assert len(premerge(versions, threshold=0.01)) == 4  # + Ningde; the overlaps lose


def test_review_premerge_overlaps_keep_better_supported_then_longer() -> None:
    two = {"ana": [LFP], "ben": [LFP], "cleo": [LFP_ZELLEN], "dora": [LFP_ZELLEN, GM]}
    assert premerge(two, threshold=0.25) == [
        Span(0, 2, "ORG", "review"),
        Span(9, 19, "CHEMISTRY", "review"),  # as well supported, longer
    ]
    more = {"ana": [LFP], "ben": [LFP], "cleo": [LFP_ZELLEN]}
    assert premerge(more, threshold=0.3) == [Span(9, 12, "CHEMISTRY", "review")]
    label = {"ana": [CATL], "ben": [CATL_LOC]}
    assert premerge(label, threshold=0.5) == [Span(24, 28, "LOC", "review")]  # label order


def test_review_premerge_edge_cases() -> None:
    assert premerge({}) == []
    assert premerge({"ana": [GM, GM]}) == [Span(0, 2, "ORG", "review")]
    with pytest.raises(ValueError, match="threshold"):
        premerge({"ana": [GM]}, threshold=0)
    with pytest.raises(ValueError, match="threshold"):
        premerge({"ana": [GM]}, threshold=1.5)


def test_review_disagreement() -> None:
    assert disagreement({"ana": [GM, LFP], "ben": [GM, LFP]}) == 0.0
    assert disagreement({"ana": [GM]}) == 0.0
    assert disagreement({"ana": [], "ben": []}) == 0.0
    assert disagreement({"ana": [GM], "ben": [LFP]}) == 1.0
    # Pairs: ana/ben F1 0.5, ana/cleo 1.0, ben/cleo 0.5.
    three = {"ana": [GM, LFP], "ben": [GM, CATL], "cleo": [GM, LFP]}
    assert disagreement(three) == pytest.approx(1 - 2 / 3)


spans = st.lists(
    st.builds(
        lambda start, length, label: Span(start, start + length, label),
        st.integers(0, 20),
        st.integers(1, 4),
        st.sampled_from(["ORG", "LOC"]),
    ),
    max_size=6,
)


@given(st.dictionaries(st.sampled_from(["ana", "ben", "cleo"]), spans, max_size=3))
def test_review_properties(versions: dict[str, list[Span]]) -> None:
    assert 0.0 <= disagreement(versions) <= 1.0
    merged = premerge(versions, threshold=0.5)
    assert all(not a.overlaps(b) for i, a in enumerate(merged) for b in merged[i + 1 :])
    compared = compare_versions(versions)
    assert [r.span.start for r in compared] == sorted(r.span.start for r in compared)
    if not versions:
        return
    identical = {name: next(iter(versions.values())) for name in versions}
    assert disagreement(identical) == 0.0
    assert all(r.agreement is Agreement.ALL for r in compare_versions(identical))
