"""The queue's orders: *in order* (by document id), *random* (a fixed shuffle) and *most
informative first* (by the project model's uncertainty, :mod:`storage.training`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select

from core.documents import QUEUE_ORDERS, QueueOrder
from storage import models as m
from storage.repository_base import RepositoryBase

__all__ = ["QUEUE_ORDERS", "DocumentScores", "QueueOrder", "order_by"]

# Knuth's multiplicative hash, modulo 2^31: a shuffle that is the same on every page and on
# both backends (integer arithmetic only), and that does not move when documents are added.
_SHUFFLE_FACTOR = 2654435761
_SHUFFLE_MODULUS = 2147483647
_BATCH = 1000


def order_by(query: Any, order: str) -> Any:
    """``query`` (selecting from ``document``) in the queue order ``order``."""
    document_id = m.DocumentRow.id
    if order == "in_order":
        return query.order_by(document_id)
    if order == "random":
        return query.order_by((document_id * _SHUFFLE_FACTOR) % _SHUFFLE_MODULUS, document_id)
    if order == "informative":
        score = (
            select(m.DocumentScoreRow.score)
            .where(m.DocumentScoreRow.document_id == document_id)
            .scalar_subquery()
        )
        # Unscored documents (no model yet, or a language without one) come last, in order.
        return query.order_by(func.coalesce(score, -1.0).desc(), document_id)
    raise ValueError(f"unknown queue order {order!r}; choose {', '.join(QUEUE_ORDERS)}")


class DocumentScores(RepositoryBase):
    def store_document_scores(self, model: str, scores: Sequence[tuple[int, float]]) -> None:
        """Replace the scores of these documents by ``model``'s, in batches of one
        transaction each."""
        for i in range(0, len(scores), _BATCH):
            batch = scores[i : i + _BATCH]
            with self.writing() as s:
                s.execute(
                    delete(m.DocumentScoreRow).where(
                        m.DocumentScoreRow.document_id.in_([d for d, _ in batch])
                    )
                )
                s.execute(
                    insert(m.DocumentScoreRow),
                    [{"document_id": d, "model": model, "score": score} for d, score in batch],
                )

    def document_scores(self) -> dict[int, float]:
        with self.reading() as s:
            rows = s.execute(select(m.DocumentScoreRow.document_id, m.DocumentScoreRow.score))
            return {document_id: score for document_id, score in rows}
