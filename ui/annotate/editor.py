"""The annotation editor: the open document, its spans and suggestions, and every edit.

The window's widgets show what the editor holds and call its operations; each operation
becomes an undo command that writes through the repository before the editor changes what
it shows. Other annotators' versions can be shown read-only.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from core.documents import Document, Status
from core.edits import apply_to_sorted, span_key
from core.marks import ordered_marks, suggestion_changes, visible_suggestions
from core.spans import Span, find_span
from core.tokens import MisalignedSpanError, snap_to_tokens
from storage.repository import ProjectRepository, StorageError
from ui.widgets.commands import Change, SpanEdit, StatusEdit, UndoableEdit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MarkChanges:
    """What one edit changed in what the open document shows: confirmed spans that went out
    or came in, suggestions it hid or showed again (each in text order)."""

    spans_removed: tuple[Span, ...] = ()
    spans_added: tuple[Span, ...] = ()
    suggestions_hidden: tuple[Span, ...] = ()
    suggestions_shown: tuple[Span, ...] = ()


class AnnotationEditor(QObject):
    """Holds the open document for one annotator and turns key presses into edits."""

    document_opened = Signal(int)
    spans_changed = Signal()  # everything shown changed (another version, new suggestions)
    marks_edited = Signal(object)  # MarkChanges: an edit of the open document
    counts_changed = Signal(int, int)  # a document's number of spans changed by so many
    status_changed = Signal(int, object, object)  # document, status before, status after
    message = Signal(str)

    def __init__(self, repo: ProjectRepository, annotator: str) -> None:
        super().__init__()
        self.repo = repo
        self.annotator = annotator
        self.viewing = annotator  # whose version is shown; only one's own is editable
        self.undo_stack = QUndoStack(self)
        self.document: Document | None = None
        self.status = Status.OPEN
        self.spans: list[Span] = []
        self.rejected: list[Span] = []
        self.all_suggestions: list[Span] = []
        self.suggestions: list[Span] = []

    @property
    def read_only(self) -> bool:
        return self.viewing != self.annotator

    @property
    def document_id(self) -> int | None:
        return self.document.id if self.document else None

    # -- loading -------------------------------------------------------------------------

    def show_document(self, document_id: int) -> None:
        """Open a document (a no-op when it is already open)."""
        if self.document is not None and self.document.id == document_id:
            return
        self.document = self.repo.document(document_id)
        self.all_suggestions = []
        self._reload()
        self.document_opened.emit(document_id)

    def reveal(self, document_id: int) -> None:
        """Bring a document back into view for an undo or redo."""
        self.show_document(document_id)

    def set_viewing(self, annotator: str) -> None:
        self.viewing = annotator
        if self.document is not None:
            self._reload()
            self.spans_changed.emit()

    def set_suggestions(self, document_id: int, suggestions: Sequence[Span]) -> None:
        """Suggestions computed in the background arrive here (ignored if another doc is open)."""
        if document_id != self.document_id:
            return
        self.all_suggestions = sorted(suggestions, key=span_key)
        self._refresh_suggestions()
        self.spans_changed.emit()

    def after_edit(self, document_id: int, change: Change) -> None:
        """Take in a committed change: the lists are updated in place, not read back, and
        the views are told exactly what changed."""
        delta = change.delta
        if document_id == self.document_id and delta:
            apply_to_sorted(self.spans, delta.removed, delta.added)
            apply_to_sorted(self.rejected, delta.unrejected, delta.rejected)
            hidden: list[Span] = []
            shown: list[Span] = []
            if not self.read_only and self.all_suggestions:
                hidden, shown = suggestion_changes(
                    self.all_suggestions,
                    map(span_key, self.suggestions),
                    self.spans,
                    map(span_key, self.rejected),
                    [*delta.removed, *delta.added, *delta.rejected, *delta.unrejected],
                )
                apply_to_sorted(self.suggestions, hidden, shown)
            self.marks_edited.emit(
                MarkChanges(delta.removed, delta.added, tuple(hidden), tuple(shown))
            )
        if change.status is not None:
            if document_id == self.document_id:
                self.status = change.status
            self.status_changed.emit(document_id, change.previous_status, change.status)
        elif delta.span_count_change:
            self.counts_changed.emit(document_id, delta.span_count_change)

    def _reload(self) -> None:
        assert self.document is not None
        annotation = self.repo.annotation(self.document.id, self.viewing)
        self.status = annotation.status
        self.spans = sorted(annotation.spans, key=span_key)
        self.rejected = sorted(annotation.rejected, key=span_key)
        self._refresh_suggestions()

    def _refresh_suggestions(self) -> None:
        if self.read_only:
            self.suggestions = []
        else:
            self.suggestions = visible_suggestions(self.all_suggestions, self.spans, self.rejected)

    # -- queries -------------------------------------------------------------------------

    def span_at(self, start: int, end: int | None = None) -> Span | None:
        """The confirmed span under a caret (or touching a selection)."""
        return find_span(self.spans, start, start if end is None else end)

    def suggestion_at(self, start: int, end: int | None = None) -> Span | None:
        return find_span(self.suggestions, start, start if end is None else end)

    def ordered_marks(self) -> list[Span]:
        """Spans and suggestions in text order, for Tab and Shift+Tab."""
        return ordered_marks(self.spans, self.suggestions)

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for span in self.spans:
            counts[span.label] = counts.get(span.label, 0) + 1
        return counts

    # -- edits ---------------------------------------------------------------------------

    def _push(self, command: UndoableEdit[Change]) -> bool:
        if self.read_only:
            self.message.emit(f"You are viewing {self.viewing}'s version: it is read-only.")
            return False
        try:
            change = command.apply()
        except (MisalignedSpanError, StorageError) as exc:
            self.message.emit(str(exc))
            return False
        self.undo_stack.push(command)
        self.after_edit(command.document_id, change)
        return True

    def label_selection(
        self, start: int, end: int, label: str, *, replace: bool = False
    ) -> bool | list[Span]:
        """Label the selection, snapped to tokens; or relabel the span under the caret.

        Returns True when done, False when nothing could be done, and the list of clashing
        spans when the new span would overlap others and ``replace`` is False.
        """
        if self.document is None:
            return False
        if start == end:
            target = self.span_at(start) or self.suggestion_at(start)
            if target is None:
                self.message.emit("Select some text first, then press a label key.")
                return False
            if target in self.spans:
                return self._relabel(target, label)
            start, end = target.start, target.end
        snapped = snap_to_tokens(self.document.tokens, start, end)
        if snapped is None:
            self.message.emit("The selection holds no token.")
            return False
        span = Span(snapped[0], snapped[1], label)
        same = next((s for s in self.spans if (s.start, s.end) == snapped), None)
        if same is not None:  # the selection is a span (as after a resize): relabel it
            return self._relabel(same, label)
        clashes = [s for s in self.spans if s.overlaps(span)]
        if clashes and not replace:
            return clashes
        text = self.document.text[span.start : span.end]
        return self._push(
            SpanEdit(self, self.document.id, f"{label} “{text}”", remove=clashes, add=[span])
        )

    def _relabel(self, span: Span, label: str) -> bool:
        """A label key on a span changes its label; it never asks about replacing itself."""
        if self.document is None:
            return False
        if span.label == label:
            return True
        new = Span(span.start, span.end, label)
        return self._push(SpanEdit(self, self.document.id, f"Relabel as {label}",
                                   remove=[span], add=[new]))  # fmt: skip

    def accept_suggestion(self, suggestion: Span) -> bool:
        if self.document is None:
            return False
        label = suggestion.label
        return self._push(SpanEdit(self, self.document.id, f"Accept {label}", add=[suggestion]))

    def accept_all_suggestions(self) -> bool:
        if self.document is None or not self.suggestions:
            self.message.emit("No suggestions to accept.")
            return False
        count = len(self.suggestions)
        return self._push(SpanEdit(self, self.document.id, f"Accept {count} suggestions",
                                   add=list(self.suggestions)))  # fmt: skip

    def remove_at(self, start: int, end: int) -> bool:
        """Remove the span, or reject the suggestion, under the caret or selection."""
        if self.document is None:
            return False
        span = self.span_at(start, end)
        if span is not None:
            return self._push(SpanEdit(self, self.document.id, f"Remove {span.label}",
                                       remove=[span], reject=self._origins(span)))  # fmt: skip
        suggestion = self.suggestion_at(start, end)
        if suggestion is not None:
            text = f"Reject {suggestion.label}"
            return self._push(SpanEdit(self, self.document.id, text, reject=[suggestion]))
        self.message.emit("No span or suggestion under the cursor.")
        return False

    def _origins(self, span: Span) -> list[Span]:
        """The suggestions a confirmed span came from, which its removal would show again:
        those at its extent (accepted, perhaps with another label) and those of its source
        it overlaps (accepted, then resized). Removing the span rejects them with it."""
        rejected = set(map(span_key, self.rejected))
        return [
            s
            for s in self.all_suggestions
            if s.overlaps(span)
            and span_key(s) not in rejected
            and ((s.start, s.end) == (span.start, span.end) or s.source == span.source)
        ]

    def resize(self, span: Span, grow_right: int = 0, grow_left: int = 0) -> Span | None:
        """Move a span's edges by whole tokens; returns the new span. Resizing a suggestion
        accepts it with the new edges (one undo step)."""
        if self.document is None:
            return None
        suggested = span not in self.spans
        if suggested and span not in self.suggestions:
            return None
        tokens = self.document.tokens
        first = bisect_left(tokens, span.start, key=lambda t: t.start)
        last = bisect_left(tokens, span.end, key=lambda t: t.start) - 1
        first, last = first - grow_left, last + grow_right
        if first < 0 or last >= len(tokens) or last < first:
            return None
        new = Span(tokens[first].start, tokens[last].end, span.label, span.source)
        if any(s.overlaps(new) for s in self.spans if s != span):
            self.message.emit("The span would overlap its neighbour.")
            return None
        text = f"Accept {span.label} resized" if suggested else f"Resize {span.label}"
        done = self._push(SpanEdit(self, self.document.id, text,
                                   remove=[] if suggested else [span], add=[new]))  # fmt: skip
        return new if done else None

    def set_status(self, status: Status) -> bool:
        if self.document is None:
            return False
        return self._push(StatusEdit(self, self.document.id, self.status, status))
