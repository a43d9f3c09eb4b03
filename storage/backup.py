"""Backups of SQLite projects, as Anki keeps them: SQLite's online backup API (a consistent
copy even while another connection writes), the last N kept beside the project in
``<name>.backups/``, restored in place.

A backup is itself a Kathode project file; a good one passes ``PRAGMA quick_check`` and has
a schema revision. ``BackupPolicy`` decides when the app takes one: when a project opens,
then every 30 minutes of editing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storage.engine import is_sqlite

if TYPE_CHECKING:
    from storage.repository_base import RepositoryBase

log = logging.getLogger(__name__)

DEFAULT_KEEP = 10
EDIT_INTERVAL_S = 30 * 60
_SUFFIX = ".kathode-backup"
_STAMP = "%Y%m%d-%H%M%S"


class BackupError(RuntimeError):
    """A backup that cannot be taken or restored, with a message for people."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken: datetime
    documents: int
    annotations: int
    spans: int
    good: bool
    problem: str = ""


def project_file(repo: RepositoryBase) -> Path | None:
    """The SQLite file behind a repository, or None for a PostgreSQL (team) project."""
    if not is_sqlite(repo.url) or not repo.url.database or repo.url.database == ":memory:":
        return None
    return Path(repo.url.database)


def edit_mark(project: Path) -> tuple[object, ...]:
    """A cheap fingerprint of the edits in a project: changes whenever an edit is committed
    (every edit touches its annotation's ``updated_at``)."""
    connection = _connect_read_only(project)
    try:
        row = connection.execute("SELECT count(*), max(updated_at) FROM annotation").fetchone()
        spans = connection.execute("SELECT count(*), max(id) FROM span").fetchone()
        return (*row, *spans)
    finally:
        connection.close()


def backup_folder(project: Path) -> Path:
    """Where the backups of ``project`` live: ``<name>.backups`` beside it."""
    project = Path(project)
    return project.with_name(f"{project.name}.backups")


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def take_backup(project: Path, out: Path | None = None, *, keep: int = DEFAULT_KEEP) -> BackupInfo:
    """Copy ``project`` with SQLite's backup API to ``out`` (default: a new dated file in the
    backup folder, pruned to the newest ``keep``). The copy appears complete or not at all."""
    project = Path(project)
    if not project.is_file():
        raise BackupError(f"no project at {project}")
    if out is None:
        folder = backup_folder(project)
        stamp = datetime.now().strftime(_STAMP)
        out = folder / f"{project.stem}-{stamp}{_SUFFIX}"
        n = 1
        while out.exists():
            n += 1
            out = folder / f"{project.stem}-{stamp}-{n}{_SUFFIX}"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        source = _connect_read_only(project)
        try:
            target = sqlite3.connect(temp)
            try:
                source.backup(target, pages=1024)
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        problem = _problem(temp)
        if problem:
            raise BackupError(f"the project {project} is damaged ({problem}); backup refused")
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {project}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write the backup {out}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    if out.parent == backup_folder(project):
        prune(project, keep)
    log.info("backed up %s to %s", project, out)
    return describe(out)


def _problem(path: Path) -> str:
    """What is wrong with a project or backup file, or "" when it is a good Kathode file."""
    try:
        connection = _connect_read_only(path)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
            if rows != ["ok"]:
                return "; ".join(map(str, rows))
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None:
                return "no schema revision"
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return str(exc)
    return ""


def describe(path: Path) -> BackupInfo:
    """A backup's date (from the file) and counts; ``good`` False for a damaged one."""
    path = Path(path)
    taken = datetime.fromtimestamp(path.stat().st_mtime)
    problem = _problem(path)
    counts = [0, 0, 0]
    if not problem:
        connection = _connect_read_only(path)
        try:
            for i, table in enumerate(("document", "annotation", "span")):
                counts[i] = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except sqlite3.Error as exc:
            problem = str(exc)
        finally:
            connection.close()
    documents, annotations, spans = counts
    return BackupInfo(path, taken, documents, annotations, spans, not problem, problem)


def backups_of(project: Path) -> list[Path]:
    """The backup files of ``project``, newest first."""
    folder = backup_folder(Path(project))
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.name.endswith(_SUFFIX) and p.is_file()]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def list_backups(project: Path) -> list[BackupInfo]:
    """Every backup of ``project`` with its date and counts, newest first."""
    return [describe(path) for path in backups_of(project)]


def newest_good_backup(project: Path) -> BackupInfo | None:
    for path in backups_of(project):
        info = describe(path)
        if info.good:
            return info
    return None


def prune(project: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` backups (and temp files of killed backups)."""
    for old in backups_of(project)[max(1, keep) :]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    folder = backup_folder(project)
    for stale in folder.glob(f".*{_SUFFIX}.*.tmp"):
        pid = stale.name.rsplit(".", 2)[-2].split("-")[0]
        if not pid.isdigit() or not _alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def restore_backup(backup: Path, project: Path) -> Path | None:
    """Put the backup's content in place of ``project``; return where a damaged project file
    was moved aside (None when the project was whole or absent).

    A whole project is overwritten through SQLite's backup API (so its WAL and locks are
    honoured) after a backup of it is taken; a damaged one is moved aside with its WAL files
    first. Nothing should have the project open meanwhile.
    """
    backup, project = Path(backup), Path(project)
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    problem = _problem(backup)
    if problem:
        raise BackupError(f"{backup} is not a good Kathode backup ({problem}); nothing restored")
    moved: Path | None = None
    if project.is_file() and _problem(project):
        moved = project.with_name(f"{project.name}.damaged-{datetime.now().strftime(_STAMP)}")
        for part in ("", "-wal", "-shm"):
            side = Path(f"{project}{part}")
            if side.exists():
                os.replace(side, Path(f"{moved}{part}"))
    elif project.is_file():
        take_backup(project)  # the state before the restore stays one restore away
    try:
        source = _connect_read_only(backup)
        try:
            target = sqlite3.connect(project, timeout=5)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {project}: {exc}") from None
    log.info("restored %s from %s", project, backup)
    return moved


@dataclass
class BackupPolicy:
    """When the app backs a project up: at open, then after each 30 minutes that saw edits.

    ``changed()`` returns a fingerprint of the project's edits (cheap to compute); a backup is
    due when it differs from the one at the last backup and the interval has passed.
    """

    project: Path
    changed: Callable[[], object]
    keep: int = DEFAULT_KEEP
    interval_s: float = EDIT_INTERVAL_S
    clock: Callable[[], float] = time.monotonic
    _last_at: float | None = None
    _last_mark: object = None

    def due(self) -> bool:
        if self._last_at is None:
            return True
        if self.clock() - self._last_at < self.interval_s:
            return False
        return self.changed() != self._last_mark

    def run(self) -> BackupInfo | None:
        """Take a backup if one is due; None when not."""
        if not self.due():
            return None
        mark = self.changed()
        info = take_backup(self.project, keep=self.keep)
        self._last_at, self._last_mark = self.clock(), mark
        return info
