"""The reviewer's gold draft of one document, and every review decision as an undo command.

Each decision (take a span, drop one, take a whole version, label freely, pre-merge) is a
``GoldEdit`` — on the same ``UndoableEdit`` base as the annotation window's commands — that
writes through ``repo.edit_gold`` before it is pushed; the decision that creates a
document's gold version writes it with ``repo.save_gold`` (spans, sources and drops in one
transaction) and its undo discards it, so the document is unreviewed again. The gold
version in the database is the draft, and candidates the reviewer dropped are stored with
it: nothing is held only in memory.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from core.documents import Annotation, Document
from core.marks import ordered_marks
from core.notes import VersionNote
from core.review import ReviewSpan, compare_versions, premerge
from core.spans import Span, find_span
from core.tokens import MisalignedSpanError, snap_to_tokens
from storage.repository import ProjectRepository, StorageError
from ui.widgets.commands import UndoableEdit

ALL_AGREE = 1.0
MAJORITY = 0.5

Key = tuple[int, int, str]


def key(span: Span) -> Key:
    """Spans are the same decision whatever their source: offsets and label."""
    return (span.start, span.end, span.label)


class Decision(Enum):
    """Where a candidate span stands in the gold draft."""

    OPEN = "open"
    TAKEN = "in gold"
    DROPPED = "dropped"
    REPLACED = "replaced"  # an overlapping span is in gold instead


@dataclass(frozen=True)
class GoldChange:
    """What an applied decision changed, so the views update without reading it all back."""

    remove: tuple[Span, ...] = ()
    add: tuple[Span, ...] = ()
    sources: tuple[str, ...] = ()
    drop: tuple[Key, ...] = ()
    undrop: tuple[Key, ...] = ()
    exists: bool = True  # whether the document has a gold version afterwards


class GoldEdit(UndoableEdit[GoldChange]):
    """One review decision: spans out of and into the gold version, its sources, drops."""

    def __init__(
        self,
        editor: ReviewEditor,
        document_id: int,
        text: str,
        *,
        remove: Iterable[Span] = (),
        add: Iterable[Span] = (),
        sources: Iterable[str] | None = None,
        drop: Iterable[Key] = (),
        undrop: Iterable[Key] = (),
    ) -> None:
        super().__init__(editor, document_id, text)
        self.repo = editor.repo
        self.reviewer = editor.reviewer
        self.before = tuple(editor.sources)
        self.forward = GoldChange(
            remove=tuple(remove),
            add=tuple(add),
            sources=self.before if sources is None else tuple(sorted(set(sources))),
            drop=tuple(drop),
            undrop=tuple(undrop),
        )
        self.backward = GoldChange(
            remove=self.forward.add,
            add=self.forward.remove,
            sources=self.before,
            drop=self.forward.undrop,
            undrop=self.forward.drop,
            exists=editor.has_gold,
        )
        self.creates = not editor.has_gold  # the document's first gold version

    def _write(self, change: GoldChange) -> GoldChange:
        drop = [Span(*k) for k in change.drop]
        undrop = [Span(*k) for k in change.undrop]
        if not change.exists:
            self.repo.discard_gold(self.document_id)
        elif self.creates and change is self.forward:
            # Created and edited in one transaction: spans, sources and drops together.
            self.repo.save_gold(
                self.document_id, self.reviewer, list(change.add), list(change.sources),
                drop=drop,
            )  # fmt: skip
        else:
            self.repo.edit_gold(
                self.document_id, self.reviewer,
                remove=change.remove, add=change.add, sources=list(change.sources),
                drop=drop, undrop=undrop,
            )  # fmt: skip
        return change

    def _forward(self) -> GoldChange:
        return self._write(self.forward)

    def _backward(self) -> GoldChange:
        return self._write(self.backward)


@dataclass(frozen=True)
class ReviewDocument:
    """Everything the review window shows of one document, read in one go."""

    document: Document
    versions: dict[str, list[Span]]
    gold: Annotation | None
    sources: list[str]
    notes: dict[str, VersionNote] = field(default_factory=dict)  # the versions' notes


def read_review_document(repo: ProjectRepository, document_id: int) -> ReviewDocument:
    """The reads behind opening a document for review; safe on a worker thread with a
    repository of its own."""
    document = repo.document(document_id)
    versions = {name: list(a.spans) for name, a in repo.versions(document_id).items()}
    gold = repo.gold(document_id)
    sources = list(repo.gold_info(document_id)[1]) if gold is not None else []
    notes = {name: note for name, note in repo.notes(document_id).items() if name in versions}
    return ReviewDocument(document, versions, gold, sources, notes)


class ReviewEditor(QObject):
    """Holds the open document's versions, candidates and gold draft for one reviewer."""

    document_opened = Signal(int)
    gold_changed = Signal(int)  # the document whose gold version was written
    message = Signal(str)

    def __init__(self, repo: ProjectRepository, reviewer: str) -> None:
        super().__init__()
        self.repo = repo
        self.reviewer = reviewer
        self.threshold = ALL_AGREE
        self.undo_stack = QUndoStack(self)
        self.document: Document | None = None
        self.versions: dict[str, list[Span]] = {}
        self.candidates: list[ReviewSpan] = []
        self.gold: list[Span] = []
        self.sources: list[str] = []
        self.has_gold = False
        self.notes: dict[str, VersionNote] = {}  # the annotators' comments and flags
        self._dropped: dict[int, set[Key]] = {}  # per document, as stored with its gold

    @property
    def document_id(self) -> int | None:
        return self.document.id if self.document else None

    @property
    def annotators(self) -> list[str]:
        return sorted(self.versions)

    # -- loading -------------------------------------------------------------------------

    def reveal(self, document_id: int) -> None:
        """Bring a document back for an undo or redo (no pre-merge: that would push)."""
        self.show_document(document_id, premerge=False)

    def show_document(self, document_id: int, *, premerge: bool = True) -> None:
        """Open a document (a no-op when it is open), read on this thread; pre-merge it if
        it has no gold yet (not when an undo or redo brings it back: that must not push a
        command). The window reads in the background and calls :meth:`install`."""
        if self.document is not None and self.document.id == document_id:
            return
        self.install(read_review_document(self.repo, document_id), premerge=premerge)

    def install(self, loaded: ReviewDocument, *, premerge: bool = True) -> None:
        """Show what :func:`read_review_document` read."""
        document_id = loaded.document.id
        self.document = loaded.document
        self.versions = loaded.versions
        self.candidates = sorted(
            compare_versions(self.versions), key=lambda c: (key(c.span), sorted(c.annotators))
        )
        gold = loaded.gold
        self.has_gold = gold is not None
        self.gold = sorted(gold.spans, key=key) if gold is not None else []
        self.sources = list(loaded.sources)
        self.notes = dict(loaded.notes)
        self._dropped[document_id] = {key(s) for s in gold.rejected} if gold is not None else set()
        self.document_opened.emit(document_id)
        if premerge and gold is None and self.versions:
            self.premerge(automatic=True)

    def after_edit(self, document_id: int, change: GoldChange) -> None:
        """Take in a written decision: the lists are updated in place, not read back."""
        dropped = self._dropped.setdefault(document_id, set())
        dropped.difference_update(change.undrop)
        dropped.update(change.drop)
        if document_id == self.document_id:
            self.has_gold = change.exists
            gone = {key(s) for s in (*change.remove, *change.add)}  # no span twice
            kept = [s for s in self.gold if key(s) not in gone]
            self.gold = sorted([*kept, *change.add], key=key)
            self.sources = list(change.sources)
        self.gold_changed.emit(document_id)

    # -- queries -------------------------------------------------------------------------

    def decisions(self) -> list[tuple[ReviewSpan, Decision]]:
        """Every candidate with its decision, in text order (one pass over the gold)."""
        taken = {key(s) for s in self.gold}
        dropped = self._dropped.get(self.document.id, set()) if self.document else set()
        starts = [s.start for s in self.gold]
        reach = list(itertools.accumulate((s.end for s in self.gold), max))
        result = []
        for candidate in self.candidates:
            span = candidate.span
            k = key(span)
            if k in taken:
                decision = Decision.TAKEN
            elif k in dropped:
                decision = Decision.DROPPED
            else:
                i = bisect_left(starts, span.end)  # gold spans starting before it ends
                overlaps = i > 0 and reach[i - 1] > span.start
                decision = Decision.REPLACED if overlaps else Decision.OPEN
            result.append((candidate, decision))
        return result

    def open_candidates(self) -> list[ReviewSpan]:
        return [c for c, d in self.decisions() if d is Decision.OPEN]

    def candidate_at(self, start: int, end: int | None = None) -> ReviewSpan | None:
        """The open candidate under a caret (or touching a selection)."""
        spans = self.open_candidates()
        found = find_span([c.span for c in spans], start, start if end is None else end)
        return next((c for c in spans if c.span is found), None)

    def gold_at(self, start: int, end: int | None = None) -> Span | None:
        return find_span(self.gold, start, start if end is None else end)

    def ordered_marks(self) -> list[Span]:
        """Gold spans and open candidates in text order, for Tab and Shift+Tab."""
        return ordered_marks(self.gold, [c.span for c in self.open_candidates()])

    def who_marked(self, span: Span) -> list[str]:
        """The annotators whose version holds exactly this span."""
        return sorted(n for n, spans in self.versions.items() if key(span) in map(key, spans))

    # -- decisions -----------------------------------------------------------------------

    def _push(self, command: GoldEdit) -> bool:
        if self.document is None:
            return False
        try:
            for span in command.forward.add:
                self.repo.check_aligned(command.document_id, span)
            change = command.apply()
        except (MisalignedSpanError, StorageError, ValueError) as exc:
            self.message.emit(str(exc))
            return False
        self.undo_stack.push(command)
        self.after_edit(command.document_id, change)
        return True

    def take(self, candidate: ReviewSpan, label: str | None = None) -> bool:
        """Put a candidate into gold (with another label if given), replacing overlaps."""
        if self.document is None:
            return False
        span = candidate.span
        if label is not None and label != span.label:
            span = Span(span.start, span.end, label, span.source)
        if key(span) in {key(s) for s in self.gold}:
            return True
        clashes = [s for s in self.gold if s.overlaps(span)]
        who = ", ".join(sorted(candidate.annotators))
        return self._push(GoldEdit(
            self, self.document.id, f"Take {span.label} “{self._text(span)}” ({who})",
            remove=clashes, add=[span], sources=[*self.sources, *candidate.annotators],
            undrop=[key(candidate.span)],
        ))  # fmt: skip

    def drop(self, candidate: ReviewSpan) -> bool:
        """Leave a candidate out of gold (taking it out if it was in)."""
        if self.document is None:
            return False
        k = key(candidate.span)
        remove = [s for s in self.gold if key(s) == k]
        return self._push(GoldEdit(
            self, self.document.id, f"Drop {candidate.span.label} “{self._text(candidate.span)}”",
            remove=remove, drop=[k],
        ))  # fmt: skip

    def remove_gold(self, span: Span) -> bool:
        """Take a span out of gold; a candidate with the same value counts as dropped."""
        if self.document is None or span not in self.gold:
            return False
        drop = [key(span)] if any(key(c.span) == key(span) for c in self.candidates) else []
        return self._push(GoldEdit(
            self, self.document.id, f"Drop {span.label} “{self._text(span)}”",
            remove=[span], drop=drop,
        ))  # fmt: skip

    def take_at(self, start: int, end: int) -> bool:
        candidate = self.candidate_at(start, end)
        if candidate is None:
            self.message.emit("No open candidate span under the cursor.")
            return False
        return self.take(candidate)

    def drop_at(self, start: int, end: int) -> bool:
        """Drop the gold span under the cursor, or else the open candidate there."""
        span = self.gold_at(start, end)
        if span is not None:
            return self.remove_gold(span)
        candidate = self.candidate_at(start, end)
        if candidate is not None:
            return self.drop(candidate)
        self.message.emit("No span under the cursor.")
        return False

    def take_version(self, annotator: str) -> bool:
        """Make one annotator's whole version the gold version."""
        if self.document is None or annotator not in self.versions:
            return False
        spans = self.versions[annotator]
        return self._push(GoldEdit(
            self, self.document.id, f"Take {annotator}'s version ({len(spans)} spans)",
            remove=self.gold, add=spans, sources=[annotator],
        ))  # fmt: skip

    def premerge(self, *, automatic: bool = False) -> bool:
        """Add the spans enough annotators agree on (``threshold``) that gold lacks."""
        if self.document is None:
            return False
        new: list[Span] = []
        for span in sorted(premerge(self.versions, threshold=self.threshold), key=key):
            # A tie at "majority" can agree on two overlapping spans: the first one wins.
            if not _overlapping(self.gold, span) and not _overlapping(new, span):
                new.append(span)
        if not new and not automatic:
            self.message.emit("Nothing to pre-merge: no agreed span is missing from gold.")
            return False
        if not new and not self.has_gold:
            return False  # no gold yet and nothing agreed: leave the document unreviewed
        who = {n for s in new for n in self.who_marked(s)}
        how = "all agree" if self.threshold >= ALL_AGREE else "majority"
        return self._push(GoldEdit(
            self, self.document.id, f"Pre-merge {len(new)} spans ({how})",
            add=new, sources=[*self.sources, *who],
        ))  # fmt: skip

    def label_selection(self, start: int, end: int, label: str) -> bool:
        """A label key: relabel the gold span or take the candidate under the caret with
        that label, or add the selection (snapped to tokens), replacing what it overlaps."""
        if self.document is None:
            return False
        if start == end:
            span = self.gold_at(start)
            if span is not None:
                if span.label == label:
                    return True
                new = Span(span.start, span.end, label)
                return self._push(GoldEdit(
                    self, self.document.id, f"Relabel as {label}", remove=[span], add=[new],
                ))  # fmt: skip
            candidate = self.candidate_at(start)
            if candidate is not None:
                return self.take(candidate, label)
            self.message.emit("Select some text first, then press a label key.")
            return False
        snapped = snap_to_tokens(self.document.tokens, start, end)
        if snapped is None:
            self.message.emit("The selection holds no token.")
            return False
        span = Span(snapped[0], snapped[1], label)
        clashes = [s for s in self.gold if s.overlaps(span)]
        return self._push(GoldEdit(
            self, self.document.id, f"{label} “{self._text(span)}”", remove=clashes, add=[span],
        ))  # fmt: skip

    def _text(self, span: Span) -> str:
        return span.text_in(self.document.text) if self.document else ""


def _overlapping(spans: Sequence[Span], span: Span) -> bool:
    return any(s.overlaps(span) for s in spans)
