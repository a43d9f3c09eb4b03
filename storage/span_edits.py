"""Changing one annotation's spans and rejected suggestions: shared by every kind of version.

Annotators' edits (``ProjectRepository.edit_spans``) and the reviewer's gold edits
(``ReviewStore.edit_gold``) are the same operation on different annotation rows. It is
set-based: one ``DELETE … RETURNING`` for all spans going out, one ``INSERT … ON CONFLICT DO
NOTHING RETURNING`` for all coming in (the unique span key decides what is there already),
and it returns what really changed, so nobody has to read the annotation back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.edits import SpanDelta, span_key
from core.spans import Span
from storage import models as m

# Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
_CHUNK = 4_000


def _chunks(spans: Sequence[Span]) -> list[Sequence[Span]]:
    unique = list({span_key(s): s for s in spans}.values())
    return [unique[i : i + _CHUNK] for i in range(0, len(unique), _CHUNK)]


@cache
def _statements(table: Any, dialect: str) -> tuple[Any, Any]:
    """The table's delete and insert, built once: an edit only binds its values (building a
    statement anew was most of an edit's time in Python)."""
    has_source = "source" in table.c
    columns = [table.c.start, table.c.end, table.c.label]
    columns += [table.c.source] if has_source else []
    remove = (
        delete(table)
        .where(table.c.annotation_id == bindparam("annotation"))
        .where(
            tuple_(table.c.start, table.c.end, table.c.label).in_(bindparam("keys", expanding=True))
        )
        .returning(*columns)
    )
    make_insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    add = (
        make_insert(table)
        .on_conflict_do_nothing(index_elements=["annotation_id", "start", "end", "label"])
        .returning(*columns)
    )
    return remove, add


def _delete(s: Session, table: Any, annotation_id: int, spans: Sequence[Span]) -> list[Span]:
    """Delete the rows matching ``spans`` by offsets and label; return those that were there."""
    remove, _ = _statements(table, s.get_bind().dialect.name)
    connection = s.connection()
    gone: list[Span] = []
    for chunk in _chunks(spans):
        keys = [span_key(x) for x in chunk]
        rows = connection.execute(remove, {"annotation": annotation_id, "keys": keys})
        gone.extend(Span(*row) for row in rows)
    return gone


def _insert(s: Session, table: Any, annotation_id: int, spans: Sequence[Span]) -> list[Span]:
    """Insert rows for ``spans``, skipping any whose key is there; return those inserted."""
    _, add = _statements(table, s.get_bind().dialect.name)
    connection = s.connection()
    has_source = "source" in table.c
    now = m.utcnow()
    added: list[Span] = []
    for chunk in _chunks(spans):
        values = []
        for span in chunk:
            row: dict[str, Any] = {
                "annotation_id": annotation_id,
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "created_at": now,
            }
            if has_source:
                row["source"] = span.source
                row["updated_at"] = now
            values.append(row)
        # One row: a plain execute. More: SQLAlchemy's insertmanyvalues sends them as one
        # multi-row INSERT … RETURNING per batch.
        result = connection.execute(add, values[0] if len(values) == 1 else values)
        added.extend(Span(*row) for row in result)
    return added


def apply_span_edit(
    s: Session,
    annotation_id: int,
    *,
    remove: Sequence[Span] = (),
    add: Sequence[Span] = (),
    reject: Sequence[Span] = (),
    unreject: Sequence[Span] = (),
) -> SpanDelta:
    """Within an open write transaction: remove spans, forget rejections, then add spans and
    rejections. Rows are matched by offsets and label; one already there is not added again.

    Returns what changed, in text order: a span asked to go that was not there is not in
    ``removed``, one asked to come that was there already is not in ``added``.
    """
    spans, rejections = m.SpanRow.__table__, m.RejectionRow.__table__
    removed = _delete(s, spans, annotation_id, remove) if remove else []
    unrejected = _delete(s, rejections, annotation_id, unreject) if unreject else []
    added = _insert(s, spans, annotation_id, add) if add else []
    rejected = _insert(s, rejections, annotation_id, reject) if reject else []
    return SpanDelta(
        removed=tuple(sorted(removed, key=span_key)),
        added=tuple(sorted(added, key=span_key)),
        rejected=tuple(sorted(rejected, key=span_key)),
        unrejected=tuple(sorted(unrejected, key=span_key)),
    )
