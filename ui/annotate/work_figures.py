"""The annotator's figures in the status bar, counted off the GUI thread: the progress
("3 of 40 done", the queue counted afresh) and the session figures (documents and entities
per hour this session and today, from the stored timestamps; *this session* is since the
window opened)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from core.documents import Status
from storage.repository import ProjectRepository
from storage.statistics import WorkRate
from ui.widgets.background import BackgroundReads

if TYPE_CHECKING:
    from ui.annotate.main_window import MainWindow

SESSION_REFRESH_MS = 60_000
SESSION_AFTER_EDIT_MS = 1_500  # a burst of decisions is counted once


def start_of_today() -> datetime:
    return datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


def rate_text(rate: WorkRate | None) -> str:
    if rate is None:
        return "0.0 docs/h · 0 entities/h"
    return f"{rate.documents_per_hour:.1f} docs/h · {rate.entities_per_hour:.0f} entities/h"


class WorkFigures(QObject):
    """Counts for ``window`` on a pool of their own; results come back as signals."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reads = BackgroundReads(window.repo, self)
        self.started = datetime.now(UTC)  # the session: since the window opened
        self.session = QLabel(window)
        self.session.setObjectName("sessionFigures")
        self.session.setToolTip(
            "Documents finished and entities marked per hour since this window opened, and "
            "today (from the stored times of your work)"
        )
        self._progress_asked_at = ""
        self._timer = QTimer(self)
        self._timer.setInterval(SESSION_REFRESH_MS)
        self._timer.timeout.connect(self.count_session)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(SESSION_AFTER_EDIT_MS)
        self._soon.timeout.connect(self.count_session)
        window.statusBar().addPermanentWidget(self.session)
        # Decisions and marked entities are counted soon after (a lambda: QTimer.start(int)
        # would take the signal's document id for its interval).
        window.editor.status_changed.connect(lambda *_: self._soon.start())
        window.editor.counts_changed.connect(lambda *_: self._soon.start())
        window.closing.connect(self.shutdown)
        self._timer.start()
        self.count_session()

    # -- progress ------------------------------------------------------------------------

    def count_progress(self) -> None:
        """Count the annotator's queue afresh; the figure changes when the count is in."""
        annotator = self.window.annotator
        self._progress_asked_at = self.window.progress.text()
        self.reads.read(
            "progress", lambda repo: (annotator, *progress_counts(repo, annotator)),
            self.on_progress_counted,
        )  # fmt: skip

    def on_progress_counted(self, result: tuple[str, int, int]) -> None:
        annotator, total, done = result
        if annotator != self.window.annotator:
            return
        if self.window.progress.text() != self._progress_asked_at:
            # An edit changed the figure by its delta while counting: the count may
            # predate it, so count once more rather than show a stale figure.
            self.count_progress()
            return
        self.window.set_progress(total, done)

    # -- session -------------------------------------------------------------------------

    def count_session(self) -> None:
        started, annotator = self.started, self.window.annotator
        self.reads.read(
            "session",
            lambda repo: (annotator, *session_rates(repo, annotator, started)),
            self.on_session_counted,
        )

    def on_session_counted(self, result: tuple[str, WorkRate | None, WorkRate | None]) -> None:
        annotator, session, today = result
        if annotator == self.window.annotator:
            self.session.setText(f"session {rate_text(session)} — today {rate_text(today)}")

    def shutdown(self) -> None:
        self._timer.stop()
        self._soon.stop()
        self.reads.shutdown()


def progress_counts(repo: ProjectRepository, annotator: str) -> tuple[int, int]:
    """The annotator's queue: documents in it, and those no longer open."""
    total = repo.count_documents(annotator)
    return total, total - repo.count_documents(annotator, status=Status.OPEN)


def session_rates(
    repo: ProjectRepository, annotator: str, started: datetime
) -> tuple[WorkRate | None, WorkRate | None]:
    """This person's rates since ``started`` and since today's first piece of work."""
    now = datetime.now(UTC)
    session = repo.work_since(started, now=now).get(annotator)
    today = repo.work_since(start_of_today(), now=now, from_first_work=True).get(annotator)
    return session, today
