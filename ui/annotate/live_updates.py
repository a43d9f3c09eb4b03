"""Other people's changes in the open window within a moment: a thin Qt adapter over
``storage.changes`` that refreshes the queue rows and progress figures they touched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from storage.changes import POLL_SECONDS, Change, ChangeWatcher
from storage.repository import ProjectRepository

if TYPE_CHECKING:
    from ui.annotate.main_window import MainWindow


class LiveUpdates(QObject):
    """Turns the watcher's batches (from its thread) into ``changed`` in the GUI thread."""

    changed = Signal(object)  # list[Change]
    _arrived = Signal(object)

    def __init__(
        self,
        repo: ProjectRepository,
        parent: QObject | None = None,
        *,
        interval: float = POLL_SECONDS,
    ) -> None:
        super().__init__(parent)
        # Emitted from the watcher's thread; this object lives in the GUI thread, so the
        # connection is queued and ``on_arrived`` runs there.
        self._arrived.connect(self.on_arrived)
        self._watcher = ChangeWatcher(repo.url, self._arrived.emit, interval=interval)

    def start(self) -> LiveUpdates:
        self._watcher.start()
        return self

    def stop(self) -> None:
        self._watcher.stop()

    @Slot(object)
    def on_arrived(self, changes: list[Change]) -> None:
        self.changed.emit(changes)


def connect_live_updates(window: MainWindow) -> LiveUpdates:
    """Keep ``window``'s queue and progress up to date with everyone's changes."""
    live = LiveUpdates(window.repo, window)
    live.changed.connect(lambda changes: apply_changes(window, changes))
    return live.start()


def apply_changes(window: MainWindow, changes: list[Change]) -> None:
    """Refresh the queue rows of the changed documents, or the whole queue when a change
    names none (an import, the scheme); the selection stays where it was."""
    queue, model = window.queue, window.queue.model
    if any(change.document_id is None for change in changes):
        current = model.document_id(queue.table.currentIndex().row())
        queue.blockSignals(True)  # the open document stays open: no document_chosen
        try:
            model.reload()
            row = None if current is None else model.row_of(current)
            if row is not None:
                queue.table.selectRow(row)
        finally:
            queue.blockSignals(False)
    else:
        for document_id in dict.fromkeys(c.document_id for c in changes):
            if document_id is not None:
                model.refresh_row(document_id)
    window.refresh_progress()
