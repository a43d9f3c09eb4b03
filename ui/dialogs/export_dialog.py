"""The export dialog: format, filters and destination, with the export run off the GUI thread.

The dialog only collects :class:`~storage.exporter.ExportOptions`; the export itself is
``storage.exporter.export_project`` on a ``QThreadPool`` worker, whose progress, result and
failure come back through signals. Cancel asks the worker to stop; the destination keeps what
it had. When the export is done, "Show in folder" opens the folder it was written to.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QThreadPool, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.documents import Status
from storage.exporter import (
    ExportCancelled,
    ExportError,
    ExportOptions,
    ExportSummary,
    Format,
    export_project,
)
from storage.repository import ProjectRepository, StorageError
from ui.widgets.theme import user_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportFormat:
    """How the dialog offers a format: its name, and what the exporter writes — a file with
    ``suffix``, or (``folder``) a folder named with it."""

    name: str
    suffix: str
    folder: bool = False


EXPORT_FORMATS: dict[Format, ExportFormat] = {
    "jsonl": ExportFormat("JSONL (Prodigy)", ".jsonl"),
    "doccano": ExportFormat("JSONL (doccano)", ".doccano.jsonl"),
    "spacy": ExportFormat("spaCy (train.spacy and dev.spacy in a folder)", "-spacy", folder=True),
    "conll": ExportFormat("CoNLL (IOB2)", ".conll"),
    "label-studio": ExportFormat("Label Studio (JSON tasks)", ".label-studio.json"),
}
LAST_FOLDER_KEY = "export/last_folder"


def documents_folder() -> Path:
    """The user's documents folder (QStandardPaths), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def renamed_for(name: str, old: ExportFormat | None, new: ExportFormat) -> str:
    """A destination's file name for another format: ``anna.jsonl`` -> ``anna.conll`` or
    the folder ``anna-spacy``; the old format's suffix (else the last extension) goes."""
    stem = name
    suffixes = [old.suffix] if old is not None else []
    suffixes += sorted((e.suffix for e in EXPORT_FORMATS.values()), key=len, reverse=True)
    for suffix in suffixes:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        stem = Path(stem).stem or stem
    return stem + new.suffix


_ALL = "__all__"
_GOLD = "__gold__"


class ExportSignals(QObject):
    """What the worker reports; emitted from the worker thread, received on the GUI thread."""

    progress = Signal(int, int)
    finished = Signal(object)  # ExportSummary
    failed = Signal(str)
    cancelled = Signal()


class ExportWorker(QRunnable):
    """Runs one export on a pool thread; ``cancel()`` asks it to stop after the current page."""

    def __init__(self, repo: ProjectRepository, options: ExportOptions) -> None:
        super().__init__()
        self.repo = repo
        self.options = options
        self.signals = ExportSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            summary = export_project(
                self.repo,
                self.options,
                progress=self.signals.progress.emit,
                cancel=self._cancel.is_set,
            )
        except ExportCancelled:
            self.signals.cancelled.emit()
        except (ExportError, StorageError, OSError, ValueError) as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a worker must report every failure, never die silently
            log.exception("export failed")
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(summary)


class ExportDialog(QDialog):
    """Export the project's annotations; see ``docs/export.md`` for the formats."""

    export_finished = Signal(object)  # ExportSummary
    export_failed = Signal(str)
    export_cancelled = Signal()

    def __init__(self, repo: ProjectRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.summary: ExportSummary | None = None
        self._worker: ExportWorker | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._shown_format: ExportFormat | None = None  # whose suffix the name carries

        self.format_combo = QComboBox(self)
        self.status_boxes = {status: QCheckBox(status.value, self) for status in Status}
        self.annotator_combo = QComboBox(self)
        self.labels_edit = QLineEdit(self)
        self.sentences_box = QCheckBox("blank line between sentences", self)
        self.dev_fraction_spin = QDoubleSpinBox(self)
        self.seed_spin = QSpinBox(self)
        self.destination_edit = QLineEdit(self)
        self.browse_button = QPushButton("Browse…", self)
        self.progress_bar = QProgressBar(self)
        self.message = QLabel(self)
        self.export_button = QPushButton("Export", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.show_button = QPushButton("Show in folder", self)
        self._compose()
        self._connect_signals()
        self.setWindowTitle(f"Export — {repo.name}")
        self.on_format_changed()

    # -- layout --------------------------------------------------------------------------

    def _compose(self) -> None:
        for fmt, entry in EXPORT_FORMATS.items():
            self.format_combo.addItem(entry.name, fmt)
        self.status_boxes[Status.ACCEPTED].setChecked(True)
        statuses = QHBoxLayout()
        for box in self.status_boxes.values():
            statuses.addWidget(box)
        self.annotator_combo.addItem("All annotators", _ALL)
        for name in self.repo.annotators():
            self.annotator_combo.addItem(name, name)
        self.annotator_combo.addItem("Gold versions (reviewed)", _GOLD)
        self.labels_edit.setPlaceholderText("all labels — or e.g. ORG, CHEMISTRY")
        self.dev_fraction_spin.setRange(0.0, 0.95)
        self.dev_fraction_spin.setSingleStep(0.05)
        self.dev_fraction_spin.setValue(0.2)
        self.seed_spin.setRange(0, 2**31 - 1)
        # Wide enough for a documents folder and a file name, seen whole.
        self.destination_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)
        destination = QHBoxLayout()
        destination.addWidget(self.destination_edit, 1)
        destination.addWidget(self.browse_button)

        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Status", statuses)
        form.addRow("Annotator", self.annotator_combo)
        form.addRow("Labels", self.labels_edit)
        form.addRow("CoNLL", self.sentences_box)
        form.addRow("Dev fraction", self.dev_fraction_spin)
        form.addRow("Split seed", self.seed_spin)
        form.addRow("Destination", destination)

        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        self.show_button.hide()
        self.export_button.setDefault(True)
        self.message.setWordWrap(True)
        self.progress_bar.setValue(0)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._inputs: list[QWidget] = [
            self.format_combo,
            *self.status_boxes.values(),
            self.annotator_combo,
            self.labels_edit,
            self.sentences_box,
            self.dev_fraction_spin,
            self.seed_spin,
            self.destination_edit,
            self.browse_button,
            self.export_button,
        ]

    def _connect_signals(self) -> None:
        self.format_combo.currentIndexChanged.connect(self.on_format_changed)
        self.browse_button.clicked.connect(self.on_browse_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.show_button.clicked.connect(self.on_show_clicked)

    # -- options -------------------------------------------------------------------------

    @property
    def format(self) -> Format:
        fmt: Format = self.format_combo.currentData()
        return fmt

    def options(self) -> ExportOptions:
        """The options as set in the dialog; ``ExportError`` when they cannot be exported."""
        destination = self.destination_edit.text().strip()
        if not destination:
            raise ExportError("choose a destination")
        who = self.annotator_combo.currentData()
        names = [name.strip() for name in self.labels_edit.text().split(",") if name.strip()]
        return ExportOptions(
            format=self.format,
            out=Path(destination).expanduser(),
            statuses=tuple(s for s, box in self.status_boxes.items() if box.isChecked()),
            annotator=None if who in (_ALL, _GOLD) else who,
            gold=who == _GOLD,
            labels=frozenset(names) if names else None,
            dev_fraction=self.dev_fraction_spin.value(),
            seed=self.seed_spin.value(),
            sentences=self.sentences_box.isChecked(),
        )

    def _project_stem(self) -> str:
        project = Path(self.repo.display_url)
        if "://" in self.repo.display_url:
            return self.repo.name or "kathode-export"
        return project.stem

    def _default_folder(self) -> Path:
        """The folder of the last export, if it is still there; else the documents folder."""
        last = user_settings().value(LAST_FOLDER_KEY, "")
        if last and Path(str(last)).is_dir():
            return Path(str(last))
        return documents_folder()

    # -- slots ---------------------------------------------------------------------------

    @Slot()
    def on_format_changed(self) -> None:
        fmt = self.format
        self.sentences_box.setEnabled(fmt == "conll")
        self.dev_fraction_spin.setEnabled(fmt == "spacy")
        self.seed_spin.setEnabled(fmt == "spacy")
        entry = EXPORT_FORMATS[fmt]
        if entry is self._shown_format:
            return
        current = self.destination_edit.text().strip()
        if current:
            path = Path(current)
            name = renamed_for(path.name, self._shown_format, entry)
            self.destination_edit.setText(str(path.with_name(name)))
        else:
            name = self._project_stem() + entry.suffix
            self.destination_edit.setText(str(self._default_folder() / name))
        self._shown_format = entry

    @Slot()
    def on_browse_clicked(self) -> None:
        start = self.destination_edit.text().strip()
        if EXPORT_FORMATS[self.format].folder:
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder", start)
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to file", start)
        if chosen:
            self.destination_edit.setText(chosen)

    @Slot()
    def on_export_clicked(self) -> None:
        try:
            options = self.options()
        except ExportError as exc:
            self._show_message(str(exc), error=True)
            return
        self.summary = None
        self.show_button.hide()
        self.progress_bar.setRange(0, 0)  # busy until the first progress report
        self._show_message("Exporting…")
        self._set_running(True)
        worker = ExportWorker(self.repo, options)
        worker.signals.progress.connect(self.on_worker_progress)
        worker.signals.finished.connect(self.on_worker_finished)
        worker.signals.failed.connect(self.on_worker_failed)
        worker.signals.cancelled.connect(self.on_worker_cancelled)
        self._worker = worker
        self._pool.start(worker)

    @Slot()
    def on_cancel_clicked(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._show_message("Cancelling…")
        else:
            self.reject()

    @Slot()
    def on_show_clicked(self) -> None:
        if self.summary is None or not self.summary.files:
            return
        folder = self.summary.files[0].parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot(int, int)
    def on_worker_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    @Slot(object)
    def on_worker_finished(self, summary: ExportSummary) -> None:
        self._worker_done()
        self.summary = summary
        if summary.files:  # the next export starts in this folder
            folder = summary.files[0].parent
            if EXPORT_FORMATS[self.format].folder:
                folder = folder.parent
            user_settings().setValue(LAST_FOLDER_KEY, str(folder))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self._show_message("\n".join(summary.report()))
        self.show_button.show()
        self.export_finished.emit(summary)

    @Slot(str)
    def on_worker_failed(self, message: str) -> None:
        self._worker_done()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._show_message(message, error=True)
        self.export_failed.emit(message)

    @Slot()
    def on_worker_cancelled(self) -> None:
        self._worker_done()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._show_message("Export cancelled; nothing was changed at the destination.")
        self.export_cancelled.emit()

    # -- helpers -------------------------------------------------------------------------

    def _worker_done(self) -> None:
        self._worker = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        for widget in self._inputs:
            widget.setEnabled(not running)
        if not running:
            self.on_format_changed()

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

    def _stop_worker(self) -> None:
        """Cancel a running export and wait for it, so it never outlives the dialog."""
        if self._worker is not None:
            self._worker.cancel()
        self._pool.waitForDone()

    def reject(self) -> None:
        self._stop_worker()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_worker()
        super().closeEvent(event)
