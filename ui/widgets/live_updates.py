"""Other people's changes in an open window within a moment: a thin Qt adapter over
``storage.changes``, shared by the annotator's and the reviewer's windows (each room says
what a change refreshes: ``ui.annotate.live_updates``, ``ui.review.live_updates``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from storage.changes import POLL_SECONDS, Change, ChangeWatcher
from storage.repository import ProjectRepository


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
        self._url = repo.url
        self._interval = interval
        self._watcher: ChangeWatcher | None = None

    def start(self) -> LiveUpdates:
        """Watch (again, after ``stop``); a no-op while watching."""
        if self._watcher is None:
            self._watcher = ChangeWatcher(self._url, self._arrived.emit, interval=self._interval)
            self._watcher.start()
        return self

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    @property
    def watching(self) -> bool:
        return self._watcher is not None

    def follow_visibility(self, widget: QWidget) -> LiveUpdates:
        """Watch while ``widget`` is shown: a closed window holds no connection."""
        widget.installEventFilter(self)
        if widget.isVisible():
            self.start()
        return self

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.start()
        elif event.type() == QEvent.Type.Close:
            self.stop()
        return False

    @Slot(object)
    def on_arrived(self, changes: list[Change]) -> None:
        self.changed.emit(changes)
