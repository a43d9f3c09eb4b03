"""The review window: composes the queue, the gold view, the versions and the candidate
panel, creates the actions and wires the signals.

Decisions and their undo commands live in ``ui.review.review_editor``; every one is written to the
gold version at once, so there is nothing to save.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.labels import Label
from core.marks import next_mark
from core.review import ReviewSpan
from core.spans import Span
from storage.repository import ProjectRepository
from ui.review.agreement_view import AgreementView
from ui.review.live_updates import connect_review_window
from ui.review.review_editor import Decision, ReviewDocument, ReviewEditor, read_review_document
from ui.review.review_panel import ReviewPanel
from ui.review.review_queue import ReviewQueuePanel
from ui.review.review_view import GoldView, VersionStack
from ui.widgets.actions import ACTIONS, ActionId, make_actions, tooltip
from ui.widgets.background import BackgroundReads
from ui.widgets.window_size import fit_to_screen


class ReviewWindow(QMainWindow):
    """One reviewer settling gold versions of a project's documents."""

    def __init__(
        self, repo: ProjectRepository, reviewer: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.repo = repo
        self.labels: list[Label] = repo.labels()
        self.editor = ReviewEditor(repo, reviewer)
        # Documents are read on a worker with a repository of its own (the engine is shared).
        self.reads = BackgroundReads(repo, self)
        self._loading: int | None = None  # the document being read, while it is
        self.queue = ReviewQueuePanel(repo, self)
        self.gold_view = GoldView(self)
        self.versions = VersionStack(self)
        self.panel = ReviewPanel(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("reviewHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        # A long title wraps instead of widening the window past the screen.
        self.heading.setWordWrap(True)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.stacked = QCheckBox("Stacked versions", self)
        self.stacked.setObjectName("stackedToggle")
        self.actions_by_id: dict[ActionId, QAction] = {}
        self.label_actions: dict[str, QAction] = {}
        self.agreement_view: AgreementView | None = None
        self._current_mark: Span | None = None  # where Tab or a decision last put the selection
        self._compose()
        self._create_actions()
        self._create_menus()
        self._connect_signals()
        self.setWindowTitle(f"Kathode review — {repo.name} — {reviewer}")
        fit_to_screen(self, 1600, 900)
        self.share_width()
        first = self.queue.current_document()  # chosen before the signals were wired
        if first is not None:
            self.on_document_chosen(first)
        else:
            self.statusBar().showMessage("Nothing to review: no document has a version yet.")
        self.live_updates = connect_review_window(self)  # role and others' changes

    def share_width(self) -> None:
        """Give the queue and the candidate list the width their columns need, within
        shares of the width the window really got; the article keeps the rest."""
        width = self.width()
        queue = min(max(self.queue.needed_width, int(width * 0.18)), int(width * 0.3))
        panel = min(max(self.panel.needed_width, int(width * 0.25)), int(width * 0.38))
        self.splitter.setSizes([queue, width - queue - panel, panel])

    @property
    def reviewer(self) -> str:
        return self.editor.reviewer

    @property
    def document_id(self) -> int | None:
        return self.editor.document_id

    @property
    def loading(self) -> bool:
        """A document is being read; the window shows so and stays responsive."""
        return self._loading is not None

    # -- composition ---------------------------------------------------------------------

    def _compose(self) -> None:
        self.versions.hide()
        self.versions.follow(self.gold_view.verticalScrollBar())
        self.versions.set_labels(self.labels)
        self.gold_view.set_labels(self.labels)
        self.panel.model.set_colours({label.name: label.colour for label in self.labels})
        middle = QSplitter(Qt.Orientation.Vertical, self)
        middle.addWidget(self.gold_view)
        middle.addWidget(self.versions)
        middle.setChildrenCollapsible(False)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        top.addWidget(self.heading, 1)
        top.addWidget(self.stacked)
        centre = QWidget(self)
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(middle, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.queue)
        splitter.addWidget(centre)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _create_actions(self) -> None:
        stack = self.editor.undo_stack
        slots: dict[ActionId, Callable[[], object]] = {
            ActionId.TAKE: self.on_take_at_cursor,
            ActionId.DROP: self.on_drop_at_cursor,
            ActionId.NEXT_SPAN: lambda: self.on_jump_span(1),
            ActionId.PREVIOUS_SPAN: lambda: self.on_jump_span(-1),
            ActionId.PREMERGE: self.editor.premerge,
            ActionId.STACKED: self.stacked.toggle,
            ActionId.NEXT_DOCUMENT: lambda: self.queue.step(1),
            ActionId.PREVIOUS_DOCUMENT: lambda: self.queue.step(-1),
            ActionId.REFRESH_QUEUE: self.on_refresh_queue,
            ActionId.UNDO: stack.undo,
            ActionId.REDO: stack.redo,
            ActionId.AGREEMENT: self.on_agreement,
            ActionId.CLOSE_REVIEW: self.close,
        }
        self.actions_by_id = make_actions(self, ACTIONS, slots)
        stack.canUndoChanged.connect(self.actions_by_id[ActionId.UNDO].setEnabled)
        stack.canRedoChanged.connect(self.actions_by_id[ActionId.REDO].setEnabled)
        self.actions_by_id[ActionId.UNDO].setEnabled(False)
        self.actions_by_id[ActionId.REDO].setEnabled(False)
        self.stacked.setToolTip(tooltip(ACTIONS[ActionId.STACKED]))
        for label in self.labels:
            action = QAction(label.name, self)
            if label.key:
                action.setShortcut(QKeySequence(label.key))
            action.setToolTip(f"{label.definition} ({label.key})")
            action.triggered.connect(lambda _=False, name=label.name: self.on_label(name))
            self.addAction(action)
            self.label_actions[label.name] = action

    def _create_menus(self) -> None:
        menus: dict[str, QMenu] = {}
        for action_id, action in self.actions_by_id.items():
            group = ACTIONS[action_id].group
            if group not in menus:
                menus[group] = self.menuBar().addMenu(f"&{group}")
            menus[group].addAction(action)
        labels = self.menuBar().addMenu("&Labels")
        for action in self.label_actions.values():
            labels.addAction(action)

    def _connect_signals(self) -> None:
        self.queue.document_chosen.connect(self.on_document_chosen)
        self.editor.document_opened.connect(self.on_document_opened)
        self.editor.gold_changed.connect(self.on_gold_changed)
        self.editor.message.connect(self.on_message)
        self.gold_view.cursorPositionChanged.connect(self.on_cursor_moved)
        self.gold_view.context_requested.connect(self.on_context_menu)
        self.panel.candidate_chosen.connect(self.on_candidate_chosen)
        self.panel.take_requested.connect(self.on_take)
        self.panel.drop_requested.connect(self.on_drop)
        self.panel.version_requested.connect(self.editor.take_version)
        self.panel.premerge_requested.connect(self.editor.premerge)
        self.panel.threshold_changed.connect(self.on_threshold_changed)
        self.stacked.toggled.connect(self.on_stacked)

    # -- documents -----------------------------------------------------------------------

    def on_document_chosen(self, document_id: int) -> None:
        """Read the chosen document in the background; the heading says it is loading."""
        if document_id == self.document_id and self._loading is None:
            return
        self._loading = document_id
        item = self.queue.model.item(self.queue.model.row_of(document_id) or 0)
        title = escape(item.title) if item is not None and item.document_id == document_id else ""
        self.heading.setText(f"<b>{title}</b> — loading…")
        self.statusBar().showMessage("Loading the document's versions…")
        self.reads.read(
            "document",
            partial(read_review_document, document_id=document_id),
            self.on_document_read,
            self.on_read_failed,
        )

    def on_document_read(self, loaded: ReviewDocument) -> None:
        if loaded.document.id != self._loading:
            return  # an undo or redo brought another document back meanwhile
        self._loading = None
        self.statusBar().clearMessage()
        self.editor.install(loaded)

    def on_read_failed(self, message: str) -> None:
        self._loading = None
        self._show_decisions()
        self.statusBar().showMessage(f"Could not read the document: {message}")

    def on_document_opened(self, document_id: int) -> None:
        self._loading = None
        editor = self.editor
        self.gold_view.show_review(editor.document, editor.gold, editor.open_candidates())
        self.versions.show_versions(editor.document, editor.versions)
        self.panel.set_versions(editor.annotators)
        self._show_decisions()
        self.queue.select_document(document_id)
        self.gold_view.setFocus()

    def on_gold_changed(self, document_id: int) -> None:
        if document_id != self.document_id:
            self.queue.model.set_reviewed(document_id, self.repo.gold(document_id) is not None)
            return
        self.queue.model.set_reviewed(document_id, self.editor.has_gold)
        self.gold_view.update_review(self.editor.gold, self.editor.open_candidates())
        self._show_decisions()
        if not self.gold_view.textCursor().hasSelection():
            self.on_cursor_moved()

    def _show_decisions(self) -> None:
        editor = self.editor
        document = editor.document
        rows = editor.decisions()
        self.panel.model.set_candidates(document.text if document else "", rows)
        open_count = sum(1 for _, d in rows if d is Decision.OPEN)
        sources = ", ".join(editor.sources) or "—"
        self.panel.summary.setText(
            f"{len(rows)} candidate spans, {open_count} open · gold: {len(editor.gold)} spans"
            f" from {sources}"
        )
        title = escape(document.title) if document else ""
        versions = ", ".join(editor.annotators) or "no versions"
        state = "gold version" if editor.has_gold else "no gold version yet"
        notes = "".join(
            f"<br>{escape(name)}: {escape(note.describe())}" for name, note in editor.notes.items()
        )
        self.heading.setText(f"<b>{title}</b> — {escape(versions)} — {state}{notes}")

    def on_refresh_queue(self) -> None:
        self.queue.refresh_filters()
        self.queue.on_filter_changed()

    def on_threshold_changed(self, threshold: float) -> None:
        self.editor.threshold = threshold

    def on_stacked(self, shown: bool) -> None:
        self.versions.setVisible(shown)

    def on_agreement(self) -> None:
        if self.agreement_view is None:
            self.agreement_view = AgreementView(self.repo, self)
        else:
            self.agreement_view.refresh()
        self.agreement_view.show()
        self.agreement_view.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.reads.shutdown()  # no read outlives the window
        if self.agreement_view is not None:
            self.agreement_view.close()
        super().closeEvent(event)

    def on_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    # -- spans ---------------------------------------------------------------------------

    def _candidate_at_cursor(self) -> ReviewSpan | None:
        """The open candidate Tab put the selection on, else the first under the caret:
        two annotators' candidates at one place are told apart by the one Tab reached."""
        start, end = self.gold_view.selection()
        current = self._current_mark
        if current is not None and (current.start, current.end) == (start, end):
            chosen = next((c for c in self.editor.open_candidates() if c.span == current), None)
            if chosen is not None:
                return chosen
        return self.editor.candidate_at(start, end)

    def on_take_at_cursor(self) -> None:
        candidate = self._candidate_at_cursor()
        if candidate is None:
            self.editor.take_at(*self.gold_view.selection())  # says why nothing happened
        else:
            self.editor.take(candidate)

    def on_drop_at_cursor(self) -> None:
        start, end = self.gold_view.selection()
        gold = self.editor.gold_at(start, end)
        candidate = None if gold is not None else self._candidate_at_cursor()
        place: Span | None = gold
        if candidate is not None:
            done, place = self.editor.drop(candidate), candidate.span
        else:
            done = self.editor.drop_at(start, end)
        if done and place is not None:
            # Keep the place: Tab goes on to another candidate there (another annotator's).
            self._select(place)

    def on_take(self, candidate: ReviewSpan) -> None:
        self.editor.take(candidate)

    def on_drop(self, candidate: ReviewSpan) -> None:
        self.editor.drop(candidate)

    def on_label(self, label: str) -> None:
        self.editor.label_selection(*self.gold_view.selection(), label)

    def on_cursor_moved(self) -> None:
        """The candidate under the caret is the one the panel's Take and Drop act on."""
        candidate = self._candidate_at_cursor()
        if candidate is not None:
            self.panel.select(candidate)

    def on_context_menu(self, menu: QMenu, offset: int) -> None:
        span = self.editor.gold_at(offset)
        candidate = self.editor.candidate_at(offset)
        if span is not None:
            self._select(span)
            menu.addAction(f"Drop {span.label} from gold", lambda: self.editor.remove_gold(span))
        elif candidate is not None:
            self._select(candidate.span)
            who = ", ".join(sorted(candidate.annotators))
            menu.addAction(f"Take {candidate.span.label} ({who})",
                           lambda: self.editor.take(candidate))  # fmt: skip
            menu.addAction("Drop", lambda: self.editor.drop(candidate))
        else:
            return
        relabel = menu.addMenu("Label as")
        for label in self.labels:
            relabel.addAction(label.name, partial(self.on_label, label.name))

    def on_candidate_chosen(self, candidate: ReviewSpan) -> None:
        self._select(candidate.span)
        self.statusBar().showMessage(
            f"{candidate.span.label} marked by {', '.join(sorted(candidate.annotators))}", 4000
        )

    def on_jump_span(self, step: int) -> None:
        marks = self.editor.ordered_marks()
        target = next_mark(marks, *self.gold_view.selection(), step, self._current_mark)
        if target is not None:
            self._select(target)

    def _select(self, span: Span) -> None:
        self._current_mark = span
        self.gold_view.select_range(span.start, span.end)
        self.on_cursor_moved()  # the same extent again moves no cursor, yet the mark changed
        self.gold_view.setFocus()
