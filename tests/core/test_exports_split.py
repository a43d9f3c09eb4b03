"""The seeded train/dev split by document."""

from __future__ import annotations

import pytest

from core.exports.split import dev_documents


def test_exports_split_fraction_seed_and_determinism() -> None:
    ids = list(range(1, 101))
    dev = dev_documents(ids, 0.2, seed=0)
    assert len(dev) == 20
    assert dev == dev_documents(reversed(ids), 0.2, seed=0)
    assert dev != dev_documents(ids, 0.2, seed=1)
    assert dev_documents(ids + ids, 0.2, seed=0) == dev  # a document counts once


def test_exports_split_small_projects_get_both_sides() -> None:
    assert len(dev_documents([1, 2], 0.1, seed=0)) == 1
    assert len(dev_documents([1, 2, 3], 0.9, seed=0)) == 2
    assert dev_documents([1], 0.2, seed=0) == frozenset()
    assert dev_documents(range(50), 0.0, seed=0) == frozenset()


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5])
def test_exports_split_refuses_fractions_outside_zero_to_one(fraction: float) -> None:
    with pytest.raises(ValueError, match="dev_fraction"):
        dev_documents([1, 2], fraction, seed=0)
