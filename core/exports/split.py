"""The seeded train/dev split of an export, by document.

Each document gets a rank: the first 8 bytes of SHA-256 over ``"<seed>:<document id>"`` as an
unsigned big-endian integer. Documents are ordered by (rank, id) and the first
``round(n * dev_fraction)`` go to dev. When ``dev_fraction > 0`` and there are at least two
documents, dev and train get at least one document each. Splitting by document keeps the
versions of one text by several annotators on the same side, so dev never sees a training text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def split_rank(document_id: int, seed: int) -> int:
    digest = hashlib.sha256(f"{seed}:{document_id}".encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big")


def dev_documents(document_ids: Iterable[int], dev_fraction: float, seed: int) -> frozenset[int]:
    """The ids of the documents that go to dev."""
    if not 0 <= dev_fraction < 1:
        raise ValueError(f"dev_fraction must be at least 0 and below 1, got {dev_fraction}")
    ranked = sorted((split_rank(i, seed), i) for i in set(document_ids))
    n = len(ranked)
    k = round(n * dev_fraction)
    if dev_fraction > 0 and n >= 2:
        k = min(max(k, 1), n - 1)
    return frozenset(i for _, i in ranked[:k])
