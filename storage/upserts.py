"""Get-or-create for rows that two processes may create at the same moment.

A check-then-insert is a race on PostgreSQL (two sessions both see no row, both insert, one
gets an ``IntegrityError``); SQLite's ``BEGIN IMMEDIATE`` serializes writers, so it never
shows there. ``INSERT … ON CONFLICT DO NOTHING`` followed by a read is safe on both: on
PostgreSQL the insert waits for the other transaction and then does nothing, and the read
(a new snapshot per statement under READ COMMITTED) sees the row it committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session


def insert_missing(
    s: Session, table: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert ``rows`` into ``table``, skipping those whose unique ``keys`` already exist."""
    if not rows:
        return
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        s.execute(pg_insert(table).on_conflict_do_nothing(index_elements=list(keys)), rows)
        return
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    s.execute(sqlite_insert(table).on_conflict_do_nothing(index_elements=list(keys)), rows)
