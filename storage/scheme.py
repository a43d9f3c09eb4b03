"""The project's label scheme in the database: read, replace, and keep spans consistent.

A scheme change that renames or deletes labels also rewrites the rows that carry label
names (spans, rejections, cached suggestions) in the same transaction, so a span never
points at a label the scheme no longer has unless the scheme editor was told to keep it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from core.labels import Label, LabelSchemeError, validate_labels
from storage import models as m
from storage.repository_base import RepositoryBase

# Tables whose rows carry a label name; spans and rejections are unique per
# (annotation, start, end, label), suggestions are not.
_UNIQUE_PER_ANNOTATION: tuple[Any, ...] = (m.SpanRow, m.RejectionRow)


class LabelSchemeStore(RepositoryBase):
    """Labels in their order, with colours, keys and guidelines."""

    def labels(self) -> list[Label]:
        with self.reading() as s:
            rows = s.scalars(select(m.LabelRow).order_by(m.LabelRow.position, m.LabelRow.id))
            return [
                Label(r.name, r.colour, r.key, r.definition, r.example_de, r.example_en)
                for r in rows
            ]

    def replace_labels(self, labels: list[Label]) -> None:
        """Store a new label scheme (names, colours, keys, order); spans are left as they are."""
        self.save_scheme(labels)

    def label_span_counts(self) -> dict[str, int]:
        """Spans per label across every annotator's version.

        Every label of the scheme is present (0 when unused), in scheme order; labels that
        spans carry but the scheme lacks (from an import, say) follow, sorted by name.
        """
        with self.reading() as s:
            counts: dict[str, int] = {
                name: 0
                for name in s.scalars(
                    select(m.LabelRow.name).order_by(m.LabelRow.position, m.LabelRow.id)
                )
            }
            used = s.execute(
                select(m.SpanRow.label, func.count())
                .group_by(m.SpanRow.label)
                .order_by(m.SpanRow.label)
            )
            for name, n in used:
                counts[name] = n
            return counts

    def save_scheme(
        self,
        labels: list[Label],
        *,
        renames: Mapping[str, str] | None = None,
        deletions: Mapping[str, str | None] | None = None,
    ) -> None:
        """Store a new scheme and carry the annotations along, all in one transaction.

        ``labels`` is the whole new scheme, in order, under the new names. ``renames`` maps
        old to new names: spans, rejections and cached suggestions follow the rename.
        ``deletions`` maps the old name of each deleted label to the label its spans become
        (a name in ``labels``), or to None to delete its spans. Either way the deleted
        label's cached suggestions and rejections go. Where a relabelled or renamed span
        already exists under its new label, the duplicate is dropped.

        Raises ``LabelSchemeError`` (nothing written) when the scheme or the maps are
        inconsistent.
        """
        renames = {old: new for old, new in (renames or {}).items() if old != new}
        deletions = dict(deletions or {})
        validate_labels(labels)
        _check_changes([label.name for label in labels], renames, deletions)
        with self.writing() as s:
            # Two phases through temporary names, so chains (A→B, B→C), swaps and a
            # deleted name taken over by a renamed label all come out right.
            moves: list[tuple[str, str]] = []
            for i, (old, new) in enumerate(sorted(renames.items())):
                temporary = f"~rename~{i}"
                _rename_everywhere(s, old, temporary)
                moves.append((temporary, new))
            for i, (old, target) in enumerate(sorted(deletions.items())):
                _drop_everywhere(s, old, keep_spans=target is not None)
                if target is not None:
                    temporary = f"~relabel~{i}"
                    _move_label(s, m.SpanRow, old, temporary)
                    moves.append((temporary, target))
            for temporary, final in moves:
                _rename_everywhere(s, temporary, final)
            s.execute(delete(m.LabelRow))
            s.flush()
            s.add_all(label_rows(labels))


def _check_changes(
    names: list[str], renames: Mapping[str, str], deletions: Mapping[str, str | None]
) -> None:
    known = set(names)
    for old, new in renames.items():
        if new not in known:
            raise LabelSchemeError(f"{old} is renamed to {new}, which the new scheme lacks")
        if old in deletions:
            raise LabelSchemeError(f"{old} cannot be both renamed and deleted")
    targets = list(renames.values())
    for new in set(targets):
        if targets.count(new) > 1:
            raise LabelSchemeError(f"two labels are renamed to {new}")
    for old, target in deletions.items():
        if target is not None and target not in known:
            raise LabelSchemeError(f"spans of {old} would become {target}, which is not a label")


def _rename_everywhere(s: Session, old: str, new: str) -> None:
    for table in (*_UNIQUE_PER_ANNOTATION, m.SuggestionRow):
        _move_label(s, table, old, new)


def _drop_everywhere(s: Session, label: str, *, keep_spans: bool) -> None:
    """Remove a deleted label's rejections and cached suggestions (and spans unless kept)."""
    tables: tuple[Any, ...] = (m.RejectionRow, m.SuggestionRow)
    if not keep_spans:
        tables = (m.SpanRow, *tables)
    for table in tables:
        s.execute(delete(table).where(table.label == label))


def _move_label(s: Session, table: Any, old: str, new: str) -> None:
    """Give rows labelled ``old`` the label ``new``; drop those whose twin already has it."""
    if table in _UNIQUE_PER_ANNOTATION:
        twin = aliased(table)
        s.execute(
            delete(table)
            .where(table.label == old)
            .where(
                select(twin.id)
                .where(twin.annotation_id == table.annotation_id)
                .where(twin.start == table.start)
                .where(twin.end == table.end)
                .where(twin.label == new)
                .exists()
            )
        )
    s.execute(update(table).where(table.label == old).values(label=new))


def label_rows(labels: list[Label]) -> list[m.LabelRow]:
    return [
        m.LabelRow(
            name=label.name,
            colour=label.colour,
            key=label.key,
            definition=label.definition,
            example_de=label.example_de,
            example_en=label.example_en,
            position=i,
        )
        for i, label in enumerate(labels)
    ]
