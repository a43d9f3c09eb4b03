"""Reads that can wait, off the GUI thread: a callable over its own repository object runs
on a ``QThreadPool`` and its result comes back through a signal (the pattern of import and
export). Only the newest result of each kind is delivered, so a slow, stale read never
overwrites a fresh one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from storage.repository import ProjectRepository

log = logging.getLogger(__name__)

Read = Callable[[ProjectRepository], Any]


class _ReadSignals(QObject):
    done = Signal(str, int, object)  # kind, request number, result
    failed = Signal(str, int, str)


class _ReadJob(QRunnable):
    def __init__(self, repo: ProjectRepository, kind: str, number: int, read: Read) -> None:
        super().__init__()
        self.repo = ProjectRepository(repo.engine, repo.url)
        self.kind, self.number, self.read = kind, number, read
        self.signals = _ReadSignals()

    def run(self) -> None:
        try:
            result = self.read(self.repo)
        except Exception as exc:  # shown where the figures would be, never a crash
            log.exception("reading %s failed", self.kind)
            self.signals.failed.emit(self.kind, self.number, str(exc))
            return
        self.signals.done.emit(self.kind, self.number, result)


class BackgroundReads(QObject):
    """Runs reads one at a time on a pool of its own (a long import on the global pool
    never holds up a figure), and calls back in the GUI thread. ``delivered`` (the read's
    kind) follows each callback: what a test or a caller that waits can wait on."""

    delivered = Signal(str)

    def __init__(self, repo: ProjectRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[str, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}

    def read(
        self,
        kind: str,
        read: Read,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Start ``read(repo)``; ``on_done(result)`` follows unless a newer read of the same
        ``kind`` was asked for meanwhile."""
        number = self._latest.get(kind, 0) + 1
        self._latest[kind] = number
        self._callbacks[kind] = (on_done, on_failed)
        job = _ReadJob(self.repo, kind, number, read)
        # Bound to this object (in the GUI thread), so the connections are queued.
        job.signals.done.connect(self.on_done)
        job.signals.failed.connect(self.on_failed)
        self.pool.start(job)

    def pending(self, kind: str) -> bool:
        return kind in self._callbacks

    @Slot(str, int, object)
    def on_done(self, kind: str, number: int, result: object) -> None:
        if self._latest.get(kind) == number and kind in self._callbacks:
            on_done, _ = self._callbacks.pop(kind)
            on_done(result)
            self.delivered.emit(kind)

    @Slot(str, int, str)
    def on_failed(self, kind: str, number: int, message: str) -> None:
        if self._latest.get(kind) == number and kind in self._callbacks:
            _, on_failed = self._callbacks.pop(kind)
            if on_failed is not None:
                on_failed(message)
            self.delivered.emit(kind)

    def shutdown(self, wait_ms: int = 5000) -> None:
        """Deliver nothing more and wait for a running read (before the engine closes)."""
        self._callbacks.clear()
        self.pool.clear()
        self.pool.waitForDone(wait_ms)
