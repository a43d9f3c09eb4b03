"""Undo commands: every edit of an annotation is one command that calls the repository.

A command is applied (and committed) before it is pushed onto the ``QUndoStack``, so a
failed write never leaves a command on the stack; ``redo`` after an ``undo`` applies it
again. Undoing an edit made on another document first brings that document back into view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository


@dataclass(frozen=True)
class Change:
    """What an applied command changed, so views can update without reading it all back."""

    remove: tuple[Span, ...] = ()
    add: tuple[Span, ...] = ()
    reject: tuple[Span, ...] = ()
    unreject: tuple[Span, ...] = ()
    status: Status | None = None


class EditorView(Protocol):
    """What a command needs from the editor: show a document and take in a change."""

    repo: ProjectRepository
    annotator: str

    def show_document(self, document_id: int) -> None: ...

    def after_edit(self, document_id: int, change: Change) -> None: ...


class SpanEdit(QUndoCommand):
    """Remove some spans, add others, reject or un-reject suggestions — as one step."""

    def __init__(
        self,
        editor: EditorView,
        document_id: int,
        text: str,
        *,
        remove: Sequence[Span] = (),
        add: Sequence[Span] = (),
        reject: Sequence[Span] = (),
    ) -> None:
        super().__init__(text)
        self.editor = editor
        self.document_id = document_id
        self.remove = tuple(remove)
        self.add = tuple(add)
        self.reject = tuple(reject)
        self._skip_redo = False

    def _write(self) -> None:
        self.editor.repo.edit_spans(
            self.document_id, self.editor.annotator,
            remove=self.remove, add=self.add, reject=self.reject,
        )  # fmt: skip

    @property
    def change(self) -> Change:
        return Change(remove=self.remove, add=self.add, reject=self.reject)

    def apply(self) -> None:
        """Write the edit now; the push that follows does not write it again."""
        self._write()
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.editor.show_document(self.document_id)
        self._write()
        self.editor.after_edit(self.document_id, self.change)

    def undo(self) -> None:
        self.editor.show_document(self.document_id)
        self.editor.repo.edit_spans(
            self.document_id, self.editor.annotator,
            remove=self.add, add=self.remove, unreject=self.reject,
        )  # fmt: skip
        self.editor.after_edit(
            self.document_id, Change(remove=self.add, add=self.remove, unreject=self.reject)
        )


class StatusEdit(QUndoCommand):
    """Set the document's status for this annotator (accept, reject, skip)."""

    def __init__(self, editor: EditorView, document_id: int, before: Status, after: Status) -> None:
        super().__init__(f"{after.value.capitalize()} document")
        self.editor = editor
        self.document_id = document_id
        self.before = before
        self.after = after
        self._skip_redo = False

    @property
    def change(self) -> Change:
        return Change(status=self.after)

    def apply(self) -> None:
        """Write the status now; the push that follows does not write it again."""
        self.editor.repo.set_status(self.document_id, self.editor.annotator, self.after)
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.editor.repo.set_status(self.document_id, self.editor.annotator, self.after)
        self.editor.after_edit(self.document_id, self.change)

    def undo(self) -> None:
        self.editor.show_document(self.document_id)
        self.editor.repo.set_status(self.document_id, self.editor.annotator, self.before)
        self.editor.after_edit(self.document_id, Change(status=self.before))
