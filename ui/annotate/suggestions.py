"""Suggestions off the GUI process: a server process owns spaCy, a reader thread listens.

The GUI asks for the open document's suggestions or for a whole project; answers come back
as Qt signals, and ``SuggestionsLoading`` shows the window that the open document's are on
their way. spaCy is only ever imported in the server process (``storage.suggest_server``),
so neither its import nor a model's work can stall the window.
"""

from __future__ import annotations

import logging
import multiprocessing
from multiprocessing.connection import Connection

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from core.spans import Span
from storage.repository import ProjectRepository
from storage.suggest_server import serve

log = logging.getLogger(__name__)


class SuggestionReader(QObject):
    """Runs in its own thread: blocks on the pipe and turns messages into signals."""

    ready = Signal(int, list)  # document id, spans
    progress = Signal(int, int)  # done, total
    project_done = Signal(str)
    failed = Signal(str)

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection

    def listen(self) -> None:
        while True:
            try:
                message = self.connection.recv()
            except (EOFError, OSError):
                return
            kind = message[0]
            if kind == "ready":
                self.ready.emit(message[1], [Span(*s) for s in message[2]])
            elif kind == "progress":
                self.progress.emit(message[1], message[2])
            elif kind == "done":
                self.project_done.emit(message[1])
            elif kind == "error":
                self.failed.emit(message[1])


class SuggestionService(QObject):
    """The GUI side: starts the server process and forwards requests to it."""

    def __init__(self, repo: ProjectRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        context = multiprocessing.get_context("spawn")
        ours, self._theirs = context.Pipe()
        self._connection = ours
        self._process = context.Process(
            target=serve, args=(repo.url.render_as_string(hide_password=False), self._theirs),
            name="kathode-suggestions", daemon=True,
        )  # fmt: skip
        self.worker = SuggestionReader(ours)
        self._thread = QThread(self)
        self._thread.setObjectName("suggestion-reader")
        self.worker.moveToThread(self._thread)
        self._thread.started.connect(self.worker.listen)
        self._stopped = False  # after stop() nothing starts the server again

    def _ensure_started(self) -> None:
        """Start the server on first use, so that the window shows before it loads."""
        if self._process.pid is None:
            self._process.start()
            self._theirs.close()
            self._thread.start()

    def _send(self, *message: object) -> None:
        stopped = "The suggestion process has stopped; restart Kathode."
        if self._stopped:  # a request still queued when the window closed
            self.worker.failed.emit(stopped)
            return
        self._ensure_started()
        try:
            self._connection.send(message)
        except (BrokenPipeError, OSError):
            self.worker.failed.emit(stopped)

    def request(self, document_id: int) -> None:
        self._send("document", document_id)

    def run_project(self) -> None:
        self._send("project")

    def cancel(self) -> None:
        self._send("cancel")

    def stop(self) -> None:
        if self._stopped or self._process.pid is None:
            self._stopped = True
            return
        self._send("stop")
        self._stopped = True
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._thread.quit()  # the reader ends when the server's end of the pipe closes
        self._thread.wait(5000)
        self._connection.close()


LOADING_TEXT = "Suggestions loading…"
LOADING_SHOWN_AFTER_MS = 300  # a cached answer comes sooner: no banner flashes up for it


class SuggestionsLoading(QObject):
    """The "suggestions loading…" state of the open document: a banner above the article
    and a note in the status bar (a permanent widget, so no passing message hides it),
    shown while its suggestions are on their way and gone when they arrive or fail."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.banner = QLabel(LOADING_TEXT, parent)
        self.banner.setObjectName("suggestionsLoading")
        self.banner.setToolTip("The open document's suggestions are being computed")
        self.banner.setStyleSheet(
            "QLabel#suggestionsLoading { background: palette(highlight); "
            "color: palette(highlighted-text); padding: 4px 8px; font-weight: 600; }"
        )
        self.note = QLabel(LOADING_TEXT, parent)
        self.note.setObjectName("suggestionsLoadingNote")
        self.document: int | None = None  # whose suggestions are awaited
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOADING_SHOWN_AFTER_MS)
        self._timer.timeout.connect(self._show)
        self._set_visible(False)

    @property
    def visible(self) -> bool:
        return self.banner.isVisible()

    def expect(self, document_id: int | None, *, at_once: bool = False) -> None:
        """Suggestions for this document are on their way (None: none are awaited); shown
        at once (the first document: spaCy starts), or if they take a moment."""
        self.document = document_id
        if document_id is None:
            self._timer.stop()
            self._set_visible(False)
        elif at_once:
            self._show()
        elif not self.visible:
            self._timer.start()

    def arrived(self, document_id: int) -> None:
        if document_id == self.document:
            self.expect(None)

    def failed(self) -> None:
        self.expect(None)

    def _show(self) -> None:
        self._set_visible(self.document is not None)

    def _set_visible(self, visible: bool) -> None:
        self.banner.setVisible(visible)
        self.note.setVisible(visible)
