"""Checks when a project opens: a schema this Kathode knows, and a SQLite file that is whole.

A project from a newer Kathode is refused with its schema revision named, before Alembic
could fail on it; a damaged SQLite file (``PRAGMA quick_check``) is refused with the way
out: the newest good backup, if there is one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from storage.engine import is_sqlite
from storage.migrate import HEAD, KATHODE_VERSION, current_revision
from storage.repository_base import CorruptProjectError, StorageError, display_url_of

log = logging.getLogger(__name__)


def check_project(engine: Engine, url: URL) -> None:
    """Raise ``CorruptProjectError`` for a damaged SQLite file, ``StorageError`` for a schema
    revision this Kathode does not know; return quietly for a new, empty database."""
    if is_sqlite(url) and url.database and url.database != ":memory:":
        path = Path(url.database)
        if path.is_file() and path.stat().st_size > 0:
            problem = quick_check(engine)
            if problem is not None:
                raise corrupt_project(path, problem)
    try:
        revision = current_revision(engine)
    except DBAPIError as exc:
        if is_sqlite(url):
            raise corrupt_project(Path(str(url.database)), str(exc.orig)) from None
        raise
    check_revision(revision, display_url_of(url))


def check_revision(revision: str | None, where: str) -> None:
    """Refuse a schema revision newer than (or unknown to) this Kathode."""
    if revision is None or (revision.isdigit() and len(revision) == len(HEAD) and revision <= HEAD):
        return
    raise StorageError(
        f"project {where} has schema revision {revision}, made by a newer Kathode; this "
        f"Kathode ({KATHODE_VERSION}) knows schema revisions up to {HEAD}: open it with the "
        "Kathode version that made it, or update Kathode"
    )


def quick_check(engine: Engine) -> str | None:
    """SQLite's ``PRAGMA quick_check``: None when the file is whole, else what is wrong."""
    try:
        with engine.connect() as connection:
            rows = [row[0] for row in connection.execute(text("PRAGMA quick_check(5)"))]
    except DBAPIError as exc:
        return str(exc.orig)
    if rows == ["ok"]:
        return None
    return "; ".join(str(row) for row in rows)


def corrupt_project(path: Path, problem: str) -> CorruptProjectError:
    """The error for a damaged project file, naming the newest good backup if there is one."""
    from storage.backup import newest_good_backup

    log.info("project %s is damaged: %s", path, problem)
    backup = newest_good_backup(path)
    if backup is None:
        way_out = "there is no backup of it"
    else:
        way_out = (
            f"the newest good backup is {backup.path} ({backup.taken:%Y-%m-%d %H:%M}, "
            f"{backup.documents} documents): kathode restore {backup.path} --project {path}"
        )
    return CorruptProjectError(
        f"cannot open project {path}: the file is damaged ({problem}); {way_out}",
        None if backup is None else str(backup.path),
        problem,
    )
