"""The GUI side of one training run: the training process, and its messages as signals.

The process runs ``storage.train_server.serve_training`` (started with the ``spawn`` context
like the suggestion server), so spaCy never loads in the GUI process. The pipe is polled from
a short ``QTimer`` with ``poll(0)``: nothing here ever waits for the process. Cancel asks it to
stop between two batches and kills it when it has not ended within :data:`KILL_AFTER_MS`;
either way nothing is installed (``storage.project_models`` swaps a new model in atomically).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from storage.repository import ProjectRepository
from storage.train_server import serve_training

log = logging.getLogger(__name__)

POLL_MS = 50
KILL_AFTER_MS = 4000
REAP_MS = 200


class TrainingClient(QObject):
    """The GUI side of one training run: starts the process and relays its messages.

    The pipe is polled from a timer on the GUI thread with ``poll(0)``, so no call here ever
    waits for the training process.
    """

    progress = Signal(object)  # an event dict of storage.training.train_project
    finished = Signal(object)  # TrainResult.as_dict()
    cancelled = Signal()
    failed = Signal(str)

    def __init__(
        self, repo: ProjectRepository, options: dict[str, Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._connection = ours
        self._theirs = theirs
        self._process = context.Process(
            target=serve_training,
            args=(repo.url.render_as_string(hide_password=False), options, theirs),
            name="kathode-training",
            daemon=True,
        )
        self.running = False
        self.cancelling = False
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self._kill)
        self._reap_timer = QTimer(self)
        self._reap_timer.setInterval(REAP_MS)
        self._reap_timer.timeout.connect(self._reap)
        self._reap_left = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def exitcode(self) -> int | None:
        """The process's exit code once it has ended (and been collected), else None."""
        return self._process.exitcode if self._process.pid is not None else None

    def start(self) -> None:
        self._process.start()
        self._theirs.close()
        self.running = True
        self._poll_timer.start()

    def cancel(self) -> None:
        """Ask the run to stop; kill the process if it has not ended within a few seconds."""
        if not self.running or self.cancelling:
            return
        self.cancelling = True
        with contextlib.suppress(BrokenPipeError, OSError):
            self._connection.send(("cancel",))
        self._kill_timer.start(KILL_AFTER_MS)

    def stop(self) -> None:
        """End the run at once (the app is closing): kill the process, report nothing."""
        if self.running:
            self._end()
        if self._process.pid is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=2)

    # -- the pipe ------------------------------------------------------------------------

    def _poll(self) -> None:
        if not self.running:
            return
        if self._drain():
            return
        if not self._process.is_alive() and not self._drain():
            # It ended without a last word: killed by us after Cancel, or crashed.
            self._lost()

    def _drain(self) -> bool:
        """Handle every message waiting in the pipe; True once the run has ended."""
        try:
            while self.running and self._connection.poll(0):
                self._handle(self._connection.recv())
        except (EOFError, OSError):
            if self.running:
                self._lost()
        return not self.running

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "progress":
            self.progress.emit(message[1])
        elif kind == "done":
            self._end()
            self.finished.emit(message[1])
        elif kind == "cancelled":
            self._end()
            self.cancelled.emit()
        elif kind == "error":
            self._end()
            self.failed.emit(str(message[1]))

    def _lost(self) -> None:
        cancelling = self.cancelling
        self._end()
        if cancelling:
            self.cancelled.emit()
        else:
            code = self._process.exitcode
            self.failed.emit(
                f"The training process ended unexpectedly (exit code {code}); "
                "the previous model stays in use."
            )

    def _kill(self) -> None:
        if self.running and self._process.is_alive():
            log.info("training process %s did not stop after cancel; killed", self._process.pid)
            self._process.kill()  # the poll timer sees it gone and reports "cancelled"

    def _end(self) -> None:
        self.running = False
        self._poll_timer.stop()
        self._kill_timer.stop()
        self._connection.close()
        self._reap_left = int(10_000 / REAP_MS)
        self._reap_timer.start()

    def _reap(self) -> None:
        """Collect the ended process without waiting on the GUI thread."""
        self._reap_left -= 1
        if self._process.is_alive() and self._reap_left <= 0:
            self._process.kill()
        if not self._process.is_alive():
            self._reap_timer.stop()
