"""Reads that can wait, off the GUI thread: a read runs on a worker of the window's own
``QThreadPool`` and its result comes back through a signal (the pattern of the import and
export jobs).

Only the newest read's answer is delivered: a document chosen while the previous one was
still loading makes the older answer stale, and it is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Signals(QObject):
    """Emitted from the worker thread; queued to the reader's receivers on the GUI thread."""

    done = Signal(int, object)
    failed = Signal(int, str)


class _ReadJob(QRunnable):
    def __init__(self, ticket: int, read: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.ticket = ticket
        self.read = read
        self.signals = signals  # kept alive by the job until it has reported

    def run(self) -> None:
        try:
            result = self.read()
        except Exception as exc:  # a worker reports every failure, never dies silently
            log.exception("background read failed")
            self.signals.failed.emit(self.ticket, f"{type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(self.ticket, result)


class BackgroundReader(QObject):
    """Runs one read at a time for its owner; ``finished`` carries the newest read's result,
    ``failed`` its error message. ``busy`` is True while the newest read is running."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # reads in order, one connection at a time
        self._ticket = 0
        self._answered = 0
        self._signals = _Signals()
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)

    @property
    def busy(self) -> bool:
        return self._answered < self._ticket

    def start(self, read: Callable[[], Any]) -> None:
        """Run ``read`` on the pool; earlier reads still waiting or running become stale."""
        self._ticket += 1
        self._pool.start(_ReadJob(self._ticket, read, self._signals))

    def wait(self) -> None:
        """Block until every read has run (when the owner closes: none outlives it)."""
        self._pool.waitForDone()

    @Slot(int, object)
    def _on_done(self, ticket: int, result: object) -> None:
        if ticket == self._ticket:
            self._answered = ticket
            self.finished.emit(result)

    @Slot(int, str)
    def _on_failed(self, ticket: int, message: str) -> None:
        if ticket == self._ticket:
            self._answered = ticket
            self.failed.emit(message)
