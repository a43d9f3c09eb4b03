"""Undo commands: every edit of a version is one command that writes through the repository.

``UndoableEdit`` is the one base under the annotator's and the reviewer's edits: a command is
applied (and committed) before it is pushed onto the ``QUndoStack``, so a failed write never
leaves a command on the stack; ``redo`` after an ``undo`` applies it again; undoing or
redoing an edit made on another document first brings that document back into view. Each
write returns what changed, and the editor passes exactly that on to the views.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from PySide6.QtGui import QUndoCommand

from core.documents import Status
from core.edits import SpanDelta
from core.spans import Span
from storage.repository import ProjectRepository

C = TypeVar("C")
C_contra = TypeVar("C_contra", contravariant=True)


class Editor(Protocol[C_contra]):
    """What a command needs from its editor: bring a document back, take in a change."""

    def reveal(self, document_id: int) -> None: ...

    def after_edit(self, document_id: int, change: C_contra) -> None: ...


class UndoableEdit(QUndoCommand, Generic[C]):
    """Subclasses write their edit forward (``_forward``) and back (``_backward``), each
    returning the change written."""

    def __init__(self, editor: Editor[C], document_id: int, text: str) -> None:
        super().__init__(text)
        self.editor = editor
        self.document_id = document_id
        self._skip_redo = False
        self.change: C | None = None

    def _forward(self) -> C:
        raise NotImplementedError

    def _backward(self) -> C:
        raise NotImplementedError

    def apply(self) -> C:
        """Write the edit now; the push that follows does not write it again."""
        self.change = self._forward()
        self._skip_redo = True
        return self.change

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.editor.reveal(self.document_id)
        self.change = self._forward()
        self.editor.after_edit(self.document_id, self.change)

    def undo(self) -> None:
        self.editor.reveal(self.document_id)
        self.editor.after_edit(self.document_id, self._backward())


@dataclass(frozen=True)
class Change:
    """What an applied annotator's command changed, so views update without reading back."""

    delta: SpanDelta = field(default_factory=SpanDelta)
    status: Status | None = None
    previous_status: Status | None = None


class AnnotatorEditor(Editor[Change], Protocol):
    repo: ProjectRepository
    annotator: str


class SpanEdit(UndoableEdit[Change]):
    """Remove some spans, add others, reject or un-reject suggestions — as one step.

    After the first write the command remembers what really changed; undo writes the
    inverse of that, redo writes it again."""

    def __init__(
        self,
        editor: AnnotatorEditor,
        document_id: int,
        text: str,
        *,
        remove: Sequence[Span] = (),
        add: Sequence[Span] = (),
        reject: Sequence[Span] = (),
    ) -> None:
        super().__init__(editor, document_id, text)
        self.repo = editor.repo
        self.annotator = editor.annotator
        self.delta = SpanDelta(removed=tuple(remove), added=tuple(add), rejected=tuple(reject))

    def _write(self, delta: SpanDelta) -> SpanDelta:
        return self.repo.edit_spans(
            self.document_id, self.annotator,
            remove=delta.removed, add=delta.added,
            reject=delta.rejected, unreject=delta.unrejected,
        )  # fmt: skip

    def _forward(self) -> Change:
        self.delta = self._write(self.delta)
        return Change(delta=self.delta)

    def _backward(self) -> Change:
        return Change(delta=self._write(self.delta.inverse()))


class StatusEdit(UndoableEdit[Change]):
    """Set the document's status for this annotator (accept, reject, skip)."""

    def __init__(
        self, editor: AnnotatorEditor, document_id: int, before: Status, after: Status
    ) -> None:
        super().__init__(editor, document_id, f"{after.value.capitalize()} document")
        self.repo = editor.repo
        self.annotator = editor.annotator
        self.before = before
        self.after = after

    def _forward(self) -> Change:
        self.repo.set_status(self.document_id, self.annotator, self.after)
        return Change(status=self.after, previous_status=self.before)

    def _backward(self) -> Change:
        self.repo.set_status(self.document_id, self.annotator, self.before)
        return Change(status=self.before, previous_status=self.after)
