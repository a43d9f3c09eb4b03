"""The main window: composes the panels, creates the actions, wires the signals.

Editing logic lives in ``ui.annotate.editor`` (undoable commands through the repository),
document listing in ``ui.annotate.queue_panel``, suggestions in ``ui.annotate.suggestions`` (a
worker thread). This class only decides which key or click leads to which operation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QChildEvent, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.documents import Status
from core.edits import SpanDelta, index_of
from core.labels import Label
from core.marks import next_mark
from core.notes import VersionNote
from core.spans import Span, find_span
from storage.backup import project_file
from storage.repository import ProjectRepository, StorageError
from ui.annotate.editor import AnnotationEditor, MarkChanges
from ui.annotate.label_bar import LabelBar
from ui.annotate.live_updates import connect_live_updates
from ui.annotate.queue_panel import QueuePanel
from ui.annotate.roles import apply_role
from ui.annotate.span_panel import SpanPanel
from ui.annotate.suggestions import SuggestionService, SuggestionsLoading
from ui.annotate.version_notes import VersionNotes
from ui.annotate.work_figures import WorkFigures
from ui.dialogs.annotator_dialog import settings
from ui.dialogs.help_dialog import HelpDialog
from ui.widgets.actions import ACTIONS, MENU_ORDER, ActionId, key_text, make_actions
from ui.widgets.article_view import ArticleView
from ui.widgets.find_bar import FindBar
from ui.widgets.recent_projects import RecentMenu
from ui.widgets.window_size import restore_geometry, restore_splitter, save_geometry

log = logging.getLogger(__name__)

FIRST_SUGGESTION_DELAY_MS = 400
MESSAGE_MS = 6000
GEOMETRY_KEY = "main_window"


class MainWindow(QMainWindow):
    """Kathode's window on one project, for one annotator."""

    project_command = Signal(object)  # an ActionId of the Project menu, for ProjectActions
    closing = Signal()  # the window closes: ProjectActions stops a running training
    versions_invalidated = Signal()  # another annotator or label scheme: close the review
    open_project = Signal(str, bool)  # File → Open Recent: a project (file or URL), create?

    def __init__(
        self, repo: ProjectRepository, annotator: str, *, suggestions: bool = True
    ) -> None:
        super().__init__()
        self.repo = repo
        self.labels: list[Label] = repo.labels()
        self.editor = AnnotationEditor(repo, annotator)
        self.queue = QueuePanel(repo, annotator, self)
        self.article = ArticleView(self)
        self.find_bar = FindBar(self.article, self)
        self.loading = SuggestionsLoading(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.label_bar = LabelBar(self)
        self.side = SpanPanel(self)
        self.notes = VersionNotes(self)
        self.progress = QLabel(self)
        self.service = SuggestionService(repo, self) if suggestions else None
        self.actions_by_id: dict[ActionId, QAction] = {}
        self.label_actions: dict[str, QAction] = {}
        self._progress_dialog: QProgressDialog | None = None
        self._suggestions_started = False
        self._last_changes: MarkChanges | None = None
        self._total = self._done = 0
        # Set by ui.project_actions, which answers project_command (this room does not know
        # the review window or the dialogs).
        self.project_actions: QObject | None = None
        self._compose()
        self._create_actions()
        self._create_menus()
        self._connect_signals()
        self._apply_labels()
        restore_geometry(self, settings(), GEOMETRY_KEY, 1400, 860)
        restore_splitter(self.splitter, settings(), GEOMETRY_KEY)
        self._update_title()
        self.work_figures = WorkFigures(self)  # progress and session figures, off the GUI thread
        self.refresh_progress()
        if self.queue.model.rowCount():
            self.queue.table.selectRow(0)
        self.live_updates = connect_live_updates(self)  # others' changes (ui.annotate.live_updates)
        apply_role(self)  # only what the person's role may do (core.roles)

    @property
    def annotator(self) -> str:
        return self.editor.annotator

    @property
    def document_id(self) -> int | None:
        return self.editor.document_id

    @property
    def spans(self) -> list[Span]:
        return self.editor.spans

    # -- composition ---------------------------------------------------------------------

    def _compose(self) -> None:
        reading = QWidget(self)
        column = QVBoxLayout(reading)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.loading.banner)
        column.addWidget(self.article, 1)
        column.addWidget(self.find_bar)
        splitter = self.splitter
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.queue)
        splitter.addWidget(reading)
        splitter.addWidget(self.side)
        side_layout = self.side.layout()
        assert side_layout is not None
        side_layout.addWidget(self.notes)  # the version's comment and flag
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([330, 770, 300])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.label_bar)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.loading.note)
        self.statusBar().addPermanentWidget(self.progress)

    def _create_actions(self) -> None:
        slots: dict[ActionId, Callable[[], object]] = {
            ActionId.ACCEPT_DOCUMENT: lambda: self.finish_document(Status.ACCEPTED),
            ActionId.REJECT_DOCUMENT: lambda: self.finish_document(Status.REJECTED),
            ActionId.SKIP_DOCUMENT: lambda: self.finish_document(Status.SKIPPED),
            ActionId.NEXT_DOCUMENT: lambda: self.queue.step(1),
            ActionId.PREVIOUS_DOCUMENT: lambda: self.queue.step(-1),
            ActionId.ACCEPT_SUGGESTION: self.on_accept_suggestion,
            ActionId.ACCEPT_ALL_SUGGESTIONS: self.editor.accept_all_suggestions,
            ActionId.REMOVE: self.on_remove,
            ActionId.NEXT_SPAN: lambda: self.on_jump_span(1),
            ActionId.PREVIOUS_SPAN: lambda: self.on_jump_span(-1),
            ActionId.NEW_PROJECT: self._command(ActionId.NEW_PROJECT),
            ActionId.OPEN_PROJECT: self._command(ActionId.OPEN_PROJECT),
            ActionId.GROW_RIGHT: lambda: self.on_resize(grow_right=1),
            ActionId.SHRINK_RIGHT: lambda: self.on_resize(grow_right=-1),
            ActionId.GROW_LEFT: lambda: self.on_resize(grow_left=1),
            ActionId.SHRINK_LEFT: lambda: self.on_resize(grow_left=-1),
            ActionId.UNDO: lambda: self.on_undo_redo(undo=True),
            ActionId.REDO: lambda: self.on_undo_redo(undo=False),
            ActionId.FIND: self.find_bar.open_bar,
            ActionId.FIND_NEXT: self.find_bar.find_next,
            ActionId.FIND_PREVIOUS: self.find_bar.find_previous,
            ActionId.PREANNOTATE: self.on_preannotate,
            ActionId.IMPORT: self._command(ActionId.IMPORT),
            ActionId.EXPORT: self._command(ActionId.EXPORT),
            ActionId.STATISTICS: self._command(ActionId.STATISTICS),
            ActionId.REVIEW: self._command(ActionId.REVIEW),
            ActionId.AGREEMENT: self._command(ActionId.AGREEMENT),
            ActionId.TRAIN: self._command(ActionId.TRAIN),
            ActionId.SETTINGS: self._command(ActionId.SETTINGS),
            ActionId.LABELS: self._command(ActionId.LABELS),
            ActionId.CHANGE_ANNOTATOR: self._command(ActionId.CHANGE_ANNOTATOR),
            ActionId.RESTORE_BACKUP: self._command(ActionId.RESTORE_BACKUP),
            ActionId.HELP: self.on_help,
            ActionId.QUIT: self.close,
        }
        self.actions_by_id = make_actions(self, ACTIONS, slots)
        stack = self.editor.undo_stack
        stack.canUndoChanged.connect(self.actions_by_id[ActionId.UNDO].setEnabled)
        stack.canRedoChanged.connect(self.actions_by_id[ActionId.REDO].setEnabled)
        self.actions_by_id[ActionId.UNDO].setEnabled(False)
        self.actions_by_id[ActionId.REDO].setEnabled(False)

    def _command(self, action_id: ActionId) -> Callable[[], None]:
        return lambda: self.project_command.emit(action_id)

    def _create_menus(self) -> None:
        groups = {ACTIONS[action_id].group for action_id in self.actions_by_id}
        order = [g for g in MENU_ORDER if g in groups] + sorted(groups - {*MENU_ORDER, "Help"})
        menus = {group: self.menuBar().addMenu(f"&{group}") for group in order}
        self.labels_menu = self.menuBar().addMenu("&Labels")
        menus["Help"] = self.menuBar().addMenu("&Help")
        for action_id, action in self.actions_by_id.items():
            if action_id is ActionId.QUIT:
                continue
            menus[ACTIONS[action_id].group].addAction(action)
            if action_id is ActionId.OPEN_PROJECT:
                project = project_file(self.repo)
                current = str(project.resolve()) if project else self.repo.display_url
                self.recent_menu = RecentMenu(settings, current, self)
                self.recent_menu.chosen.connect(
                    lambda target: self.open_project.emit(target, False)
                )
                menus["File"].addMenu(self.recent_menu)
        menus["File"].addSeparator()
        menus["File"].addAction(self.actions_by_id[ActionId.QUIT])
        self.menus = menus

    def _apply_labels(self) -> None:
        for action in self.label_actions.values():
            self.removeAction(action)
        self.label_actions.clear()
        self.labels_menu.clear()
        for label in self.labels:
            action = QAction(f"{label.name}", self)
            action.setShortcut(QKeySequence(label.key))
            action.setToolTip(f"{label.definition} ({key_text(label.key)})")
            action.triggered.connect(lambda _=False, name=label.name: self.on_label(name))
            self.addAction(action)
            self.labels_menu.addAction(action)
            self.label_actions[label.name] = action
        self.label_bar.set_labels(self.labels)
        self.article.set_labels(self.labels)
        self.side.model.set_colours({label.name: label.colour for label in self.labels})

    def _connect_signals(self) -> None:
        self.queue.document_chosen.connect(self.on_document_chosen)
        self.label_bar.label_chosen.connect(self.on_label)
        self.editor.document_opened.connect(self.on_document_opened)
        self.editor.spans_changed.connect(self.on_spans_changed)
        self.editor.marks_edited.connect(self.on_marks_edited)
        self.editor.status_changed.connect(self.on_status_changed)
        self.editor.counts_changed.connect(self.on_counts_changed)
        self.editor.message.connect(self.on_message)
        self.side.span_chosen.connect(self.on_span_chosen)
        self.side.version_chosen.connect(self.on_version_chosen)
        self.article.context_requested.connect(self.on_context_menu)
        self.article.cursorPositionChanged.connect(self.on_cursor_moved)
        self.notes.note_edited.connect(self.on_note_edited)
        self.notes.finished.connect(self.article.setFocus)
        if self.service is not None:
            self.service.worker.ready.connect(self.editor.set_suggestions)
            self.service.worker.ready.connect(self.on_suggestions_ready)
            self.service.worker.failed.connect(self.loading.failed)
            self.service.worker.failed.connect(self.on_message)
            self.service.worker.progress.connect(self.on_preannotate_progress)
            self.service.worker.project_done.connect(self.on_preannotate_done)

    # -- documents -----------------------------------------------------------------------

    def on_document_chosen(self, document_id: int) -> None:
        self.editor.show_document(document_id)

    def on_document_opened(self, document_id: int) -> None:
        document = self.editor.document
        self.article.show_document(document, self.editor.spans, self.editor.suggestions)
        self.side.set_versions(sorted({*self.repo.annotators(), self.annotator}),
                               self.editor.viewing)  # fmt: skip
        self._show_lists()
        self._show_note()
        self.queue.select_document(document_id)
        self.article.setFocus()
        self.find_bar.search()
        self._clear_stale_message()
        if self.service is not None and not self.editor.read_only:
            # The first request starts spaCy in the worker: let the window paint first (the
            # loading state shows at once, as that first answer takes seconds).
            first = not self._suggestions_started
            self._suggestions_started = True
            self.loading.expect(document_id, at_once=first)
            delay = FIRST_SUGGESTION_DELAY_MS if first else 0
            QTimer.singleShot(delay, partial(self._request_suggestions, document_id))
        else:
            self.loading.expect(None)

    def _request_suggestions(self, document_id: int) -> None:
        if self.service is not None and document_id == self.document_id:
            self.service.request(document_id)

    def on_suggestions_ready(self, document_id: int, _spans: list[Span]) -> None:
        self.loading.arrived(document_id)

    @property
    def suggestions_loading(self) -> bool:
        """Whether the article shows that its suggestions are being computed."""
        return self.loading.visible

    def on_model_trained(self) -> None:
        """A new project model is in use: the queue's "most informative" order and the open
        document's suggestions change with it."""
        document_id = self.document_id
        self.queue.model.reload()
        if document_id is not None:
            self.queue.select_document(document_id)
        self.refresh_suggestions()

    def refresh_suggestions(self) -> None:
        """Ask again for the open document's suggestions (a new project model is in use)."""
        if self.document_id is not None and not self.editor.read_only:
            self.loading.expect(self.document_id)
            self._request_suggestions(self.document_id)

    def on_spans_changed(self) -> None:
        self.article.show_marks(self.editor.spans, self.editor.suggestions)
        self._show_lists()

    def on_marks_edited(self, changes: MarkChanges) -> None:
        """An edit of the open document: every view applies what it changed, nothing more."""
        self._last_changes = changes
        self._clear_stale_message()
        self.article.update_marks(
            changes.spans_removed, changes.spans_added,
            hidden=changes.suggestions_hidden, shown=changes.suggestions_shown,
        )  # fmt: skip
        self.side.model.update_rows(
            [*((s, False) for s in changes.spans_removed),
             *((s, True) for s in changes.suggestions_hidden)],
            [*((s, False) for s in changes.spans_added),
             *((s, True) for s in changes.suggestions_shown)],
        )  # fmt: skip
        self.label_bar.change_counts(
            SpanDelta(changes.spans_removed, changes.spans_added).label_count_changes()
        )
        self.on_cursor_moved()

    def on_undo_redo(self, *, undo: bool) -> None:
        """Undo or redo; the selection follows the extent the step brought back."""
        self._last_changes = None
        stack = self.editor.undo_stack
        stack.undo() if undo else stack.redo()
        changes, self._last_changes = self._last_changes, None
        if changes is None:
            return
        back = changes.spans_added or changes.suggestions_shown
        if back:
            self.article.select_range(min(s.start for s in back), max(s.end for s in back))
        elif changes.spans_removed:
            start = changes.spans_removed[0].start
            self.article.select_range(start, start)

    def on_counts_changed(self, document_id: int, change: int) -> None:
        self.queue.model.change_row(document_id, spans=change)

    def on_status_changed(self, document_id: int, before: Status | None, after: Status) -> None:
        self.queue.model.change_row(document_id, status=after)
        if before is not None and (before is Status.OPEN) != (after is Status.OPEN):
            self._done += 1 if before is Status.OPEN else -1
            self._show_progress()

    def finish_document(self, status: Status) -> None:
        if self.editor.set_status(status):
            self.queue.step(1)

    def on_documents_imported(self) -> None:
        self.queue.model.reload()
        self.refresh_progress()

    def set_annotator(self, name: str) -> None:
        """Annotate under another name: its own versions, queue statuses and undo history;
        the open document stays open, shown in the new name's version."""
        document_id = self.document_id
        self.repo.add_annotator(name)
        self.editor.undo_stack.clear()
        self.versions_invalidated.emit()
        self.editor.annotator = name
        self.editor.document = None  # shown afresh below, as the new annotator's version
        self.editor.viewing = name
        self.queue.refresh_annotators(name)
        self.queue.on_filter_changed()
        if document_id is not None and self.document_id != document_id:
            self.editor.show_document(document_id)
        if self.document_id is None and self.queue.model.rowCount():
            self.queue.table.selectRow(0)
        self._update_title()
        self.refresh_progress()
        apply_role(self)

    def on_scheme_changed(self) -> None:
        """Labels were renamed, recoloured or deleted: redraw everything that shows them."""
        self.labels = self.repo.labels()
        self._apply_labels()
        self.versions_invalidated.emit()
        self.editor.undo_stack.clear()  # its commands hold spans under the old names
        document_id = self.document_id
        if document_id is not None:
            self.editor.document = None
            self.editor.show_document(document_id)
        self.queue.model.reload()

    def on_version_chosen(self, name: str) -> None:
        self.editor.set_viewing(name)
        self._update_title()
        self.on_spans_changed()
        self._show_note()

    def _show_note(self) -> None:
        """The shown version's comment and flag (editable on one's own version only)."""
        if self.document_id is not None:
            note = self.repo.note(self.document_id, self.editor.viewing)
            self.notes.show_note(note, editable=not self.editor.read_only)

    # -- spans ---------------------------------------------------------------------------

    def on_label(self, label: str) -> None:
        start, end = self.article.selection()
        result = self.editor.label_selection(start, end, label)
        if isinstance(result, list):
            clashes = ", ".join(f"{s.label} “{self._text(s)}”" for s in result)
            answer = QMessageBox.question(
                self, "Replace overlapping spans?",
                f"The new {label} span overlaps {clashes}. Replace?",
            )  # fmt: skip
            if answer == QMessageBox.StandardButton.Yes:
                self.editor.label_selection(start, end, label, replace=True)

    def on_accept_suggestion(self) -> None:
        start, end = self.article.selection()
        suggestion = self.editor.suggestion_at(start, end)
        if suggestion is None:
            self.on_message("No suggestion under the cursor.")
            return
        self.editor.accept_suggestion(suggestion)

    def on_remove(self) -> None:
        self.editor.remove_at(*self.article.selection())

    def on_jump_span(self, step: int) -> None:
        target = next_mark(self.editor.ordered_marks(), *self.article.selection(), step)
        if target is not None:
            self.on_span_chosen(target)

    def on_resize(self, grow_right: int = 0, grow_left: int = 0) -> None:
        selection = self.article.selection()
        span = self.editor.span_at(*selection) or self.editor.suggestion_at(*selection)
        if span is None:
            self.on_message("Put the cursor on a span or suggestion to resize it.")
            return
        new = self.editor.resize(span, grow_right=grow_right, grow_left=grow_left)
        if new is not None:
            self.article.select_range(new.start, new.end)

    def on_span_chosen(self, span: Span) -> None:
        self.article.select_range(span.start, span.end)
        self.article.setFocus()
        self.statusBar().showMessage(f"{span.label}: “{self._text(span)}” ({span.source})", 4000)

    def on_cursor_moved(self) -> None:
        """The span list follows the article's cursor: the span under it is selected."""
        self.side.follow(self._mark_under_cursor())

    def _mark_under_cursor(self) -> Span | None:
        """The span (else the suggestion) under the cursor, as ``span_at``/``suggestion_at``
        find it, but looked up in the article's mark index (a bisect) instead of a scan of
        every span: this runs on every cursor move and after every edit."""
        start, end = self.article.selection()
        offsets = self.article.offsets
        near = self.article.highlighter.index.between(
            max(offsets.to_qt(start) - 1, 0), offsets.to_qt(end) + 1
        )
        for suggested, spans in ((False, self.editor.spans), (True, self.editor.suggestions)):
            keys = [
                Span(offsets.from_qt(m.start), offsets.from_qt(m.end), m.label)
                for m in near
                if m.suggested == suggested
            ]
            found = find_span(keys, start, end)
            i = None if found is None else index_of(spans, found)
            if i is not None:
                return spans[i]
        return None

    def on_context_menu(self, menu: QMenu, offset: int) -> None:
        suggestion = self.editor.suggestion_at(offset)
        span = self.editor.span_at(offset)
        target = span or suggestion
        if target is None:
            return
        self.article.select_range(target.start, target.end)
        if suggestion is not None and span is None:
            menu.addAction(f"Accept {suggestion.label}",
                           lambda: self.editor.accept_suggestion(suggestion))  # fmt: skip
            menu.addAction("Reject", self.on_remove)
        else:
            menu.addAction(f"Remove {target.label}", self.on_remove)
        menu.addAction("Grow right", lambda: self.on_resize(grow_right=1))
        menu.addAction("Shrink right", lambda: self.on_resize(grow_right=-1))
        relabel = menu.addMenu("Label as")
        for label in self.labels:
            relabel.addAction(label.name, partial(self.on_label, label.name))

    # -- project -------------------------------------------------------------------------

    def on_preannotate(self) -> None:
        if self.service is None:
            return
        dialog = QProgressDialog("Computing suggestions…", "Cancel", 0, 0, self)
        dialog.setWindowTitle("Pre-annotate project")
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self.service.cancel)
        self._progress_dialog = dialog
        dialog.show()
        self.service.run_project()

    def on_preannotate_progress(self, done: int, total: int) -> None:
        if self._progress_dialog is not None:
            self._progress_dialog.setMaximum(max(total, 1))
            self._progress_dialog.setValue(done)

    def on_preannotate_done(self, message: str) -> None:
        if self._progress_dialog is not None:
            self._progress_dialog.reset()
            self._progress_dialog = None
        self.on_message(message)

    def on_help(self) -> None:
        HelpDialog(self.labels, self).exec()

    def on_message(self, text: str) -> None:
        """A message for a while (or until the next edit or document replaces it)."""
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _clear_stale_message(self) -> None:
        """The next action replaces the last one's message."""
        self.statusBar().clearMessage()

    def childEvent(self, event: QChildEvent) -> None:
        """After any dialog of this window the keyboard focus returns to the article."""
        super().childEvent(event)
        if event.type() == QEvent.Type.ChildPolished:
            child = event.child()
            if isinstance(child, QDialog) and not child.property("focusReturns"):
                child.setProperty("focusReturns", True)
                child.finished.connect(self.return_focus)

    def return_focus(self) -> None:
        """Focus the article (if this window is not active yet, when it becomes so)."""
        self.article.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_note_edited(self, note: VersionNote) -> None:
        """Store the open version's comment and flag at once, like every edit."""
        if self.document_id is None or self.editor.read_only:
            return
        try:
            self.repo.set_note(self.document_id, self.annotator, note)
        except (StorageError, ValueError) as exc:
            self.on_message(f"The note was not saved: {exc}")
            return
        self.on_message("Note saved." if not note.empty else "Note removed.")

    def closeEvent(self, event: QCloseEvent) -> None:
        store = settings()
        save_geometry(self, store, GEOMETRY_KEY)
        store.setValue(f"{GEOMETRY_KEY}/splitter", self.splitter.saveState())
        self.closing.emit()
        self.live_updates.stop()
        if self.service is not None:
            self.service.stop()
        super().closeEvent(event)

    # -- helpers -------------------------------------------------------------------------

    def _show_lists(self) -> None:
        document = self.editor.document
        self.side.model.set_spans(document.text if document else "", self.editor.spans,
                                  self.editor.suggestions)  # fmt: skip
        self.label_bar.set_counts(self.editor.label_counts())

    def _text(self, span: Span) -> str:
        document = self.editor.document
        return document.text[span.start : span.end] if document else ""

    def _update_title(self) -> None:
        title = f"Kathode — {self.repo.name} — {self.annotator}"
        if self.editor.read_only:
            title += f" (viewing {self.editor.viewing}, read-only)"
        self.setWindowTitle(title)

    def refresh_progress(self) -> None:
        """Count the queue afresh off the GUI thread (on opening, another annotator, an
        import, others' changes); edits change the figure by their delta instead."""
        self.work_figures.count_progress()

    def set_progress(self, total: int, done: int) -> None:
        self._total, self._done = total, done
        self._show_progress()

    def _show_progress(self) -> None:
        self.progress.setText(f"{self.annotator}: {self._done} of {self._total} done")
