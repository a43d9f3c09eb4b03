"""The window's project-level commands: import, export, statistics, settings, labels, name,
review.

Each opens its dialog and, when it changes something, tells the window through a signal.
Imports run on a worker thread with their own repository object, like exports.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QFileDialog

from storage.import_pool import jobs_for
from storage.importer import ImportSummary, import_paths
from storage.repository import ProjectRepository
from ui.annotate.main_window import MainWindow
from ui.widgets.actions import ActionId
from ui.widgets.theme import Preferences, apply_theme, load_preferences
from ui.widgets.wording import counted

if TYPE_CHECKING:
    from ui.dialogs.train_dialog import TrainDialog
    from ui.review.review_window import ReviewWindow

log = logging.getLogger(__name__)

IMPORT_FILTER = (
    "Documents (*.txt *.md *.markdown *.html *.htm *.jsonl *.json *.csv *.conll *.iob *.tsv)"
)
PROJECT_SUFFIX = ".kathode"
PROJECT_FILTER = "Kathode projects (*.kathode *.sqlite *.db);;All files (*)"


class ImportSignals(QObject):
    finished = Signal(object)  # ImportSummary
    failed = Signal(str)


class ImportJob(QRunnable):
    def __init__(self, repo: ProjectRepository, paths: list[Path], annotator: str) -> None:
        super().__init__()
        self.repo = ProjectRepository(repo.engine, repo.url)
        self.paths = paths
        self.annotator = annotator
        self.signals = ImportSignals()

    def run(self) -> None:
        try:
            # Reading and tokenizing run in worker processes for all but small inputs.
            summary = import_paths(
                self.repo, self.paths, annotator=self.annotator, jobs=jobs_for(self.paths)
            )
        except Exception as exc:  # reported in the window, never a crash
            log.exception("import failed")
            self.signals.failed.emit(str(exc))
            return
        self.signals.finished.emit(summary)


class ProjectActions(QObject):
    """Answers the main window's project commands; talks back to it through signals only.

    It lives above both rooms (it opens the review window and the dialogs), so the
    annotator's window never imports them; ``open_main_window`` composes the two.
    """

    message = Signal(str)
    documents_imported = Signal()
    font_size_changed = Signal(int)
    scheme_changed = Signal()
    annotator_chosen = Signal(str)
    model_trained = Signal()
    project_chosen = Signal(str, bool)  # a project to open instead (file or URL), create it?

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.review_window: ReviewWindow | None = None
        self.train_dialog: TrainDialog | None = None
        self._connect_signals()

    def _connect_signals(self) -> None:
        window = self.window
        window.project_command.connect(self.on_command)
        window.versions_invalidated.connect(self.close_review)
        self.message.connect(window.on_message)
        self.documents_imported.connect(window.on_documents_imported)
        self.font_size_changed.connect(window.article.set_font_size)
        self.scheme_changed.connect(window.on_scheme_changed)
        self.annotator_chosen.connect(window.set_annotator)
        self.model_trained.connect(window.on_model_trained)
        window.closing.connect(self.shutdown)
        window.open_project.connect(self.project_chosen)

    def on_command(self, action_id: ActionId) -> None:
        if not self.allowed(action_id):
            self.message.emit("Your role in this team project does not allow that.")
            return
        handlers = {
            ActionId.NEW_PROJECT: self.on_new_project,
            ActionId.OPEN_PROJECT: self.on_open_project,
            ActionId.IMPORT: self.on_import,
            ActionId.EXPORT: self.on_export,
            ActionId.STATISTICS: self.on_statistics,
            ActionId.REVIEW: self.on_review,
            ActionId.AGREEMENT: self.on_agreement,
            ActionId.TRAIN: self.on_train,
            ActionId.SETTINGS: self.on_settings,
            ActionId.LABELS: self.on_labels,
            ActionId.CHANGE_ANNOTATOR: self.on_change_annotator,
            ActionId.RESTORE_BACKUP: self.on_restore_backup,
        }
        handlers[action_id]()

    def allowed(self, action_id: ActionId) -> bool:
        """What the window offers is what the person's role allows (``ui.annotate.roles``)."""
        action = self.window.actions_by_id.get(action_id)
        return action is None or action.isEnabled()

    def apply_preferences(self, preferences: Preferences | None = None) -> None:
        preferences = preferences or load_preferences()
        self.font_size_changed.emit(preferences.font_size)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, preferences.theme)

    def on_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.window, "Import documents", "", IMPORT_FILTER)
        if files:
            self.start_import([Path(f) for f in files])

    def start_import(self, paths: list[Path]) -> None:
        job = ImportJob(self.window.repo, paths, self.window.annotator)
        job.signals.finished.connect(self.on_import_finished)
        job.signals.failed.connect(self.message)
        self.message.emit(f"Importing {counted(len(paths), 'file')}…")
        QThreadPool.globalInstance().start(job)

    def on_import_finished(self, summary: ImportSummary) -> None:
        self.documents_imported.emit()
        text = (
            f"Imported {counted(summary.documents_added, 'document')} "
            f"({summary.duplicates} already there), "
            f"{counted(summary.annotations, 'annotation')}, {counted(summary.spans, 'span')}"
        )
        if summary.refused:
            text += f"; {len(summary.refused)} refused: {summary.refused[0]}"
        if summary.stopped:
            text += f"; {summary.stopped}"
        self.message.emit(text)

    def on_new_project(self) -> None:
        """A new project file; choosing an existing file opens it, overwriting nothing."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, "New project", str(self._project_folder() / f"project{PROJECT_SUFFIX}"),
            PROJECT_FILTER, options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if not path:
            return
        if not Path(path).suffix:
            path += PROJECT_SUFFIX
        self.project_chosen.emit(path, True)

    def on_open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open project", str(self._project_folder()), PROJECT_FILTER
        )
        if path:
            self.project_chosen.emit(path, False)

    def _project_folder(self) -> Path:
        """Where the project dialogs start: beside the open project, else (the demo, which
        lives in the hidden data folder, or a team project) the home folder."""
        from storage.backup import project_file
        from storage.demo import demo_path

        current = project_file(self.window.repo)
        if current is None or current.resolve() == demo_path().resolve():
            return Path.home()
        return current.parent

    def on_restore_backup(self) -> None:
        from storage.backup import project_file
        from ui.dialogs.restore_dialog import RestoreDialog

        project = project_file(self.window.repo)
        if project is None:
            self.message.emit("A team project on PostgreSQL is backed up by its server")
            return
        dialog = RestoreDialog(project, self.window)
        dialog.restored.connect(self.on_restored)
        dialog.exec()

    def on_restored(self, backup: str) -> None:
        """The database underneath changed: forget what was cached and reload every view."""
        self.window.repo.forget_cached()
        self.window.set_annotator(self.window.annotator)
        self.message.emit(f"Restored the project from {Path(backup).name}")

    def on_export(self) -> None:
        from ui.dialogs.export_dialog import ExportDialog

        ExportDialog(self.window.repo, self.window).exec()

    def on_statistics(self) -> None:
        from ui.dialogs.stats_view import StatsView  # pyqtgraph loads only when asked for

        window = self.window
        StatsView(
            window.repo, window.annotator, window, session_start=window.work_figures.started
        ).exec()

    def on_review(self) -> None:
        from ui.review.review_window import ReviewWindow

        if self.review_window is None:
            self.review_window = ReviewWindow(self.window.repo, self.window.annotator, self.window)
        self.review_window.show()
        self.review_window.raise_()
        self.review_window.activateWindow()

    def close_review(self) -> None:
        """The review window reads labels and reviewer when it opens: close it on changes."""
        if self.review_window is not None:
            self.review_window.close()
            self.review_window = None

    def on_agreement(self) -> None:
        from ui.review.agreement_view import AgreementView

        AgreementView(self.window.repo, self.window).show()

    def on_train(self) -> None:
        """Show the training dialog; one per window, so a running training can be shown
        again after its dialog was closed."""
        if self.train_dialog is None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                from ui.dialogs.train_dialog import TrainDialog  # pyqtgraph loads on first use
            finally:
                QApplication.restoreOverrideCursor()

            self.train_dialog = TrainDialog(self.window.repo, self.window)
            self.train_dialog.training_finished.connect(self.on_training_finished)
        self.train_dialog.show()
        self.train_dialog.raise_()
        self.train_dialog.activateWindow()

    def on_training_finished(self, result: dict[str, object]) -> None:
        """A new model is in use: the queue's "most informative" order and the open
        document's suggestions change with it."""
        self.model_trained.emit()
        joins = "joins" if result.get("beats_builtin") else "does not join"
        dev = result.get("dev")
        f1 = dev.get("f") if isinstance(dev, dict) else None
        figure = f"{f1:.2f}" if isinstance(f1, float | int) else "?"
        self.message.emit(
            f"Model {result.get('version')} trained (dev F1 {figure}); it {joins} the "
            "default suggester."
        )

    def shutdown(self) -> None:
        """The window closes: a training still running is stopped (nothing installed), and
        the review window (and its change watcher) goes with it."""
        if self.train_dialog is not None:
            self.train_dialog.shutdown()
        self.close_review()

    def on_settings(self) -> None:
        from ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window)
        dialog.preferences_changed.connect(self.apply_preferences)
        dialog.edit_labels_requested.connect(self.on_labels)
        dialog.exec()

    def on_labels(self) -> None:
        from ui.dialogs.label_editor import LabelEditor

        if not self.allowed(ActionId.LABELS):  # also asked for from the settings dialog
            self.message.emit("Only a manager changes the label scheme of this project.")
            return
        editor = LabelEditor(self.window.repo, self.window)
        editor.scheme_changed.connect(self.scheme_changed)
        editor.exec()

    def on_change_annotator(self) -> None:
        from ui.dialogs.annotator_dialog import ask_annotator, settings

        name = ask_annotator(self.window.annotator, self.window)
        if name and name != self.window.annotator:
            settings().setValue("annotator", name)
            self.annotator_chosen.emit(name)


def open_main_window(
    repo: ProjectRepository, annotator: str, *, suggestions: bool = True
) -> MainWindow:
    """The annotator's window with its project commands answered and preferences applied."""
    window = MainWindow(repo, annotator, suggestions=suggestions)
    actions = ProjectActions(window)
    window.project_actions = actions
    actions.apply_preferences()
    # What exists now (Qt's wrappers, SQLAlchemy's mappers, the window) lives as long as the
    # window: out of the collector's sight, a full collection no longer walks it all (one
    # such pass stalled the first long article's open by 110 ms).
    gc.freeze()
    return window
