"""Changing one annotation's spans and rejected suggestions: shared by every kind of version.

Annotators' edits (``ProjectRepository.edit_spans``) and the reviewer's gold edits
(``ReviewStore.edit_gold``) are the same operation on different annotation rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.spans import Span
from storage import models as m


def _matching(table: Any, annotation_id: int, span: Span) -> Any:
    return (
        delete(table)
        .where(table.annotation_id == annotation_id)
        .where(table.start == span.start)
        .where(table.end == span.end)
        .where(table.label == span.label)
    )


def _present(s: Session, table: Any, annotation_id: int) -> set[tuple[int, int, str]]:
    rows = s.execute(
        select(table.start, table.end, table.label).where(table.annotation_id == annotation_id)
    )
    return {(start, end, label) for start, end, label in rows}


def apply_span_edit(
    s: Session,
    annotation_id: int,
    *,
    remove: Sequence[Span] = (),
    add: Sequence[Span] = (),
    reject: Sequence[Span] = (),
    unreject: Sequence[Span] = (),
) -> None:
    """Within an open write transaction: remove spans, forget rejections, then add spans and
    rejections. Rows are matched by offsets and label; one already there is not added again."""
    for span in remove:
        s.execute(_matching(m.SpanRow, annotation_id, span))
    for span in unreject:
        s.execute(_matching(m.RejectionRow, annotation_id, span))
    if add:
        present = _present(s, m.SpanRow, annotation_id)
        for span in add:
            if (span.start, span.end, span.label) not in present:
                present.add((span.start, span.end, span.label))
                s.add(
                    m.SpanRow(
                        annotation_id=annotation_id,
                        start=span.start,
                        end=span.end,
                        label=span.label,
                        source=span.source,
                    )
                )
    if reject:
        present = _present(s, m.RejectionRow, annotation_id)
        for span in reject:
            if (span.start, span.end, span.label) not in present:
                present.add((span.start, span.end, span.label))
                s.add(
                    m.RejectionRow(
                        annotation_id=annotation_id,
                        start=span.start,
                        end=span.end,
                        label=span.label,
                    )
                )
