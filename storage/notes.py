"""The comment and flag of each version (migration 0007's ``annotation.comment`` and
``annotation.flag``): read, written in one short transaction, listed for the review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from core.notes import VersionNote
from storage import models as m
from storage.repository_base import RepositoryBase

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def note_of(comment: str | None, flag: str | None) -> VersionNote:
    """A stored note; a flag this Kathode does not know (a newer one's) is shown as none."""
    try:
        return VersionNote(comment or "", flag)
    except ValueError:
        return VersionNote(comment or "")


class NoteStore(RepositoryBase):
    """Notes on people's versions, by document and annotator name."""

    if TYPE_CHECKING:

        def _annotation_id(self, s: Session, document_id: int, annotator: str) -> int: ...

    def note(self, document_id: int, annotator: str) -> VersionNote:
        """The note on this annotator's version (empty when there is none)."""
        with self.reading() as s:
            row = s.execute(
                select(m.AnnotationRow.comment, m.AnnotationRow.flag)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                .where(m.AnnotationRow.document_id == document_id)
                .where(m.AnnotatorRow.name == annotator)
            ).first()
        return note_of(*row) if row is not None else VersionNote()

    def set_note(self, document_id: int, annotator: str, note: VersionNote) -> VersionNote:
        """Store the note on this annotator's version (creating an open version if there is
        none yet); returns the note it replaces, for an undo."""
        with self.writing() as s:
            annotation_id = self._annotation_id(s, document_id, annotator)
            before = s.execute(
                select(m.AnnotationRow.comment, m.AnnotationRow.flag).where(
                    m.AnnotationRow.id == annotation_id
                )
            ).one()
            s.execute(
                update(m.AnnotationRow)
                .where(m.AnnotationRow.id == annotation_id)
                .values(comment=note.comment or None, flag=note.flag, updated_at=m.utcnow())
            )
        return note_of(*before)

    def notes(self, document_id: int) -> dict[str, VersionNote]:
        """Every version's note on a document that has one, by annotator name."""
        with self.reading() as s:
            rows = s.execute(
                select(m.AnnotatorRow.name, m.AnnotationRow.comment, m.AnnotationRow.flag)
                .join(m.AnnotatorRow, m.AnnotatorRow.id == m.AnnotationRow.annotator_id)
                .where(m.AnnotationRow.document_id == document_id)
                .where((m.AnnotationRow.comment.is_not(None)) | (m.AnnotationRow.flag.is_not(None)))
                .order_by(m.AnnotatorRow.name)
            ).all()
        found = {name: note_of(comment, flag) for name, comment, flag in rows}
        return {name: note for name, note in found.items() if not note.empty}
