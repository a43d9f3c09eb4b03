"""Agreement metrics against reference implementations (scikit-learn, krippendorff) on the
same data, hypothesis properties, and the report over documents."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from core.agreement import (
    PRF,
    agreement,
    cohen_kappa,
    krippendorff_alpha,
    quality,
    span_f1,
    token_labels,
)
from core.spans import Span, Token

LABELS = ["O", "ORG", "LOC", "CHEMISTRY"]

labellings = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
    )
)
span_lists = st.lists(
    st.builds(
        lambda start, length, label: Span(start, start + length, label),
        st.integers(0, 30),
        st.integers(1, 5),
        st.sampled_from(LABELS[1:]),
    ),
    max_size=8,
)
units_strategy = st.integers(min_value=2, max_value=4).flatmap(
    lambda coders: st.lists(
        st.lists(st.one_of(st.none(), st.sampled_from(LABELS)), min_size=coders, max_size=coders),
        min_size=1,
        max_size=40,
    )
)


def tokens_of(text: str) -> list[Token]:
    tokens, offset = [], 0
    for word in text.split(" "):
        tokens.append(Token(word, offset, offset + len(word), True))
        offset += len(word) + 1
    return tokens


def as_ints(*labellings: list[str]) -> list[list[int]]:
    index = {label: i for i, label in enumerate(LABELS)}
    return [[index[label] for label in labelling] for labelling in labellings]


def sklearn_kappa(x: list[str], y: list[str]) -> float:
    a, b = as_ints(x, y)
    with warnings.catch_warnings():
        # One category in both: sklearn warns about the confusion matrix shape (and gives
        # NaN); that case is asserted separately below.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohen_kappa_score(a, b))


def reference_alpha(units: list[list[str | None]]) -> float:
    index = {label: i for i, label in enumerate(LABELS)}
    data = np.array(
        [[np.nan if v is None else index[v] for v in unit] for unit in units], dtype=float
    ).T  # the package wants coders × units
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


# -- span F1 -----------------------------------------------------------------------------


def test_agreement_span_f1_exact_match_on_offsets_and_label() -> None:
    a = [Span(0, 4, "ORG"), Span(10, 14, "LOC"), Span(20, 23, "ORG")]
    b = [Span(0, 4, "ORG"), Span(10, 14, "ORG"), Span(30, 33, "LOC", "model:x")]
    assert span_f1(a, b) == PRF(precision=1 / 3, recall=1 / 3, f1=1 / 3)
    assert span_f1(a, a[:1]) == PRF(1.0, 1 / 3, 0.5)
    assert span_f1([Span(0, 4, "ORG", "manual")], [Span(0, 4, "ORG", "rules:de")]).f1 == 1.0


def test_agreement_span_f1_empty_versions() -> None:
    assert span_f1([], []) == PRF(1.0, 1.0, 1.0)
    assert span_f1([Span(0, 1, "ORG")], []) == PRF(0.0, 0.0, 0.0)
    assert span_f1([], [Span(0, 1, "ORG")]) == PRF(0.0, 0.0, 0.0)


@given(span_lists, span_lists)
def test_agreement_span_f1_is_symmetric_and_bounded(a: list[Span], b: list[Span]) -> None:
    ab, ba = span_f1(a, b), span_f1(b, a)
    assert ab.f1 == pytest.approx(ba.f1)
    assert (ab.precision, ab.recall) == pytest.approx((ba.recall, ba.precision))
    for value in (ab.precision, ab.recall, ab.f1):
        assert 0.0 <= value <= 1.0
    assert span_f1(a, a).f1 == 1.0


# -- token labels ------------------------------------------------------------------------


def test_agreement_token_labels_longer_span_wins() -> None:
    tokens = tokens_of("CATL baut in Arnstadt ein Werk")
    spans = [Span(0, 4, "ORG"), Span(13, 21, "LOC"), Span(13, 25, "FACILITY")]
    assert token_labels(tokens, spans) == ["ORG", "O", "O", "FACILITY", "FACILITY", "O"]
    assert token_labels(tokens, []) == ["O"] * 6
    assert token_labels([], spans) == []


# -- Cohen's kappa -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (["O", "ORG", "ORG", "O", "LOC"], ["O", "ORG", "LOC", "O", "LOC"]),
        (["O"] * 8 + ["ORG"] * 2, ["O"] * 9 + ["ORG"]),
        (["ORG", "LOC"], ["LOC", "ORG"]),
        (["O", "O", "ORG"], ["ORG", "ORG", "O"]),
    ],
)
def test_agreement_kappa_matches_sklearn(x: list[str], y: list[str]) -> None:
    assert cohen_kappa(x, y) == pytest.approx(sklearn_kappa(x, y))


@settings(max_examples=300)
@given(labellings)
def test_agreement_kappa_matches_sklearn_on_random_labellings(
    pair: tuple[list[str], list[str]],
) -> None:
    x, y = pair
    ours = cohen_kappa(x, y)
    theirs = sklearn_kappa(x, y)
    if x == y:
        assert ours == 1.0
    else:
        assert ours == pytest.approx(theirs)
    assert -1.0 <= ours <= 1.0
    assert cohen_kappa(y, x) == pytest.approx(ours)


def test_agreement_kappa_of_identical_labellings_is_one() -> None:
    assert cohen_kappa(["O"] * 5, ["O"] * 5) == 1.0  # sklearn gives NaN here
    assert math.isnan(sklearn_kappa(["O"] * 5, ["O"] * 5))
    assert cohen_kappa(["O", "ORG"], ["O", "ORG"]) == 1.0
    assert cohen_kappa([], []) == 1.0
    assert cohen_kappa(["O", "O"], ["ORG", "ORG"]) == 0.0
    with pytest.raises(ValueError, match="equal length"):
        cohen_kappa(["O"], [])


# -- Krippendorff's alpha ----------------------------------------------------------------


def test_agreement_alpha_matches_krippendorff_package() -> None:
    units: list[list[str | None]] = [
        ["O", "O", "O"],
        ["ORG", "ORG", None],
        ["ORG", "LOC", "ORG"],
        ["LOC", "LOC", "LOC"],
        [None, "O", "ORG"],
        ["O", None, None],  # not pairable
    ]
    assert krippendorff_alpha(units) == pytest.approx(reference_alpha(units))


@settings(max_examples=300)
@given(units_strategy)
def test_agreement_alpha_matches_krippendorff_package_on_random_units(
    units: list[list[str | None]],
) -> None:
    values = {v for unit in units if sum(x is not None for x in unit) >= 2 for v in unit}
    values.discard(None)
    ours = krippendorff_alpha(units)
    if not values:
        assert math.isnan(ours)  # nothing pairable
    elif len(values) == 1:
        assert ours == 1.0  # the package refuses a domain of one value
    else:
        assert ours == pytest.approx(reference_alpha(units))
        assert ours <= 1.0


def test_agreement_alpha_of_identical_values_is_one() -> None:
    assert krippendorff_alpha([["O", "O"], ["ORG", "ORG"]]) == 1.0
    assert krippendorff_alpha([["O", "O", "O"]]) == 1.0
    assert math.isnan(krippendorff_alpha([["O", None]]))


# -- the report --------------------------------------------------------------------------

TEXT_1 = "GM kauft LFP-Zellen von CATL in Ningde"
TEXT_2 = "Northvolt baut in Heide eine Fabrik"
TOKENS_1, TOKENS_2 = tokens_of(TEXT_1), tokens_of(TEXT_2)
GM, LFP, CATL, NINGDE = (
    Span(0, 2, "ORG"),
    Span(9, 19, "CHEMISTRY"),
    Span(24, 28, "ORG"),
    Span(32, 38, "LOC"),
)
NORTHVOLT, HEIDE = Span(0, 9, "ORG"), Span(18, 23, "LOC")

DOCUMENTS = [
    (
        1,
        TOKENS_1,
        {
            "ana": [GM, LFP, CATL, NINGDE],
            "ben": [GM, CATL, Span(32, 38, "ORG")],
            "cleo": [GM, LFP, CATL],
        },
    ),
    (2, TOKENS_2, {"ana": [NORTHVOLT, HEIDE], "ben": [NORTHVOLT, HEIDE]}),
    (3, TOKENS_2, {"ana": [NORTHVOLT]}),  # one version: not compared
]


def test_agreement_report_pairs_match_reference_implementations() -> None:
    report = agreement(iter(DOCUMENTS))
    assert [(p.a, p.b, p.documents) for p in report.pairs] == [
        ("ana", "ben", 2),
        ("ana", "cleo", 1),
        ("ben", "cleo", 1),
    ]
    ana_ben = report.pairs[0]
    # Micro over both documents: 2 + 2 shared spans, 4 + 3 + 2 + 2 spans.
    assert ana_ben.f1 == pytest.approx(2 * 4 / 11)
    x = token_labels(TOKENS_1, DOCUMENTS[0][2]["ana"]) + token_labels(TOKENS_2, [NORTHVOLT, HEIDE])
    y = token_labels(TOKENS_1, DOCUMENTS[0][2]["ben"]) + token_labels(TOKENS_2, [NORTHVOLT, HEIDE])
    assert ana_ben.kappa == pytest.approx(sklearn_kappa(x, y))
    assert report.pairs[1].f1 == pytest.approx(2 * 3 / 7)
    assert set(report.documents) == {1, 2}
    assert report.documents[2] == {"f1": 1.0, "kappa": 1.0, "alpha": 1.0}


def test_agreement_report_overall_figures() -> None:
    report = agreement(DOCUMENTS)
    # F1 micro over every pair: shared spans 2 (ana/ben doc 1) + 2 (doc 2) + 3 + 2, spans
    # 7 + 4 + 7 + 6.
    assert report.overall["f1"] == pytest.approx(2 * 9 / 24)
    assert report.overall["kappa"] == pytest.approx(sum(p.kappa for p in report.pairs) / 3)
    units: list[list[str | None]] = [
        [*values, None]
        for values in zip(
            token_labels(TOKENS_2, [NORTHVOLT, HEIDE]),
            token_labels(TOKENS_2, [NORTHVOLT, HEIDE]),
            strict=True,
        )
    ]
    units += [
        list(values)
        for values in zip(
            *(token_labels(TOKENS_1, v) for v in DOCUMENTS[0][2].values()), strict=True
        )
    ]
    assert report.overall["alpha"] == pytest.approx(reference_alpha(units))
    # Per label, micro over every pair: (shared, spans of both) summed over the pairs.
    assert report.labels == pytest.approx(
        {"CHEMISTRY": 2 * 1 / 4, "LOC": 2 * 1 / 4, "ORG": 2 * 7 / 16}
    )


def test_agreement_report_as_json_shape() -> None:
    result = agreement(DOCUMENTS).as_json()
    assert set(result) == {"overall", "pairs", "labels", "documents"}
    assert set(result["overall"]) == {"f1", "kappa", "alpha"}
    assert set(result["pairs"][0]) == {"a", "b", "f1", "kappa", "documents"}
    assert result["labels"]["ORG"] == {"f1": pytest.approx(14 / 16)}
    assert set(result["documents"]) == {"1", "2"}


def test_agreement_report_without_documents_has_no_figures() -> None:
    report = agreement([(1, TOKENS_1, {"ana": [GM]})])
    assert report.pairs == [] and report.documents == {} and report.labels == {}
    assert all(math.isnan(v) for v in report.overall.values())
    assert report.as_json()["overall"] == {"f1": None, "kappa": None, "alpha": None}


def test_agreement_identical_versions_agree_fully() -> None:
    versions = {"ana": [GM, LFP], "ben": [GM, LFP], "cleo": [GM, LFP]}
    report = agreement([(1, TOKENS_1, versions), (2, TOKENS_2, {"ana": [], "ben": []})])
    assert report.overall == {"f1": 1.0, "kappa": 1.0, "alpha": 1.0}
    assert all(p.f1 == 1.0 and p.kappa == 1.0 for p in report.pairs)


def test_agreement_quality_against_gold() -> None:
    gold = {1: [GM, LFP, CATL, NINGDE], 2: [NORTHVOLT, HEIDE]}
    result = quality(DOCUMENTS, gold)
    assert list(result) == ["ana", "ben", "cleo"]
    assert result["ana"] == PRF(1.0, 1.0, 1.0)  # doc 3 has no gold: not counted
    # ben: 2 + 2 of 3 + 2 spans right, of 4 + 2 gold spans.
    assert result["ben"] == PRF(4 / 5, 4 / 6, pytest.approx(2 * 4 / 11))
    assert result["cleo"] == PRF(1.0, 3 / 4, pytest.approx(6 / 7))
