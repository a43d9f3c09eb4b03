"""Inter-annotator agreement: span F1, Cohen's kappa and Krippendorff's alpha over tokens.

Pure functions over ``core`` values (standard library only), written to stream: the report
keeps counts, never the documents. What exactly is compared is described in
``docs/review.md``; ``tests/core/test_agreement.py`` checks the figures against
scikit-learn and the ``krippendorff`` package.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.spans import Span, Token

OUTSIDE = "O"
NAN = float("nan")

SpanKey = tuple[int, int, str]
Documents = Iterable[tuple[int, Sequence[Token], Mapping[str, Sequence[Span]]]]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one version (or annotator) against a reference."""

    precision: float
    recall: float
    f1: float


def span_f1(a: Sequence[Span], b: Sequence[Span]) -> PRF:
    """``b`` against ``a`` by exact match on offsets and label (sources do not count).

    Precision is the share of ``b``'s spans that ``a`` has, recall the share of ``a``'s
    spans that ``b`` has; F1 is symmetric. Two empty versions agree fully (1.0); a ratio
    with nothing to count is otherwise 0.0.
    """
    keys_a = {(s.start, s.end, s.label) for s in a}
    keys_b = {(s.start, s.end, s.label) for s in b}
    return prf_of_counts(len(keys_a & keys_b), len(keys_a), len(keys_b))


def prf_of_counts(tp: int, reference: int, predicted: int) -> PRF:
    """Precision, recall and F1 from counts: matches, reference spans, predicted spans."""
    if reference == 0 and predicted == 0:
        return PRF(1.0, 1.0, 1.0)
    return PRF(
        tp / predicted if predicted else 0.0,
        tp / reference if reference else 0.0,
        2 * tp / (reference + predicted),
    )


def token_labels(tokens: Sequence[Token], spans: Sequence[Span]) -> list[str]:
    """Per token, the label of the span it lies in, else ``"O"``.

    A token lies in a span when it is wholly inside it. Where spans overlap, the longer one
    wins, then the earlier one, then the label that sorts first (the export's rule).
    """
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    return _labels(starts, ends, spans)


def _labels(starts: Sequence[int], ends: Sequence[int], spans: Iterable[Span]) -> list[str]:
    labels = [OUTSIDE] * len(starts)
    taken = [False] * len(starts)
    ordered = sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label))
    for span in ordered:
        i = bisect_left(starts, span.start)
        j = bisect_right(ends, span.end)
        if i >= j:
            continue
        if not any(taken[i:j]):
            labels[i:j] = [span.label] * (j - i)
            taken[i:j] = [True] * (j - i)
            continue
        for index in range(i, j):  # partly under a longer span: fill the free tokens only
            if not taken[index]:
                labels[index] = span.label
                taken[index] = True
    return labels


def cohen_kappa(x: Sequence[str], y: Sequence[str]) -> float:
    """Cohen's kappa of two labellings of the same items; 1.0 when they are identical
    (also when they use only one category, where the textbook formula divides by zero)."""
    if len(x) != len(y):
        raise ValueError(f"kappa needs two labellings of equal length, got {len(x)}, {len(y)}")
    if list(x) == list(y):
        return 1.0
    return _kappa(Counter(zip(x, y, strict=True)))


def _kappa(confusion: Mapping[tuple[str, str], int]) -> float:
    """Kappa from counts of (x, y) label pairs, in integers until the final division."""
    n = sum(confusion.values())
    if n == 0:
        return NAN
    rows: Counter[str] = Counter()
    columns: Counter[str] = Counter()
    agree = 0
    for (x, y), count in confusion.items():
        rows[x] += count
        columns[y] += count
        if x == y:
            agree += count
    expected = sum(count * columns[label] for label, count in rows.items())
    if expected == n * n:  # both always said the same single category
        return 1.0
    return (agree * n - expected) / (n * n - expected)


def krippendorff_alpha(units: Sequence[Sequence[str | None]]) -> float:
    """Krippendorff's alpha for nominal data.

    ``units`` holds per unit (token) the value each annotator gave it, ``None`` where one
    gave none. Units with fewer than two values are not pairable and do not count. 1.0 when
    all pairable values agree (also with one category only); NaN when nothing is pairable.
    """
    coincidences: dict[tuple[str, str], float] = defaultdict(float)
    _add_coincidences(coincidences, Counter(tuple(unit) for unit in units))
    return _alpha(coincidences)


def _add_coincidences(
    coincidences: dict[tuple[str, str], float], units: Mapping[tuple[str | None, ...], int]
) -> None:
    """Add the coincidences of ``units`` (distinct value tuples with their counts)."""
    for values, times in units.items():
        present = [v for v in values if v is not None]
        m = len(present)
        if m < 2:
            continue
        counts = Counter(present)
        scale = times / (m - 1)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs * scale


def _alpha(coincidences: Mapping[tuple[str, str], float]) -> float:
    totals: dict[str, float] = defaultdict(float)
    observed = 0.0
    for (c, k), o in coincidences.items():
        totals[c] += o
        if c != k:
            observed += o
    n = sum(totals.values())
    if n <= 1:
        return NAN
    square = sum(totals.values()) ** 2 - sum(v * v for v in totals.values())
    if square <= 0:  # one category only: every value agrees
        return 1.0
    return 1.0 - (n - 1) * observed / square


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of two annotators over the documents both annotated."""

    a: str
    b: str
    f1: float
    kappa: float
    documents: int


@dataclass(frozen=True)
class AgreementReport:
    """Agreement overall, per pair of annotators, per label and per document.

    Figures that cannot be computed (no document to compare) are NaN; ``as_json`` writes
    them as ``null``.
    """

    overall: dict[str, float]
    pairs: list[PairAgreement]
    labels: dict[str, float]
    documents: dict[int, dict[str, float]]
    # Per label, the counts behind its F1 (= matched / marks): marks matched by the other
    # version of a pair, and all marks, each version's spans counted once per pair.
    label_counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "overall": {key: _finite(value) for key, value in self.overall.items()},
            "pairs": [
                {
                    "a": pair.a,
                    "b": pair.b,
                    "f1": _finite(pair.f1),
                    "kappa": _finite(pair.kappa),
                    "documents": pair.documents,
                }
                for pair in self.pairs
            ],
            "labels": {label: {"f1": _finite(f1)} for label, f1 in self.labels.items()},
            "documents": {
                str(document_id): {key: _finite(value) for key, value in figures.items()}
                for document_id, figures in self.documents.items()
            },
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass
class _PairCounts:
    tp: int = 0
    spans: int = 0  # spans of both versions together
    documents: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)


def agreement(documents: Documents) -> AgreementReport:
    """Agreement over documents given as ``(id, tokens, {annotator: spans})``.

    Documents with fewer than two versions are passed over. Per pair of annotators: span F1
    micro over the documents both annotated, and Cohen's kappa over the tokens of those
    documents. Overall: F1 micro over every pair, kappa the mean of the pairs' kappas
    (Light's kappa), alpha over every token and every annotator. Per label: F1 micro over
    every pair. Per document: F1 micro over its pairs, the mean of its pairs' kappas, alpha
    over its tokens.
    """
    pairs: dict[tuple[str, str], _PairCounts] = defaultdict(_PairCounts)
    label_tp: Counter[str] = Counter()
    label_spans: Counter[str] = Counter()
    coincidences: dict[tuple[str, str], float] = defaultdict(float)
    per_document: dict[int, dict[str, float]] = {}
    for document_id, tokens, versions in documents:
        if len(versions) < 2:
            continue
        names = sorted(versions)
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]
        keys = {name: {(s.start, s.end, s.label) for s in versions[name]} for name in names}
        labels = {name: _labels(starts, ends, versions[name]) for name in names}
        # Every version takes part in len(names) - 1 pairs: its spans count that often.
        for name in names:
            for key in keys[name]:
                label_spans[key[2]] += len(names) - 1
        tp = spans = 0
        kappas: list[float] = []
        for a, b in itertools.combinations(names, 2):
            counts = pairs[a, b]
            shared = keys[a] & keys[b]
            counts.tp += len(shared)
            counts.spans += len(keys[a]) + len(keys[b])
            counts.documents += 1
            tp += len(shared)
            spans += len(keys[a]) + len(keys[b])
            for key in shared:
                label_tp[key[2]] += 1
            confusion = Counter(zip(labels[a], labels[b], strict=True))
            total = counts.confusion
            for pair, n in confusion.items():
                total[pair] += n
            if confusion:
                kappas.append(_kappa(confusion))
        units: Counter[tuple[str | None, ...]] = Counter(zip(*labels.values(), strict=True))
        document_coincidences: dict[tuple[str, str], float] = defaultdict(float)
        _add_coincidences(document_coincidences, units)
        for values, value in document_coincidences.items():
            coincidences[values] += value
        per_document[document_id] = {
            "f1": 2 * tp / spans if spans else 1.0,
            "kappa": _mean(kappas),
            "alpha": _alpha(document_coincidences),
        }
    pair_results = [
        PairAgreement(
            a,
            b,
            2 * counts.tp / counts.spans if counts.spans else 1.0,
            _kappa(counts.confusion),
            counts.documents,
        )
        for (a, b), counts in sorted(pairs.items())
    ]
    total_tp = sum(counts.tp for counts in pairs.values())
    total_spans = sum(counts.spans for counts in pairs.values())
    overall = {
        "f1": (2 * total_tp / total_spans if total_spans else 1.0) if pairs else NAN,
        "kappa": _mean([pair.kappa for pair in pair_results]),
        "alpha": _alpha(coincidences),
    }
    return AgreementReport(
        overall=overall,
        pairs=pair_results,
        labels={label: 2 * label_tp[label] / label_spans[label] for label in sorted(label_spans)},
        documents=per_document,
        label_counts={label: (2 * label_tp[label], label_spans[label]) for label in label_spans},
    )


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else NAN


def quality(documents: Documents, gold: Mapping[int, Sequence[Span]]) -> dict[str, PRF]:
    """Each annotator's versions against the gold versions, micro over the documents that
    have a gold version (the gold is the reference: precision is the share of the
    annotator's spans the gold has)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, gold, annotator
    for document_id, _tokens, versions in documents:
        reference = gold.get(document_id)
        if reference is None:
            continue
        gold_keys = {(s.start, s.end, s.label) for s in reference}
        for name, spans in versions.items():
            keys = {(s.start, s.end, s.label) for s in spans}
            total = counts[name]
            total[0] += len(keys & gold_keys)
            total[1] += len(gold_keys)
            total[2] += len(keys)
    return {name: prf_of_counts(*counts[name]) for name in sorted(counts)}
