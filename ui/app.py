"""Starting the GUI: the QApplication, the annotator's name, the project (the one asked for,
else the last one, else the demo) and the main window (composed with its project commands by
``ui.project_actions``); File → New/Open/Recent switches the window to another project."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from core.text_rules import InvalidNameError, check_annotator_name
from storage.backup import project_file
from storage.repository import CorruptProjectError, ProjectRepository, StorageError
from storage.review import is_reserved_name
from ui.annotate.main_window import MainWindow
from ui.backup_scheduler import BackupScheduler
from ui.dialogs.annotator_dialog import APPLICATION, ORGANISATION, ask_annotator, settings
from ui.project_actions import open_main_window
from ui.qt_platform import platform_problem
from ui.widgets.recent_projects import forget_project, recent_projects, remember_project

log = logging.getLogger(__name__)


def last_project() -> str | None:
    """The project the app had open last, if there is one (``main.py`` without --project)."""
    recent = recent_projects(settings())
    return recent[0] if recent else None


def recent_target(repo: ProjectRepository) -> str | None:
    """What File → Open Recent remembers for a project: its file, or a URL that needs no
    password in it (a password is never written to the settings)."""
    path = project_file(repo)
    if path is not None:
        return str(path.resolve())
    url = repo.display_url
    return None if "***" in url else url


class ProjectSession(QObject):
    """The one window of the app and the project it shows; switching project opens the
    other project's window and closes this one cleanly (its suggestion and training
    processes and its change watcher stop, its database connections close)."""

    def __init__(self, annotator: str, *, suggestions: bool = True) -> None:
        super().__init__()
        self.annotator = annotator
        self.suggestions = suggestions
        self.repo: ProjectRepository | None = None
        self.window: MainWindow | None = None

    def show(self, repo: ProjectRepository, notice: str = "") -> MainWindow:
        """Show a window on ``repo`` (the session closes the repository when it moves on)."""
        repo.add_annotator(self.annotator)
        window = open_main_window(repo, self.annotator, suggestions=self.suggestions)
        assert window.project_actions is not None
        window.project_actions.project_chosen.connect(self.switch)  # type: ignore[attr-defined]
        window.show()
        project = project_file(repo)
        if project is not None:  # a backup at open, then every 30 minutes of editing
            scheduler = BackupScheduler(project, window)
            scheduler.message.connect(window.on_message)
            QTimer.singleShot(0, scheduler.start)
        target = recent_target(repo)
        if target is not None:
            remember_project(settings(), target)
        if notice:
            window.on_message(notice)
        self.repo, self.window = repo, window
        return window

    def switch(self, target: str, create: bool = False) -> bool:
        """Open another project in place of this one; False (and a message) if it cannot."""
        window = self.window
        if self.repo is not None and window is not None:
            same = recent_target(self.repo)
            if same is not None and (same == target or same == _resolved(target)):
                window.on_message(f"{Path(target).name} is open already")
                return False
        if not create and "://" not in target and not Path(target).is_file():
            forget_project(settings(), target)
            self._refuse(f"{target} is not there any more; it is taken off the recent list.")
            return False
        try:
            repo = open_project(target, window)
        except StorageError as exc:
            self._refuse(f"{target} could not be opened: {exc}")
            return False
        if repo is None:
            return False
        old_repo = self.repo
        notice = f"Opened {repo.name}" + (" (new project)" if create else "")
        self.show(repo, notice)
        if window is not None:
            window.close()  # stops its suggestion and training processes and the watcher
            window.deleteLater()
        if old_repo is not None:
            old_repo.close()
        return True

    def _refuse(self, text: str) -> None:
        if self.window is not None:
            QMessageBox.warning(self.window, "Kathode — open project", text)
        else:
            print(f"kathode: {text}", file=sys.stderr)

    def close(self) -> None:
        """After the event loop: the last repository the session opened is closed."""
        if self.repo is not None:
            self.repo.close()


def _resolved(target: str) -> str:
    return target if "://" in target else str(Path(target).resolve())


def open_project(target: str, parent: MainWindow | None = None) -> ProjectRepository | None:
    """Open a project; a damaged one offers its newest backup (None when declined)."""
    try:
        return ProjectRepository.open(target)
    except CorruptProjectError as exc:
        from ui.dialogs.restore_dialog import offer_backup

        print(f"kathode: {exc}", file=sys.stderr)
        if not offer_backup(exc, Path(target)):
            return None
    return ProjectRepository.open(target)


def start_project() -> tuple[ProjectRepository, str]:
    """The project the app opens without --project: the last one, else the demo, with what
    the status bar should say about the choice."""
    from storage.demo import open_demo_project

    last = last_project()
    notice = ""
    if last is not None:
        if "://" in last or Path(last).is_file():
            try:
                return ProjectRepository.open(last), f"Reopened {last}"
            except StorageError as exc:
                notice = f"The last project {last} could not be opened ({exc}): the demo is open"
        else:
            notice = f"The last project {last} is gone: the demo project is open"
    repo, _ = open_demo_project()
    return repo, notice


def choose_annotator(annotator: str | None) -> tuple[str | None, int]:
    """The name given, else the remembered one, else asked for; without a usable one, the
    exit code (1: cancelled, 2: refused, with a message on stderr)."""
    stored = settings()
    name = annotator or str(stored.value("annotator", "") or "") or ask_annotator()
    if not name:
        return None, 1
    if is_reserved_name(name):
        print(f"kathode: “{name}” is reserved for the gold versions; choose another name",
              file=sys.stderr)  # fmt: skip
        return None, 2
    try:
        name = check_annotator_name(name)
    except InvalidNameError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return None, 2
    stored.setValue("annotator", name)
    return name, 0


def run_app(project: str | None, annotator: str | None) -> int:
    """Show the window on a project (None: the last one, or the demo); returns the exit code."""
    if QApplication.instance() is None:
        problem = platform_problem()  # Qt would abort in QApplication(): say what is missing
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    name, refused = choose_annotator(annotator)
    if name is None:
        return refused
    session = ProjectSession(name)
    if project is not None:
        repo = open_project(project)
        if repo is None:
            return 1
        notice = ""
    else:
        repo, notice = start_project()
    session.show(repo, notice)
    if os.environ.get("KATHODE_QUIT_WHEN_SHOWN"):  # start-up benchmark: first paint, then quit
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    try:
        return app.exec()
    finally:
        session.close()
