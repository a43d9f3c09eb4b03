"""Taking the app's backups off the GUI thread: one when the project opens, then one after
every 30 minutes that saw edits (``storage.backup.BackupPolicy`` decides)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSettings, QThreadPool, QTimer, Signal, Slot

from storage.backup import DEFAULT_KEEP, BackupError, BackupPolicy, edit_mark

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60_000
KEEP_SETTING = "backup/keep"


class _Signals(QObject):
    done = Signal(str)


class _BackupJob(QRunnable):
    """A backup in the pool. Its signals belong to the job, not to the window: a backup may
    finish after its window was closed and deleted, and then it reports to no one (a signal
    object parented to the window would be gone, and its emit would raise)."""

    def __init__(self, policy: BackupPolicy) -> None:
        super().__init__()
        self.policy = policy
        self.signals = _Signals()

    def run(self) -> None:
        try:
            info = self.policy.run()
        except (BackupError, OSError) as exc:
            log.warning("backup failed: %s", exc)
            self.signals.done.emit(f"Backup failed: {exc}")
            return
        self.signals.done.emit("" if info is None else f"Backed up to {info.path.name}")


class BackupScheduler(QObject):
    """Checks once a minute whether a backup is due and takes it in the thread pool."""

    message = Signal(str)

    def __init__(self, project: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        keep = str(QSettings().value(KEEP_SETTING, DEFAULT_KEEP))
        self.policy = BackupPolicy(
            project,
            lambda: edit_mark(project),
            keep=int(keep) if keep.isdigit() else DEFAULT_KEEP,
        )
        self._running = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Take the backup at open and start checking."""
        self.check()
        self.timer.start()

    def check(self) -> None:
        if self._running:
            return
        self._running = True
        job = _BackupJob(self.policy)
        job.signals.done.connect(self._on_done)  # queued: this object lives in the GUI thread
        job.setAutoDelete(True)
        QThreadPool.globalInstance().start(job)

    @Slot(str)
    def _on_done(self, text: str) -> None:
        self._running = False
        if text:
            self.message.emit(text)
