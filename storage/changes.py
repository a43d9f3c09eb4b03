"""Other people's changes as they happen, for windows that must stay up to date (no Qt).

A :class:`ChangeWatcher` runs a thread with its own database connection and calls back
with the changes it saw, a batch at a time. On PostgreSQL it listens on the ``kathode``
channel, which the triggers of migration 0006 notify on every change of a version, an
assignment, the documents or the scheme. On SQLite it polls ``PRAGMA data_version``, which
changes when any other connection commits, and then asks which versions and assignments
changed since the last look (every edit touches its annotation's ``updated_at``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import URL

from storage import models as m
from storage.engine import is_sqlite

log = logging.getLogger(__name__)

CHANNEL = "kathode"
POLL_SECONDS = 0.25
RECONNECT_SECONDS = 1.0
# Commits of other processes may carry a timestamp taken a moment before ours.
_CLOCK_SLACK = timedelta(seconds=2)


@dataclass(frozen=True)
class Change:
    """One change: the table, and for versions and assignments the document and whose.

    A change without a document (imports, the scheme, a lost connection) means: reload.
    """

    table: str
    document_id: int | None = None
    annotator: str | None = None


OnChanges = Callable[[list[Change]], None]


class ChangeWatcher:
    """Calls ``on_changes`` (in the watcher's thread) with each batch of changes."""

    def __init__(self, url: URL, on_changes: OnChanges, *, interval: float = POLL_SECONDS):
        self.url = url
        self._on_changes = on_changes
        self._interval = interval
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kathode-changes", daemon=True)

    def start(self, *, wait: float = 5.0) -> ChangeWatcher:
        """Start watching; returns once the watcher listens (or after ``wait`` seconds)."""
        self._thread.start()
        self._ready.wait(wait)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def __enter__(self) -> ChangeWatcher:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        watch = self._watch_sqlite if is_sqlite(self.url) else self._watch_postgres
        first = True
        while not self._stop.is_set():
            try:
                watch(first)
            except Exception as exc:  # a lost server or file: try again, then reload
                log.warning("watching %s failed (%s); trying again", self.url.database, exc)
                self._ready.set()
                self._stop.wait(RECONNECT_SECONDS)
                first = False
                continue
            return

    def _emit(self, changes: list[Change]) -> None:
        if changes and not self._stop.is_set():
            try:
                self._on_changes(changes)
            except Exception:
                log.exception("a change handler failed")

    # -- PostgreSQL ----------------------------------------------------------------------

    def _watch_postgres(self, first: bool) -> None:
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._ready.set()
            if not first:
                self._emit([Change("reconnected")])
            while not self._stop.is_set():
                batch = [_parse(n.payload) for n in connection.notifies(timeout=self._interval)]
                self._emit(list(dict.fromkeys(batch)))

    # -- SQLite --------------------------------------------------------------------------

    def _watch_sqlite(self, first: bool) -> None:
        connection = sqlite3.connect(str(self.url.database), isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout=5000")
            version = _data_version(connection)
            seen = _now(connection)
            documents = _document_mark(connection)
            self._ready.set()
            if not first:
                self._emit([Change("reconnected")])
            while not self._stop.wait(self._interval):
                current = _data_version(connection)
                if current == version:
                    continue
                version = current
                changes, seen = _changed_since(connection, seen)
                mark = _document_mark(connection)
                if mark != documents:
                    documents = mark
                    changes.append(Change(m.DocumentRow.__tablename__))
                # A commit that changed none of these (the scheme, settings) still counts.
                self._emit(changes or [Change("database")])
        finally:
            connection.close()


def _parse(payload: str) -> Change:
    try:
        data: dict[str, Any] = json.loads(payload)
        return Change(str(data["table"]), data.get("document"), data.get("annotator"))
    except (ValueError, KeyError, TypeError):
        return Change("unknown")


def _data_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA data_version").fetchone()[0])


def _now(connection: sqlite3.Connection) -> str:
    """The newest change time already seen, in the stored format (see ``_changed_since``)."""
    row = connection.execute(
        "SELECT max(t) FROM (SELECT max(updated_at) AS t FROM annotation "
        "UNION ALL SELECT max(assigned_at) FROM assignment)"
    ).fetchone()
    return str(row[0] or "")


def _document_mark(connection: sqlite3.Connection) -> tuple[int, int]:
    count, top = connection.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM document"
    ).fetchone()
    return int(count), int(top)


def _changed_since(connection: sqlite3.Connection, seen: str) -> tuple[list[Change], str]:
    """Versions and assignments stamped after ``seen`` (less a little slack for the clocks
    of other processes); and the newest stamp among them."""
    since = _minus_slack(seen)
    rows = connection.execute(
        "SELECT 'annotation', a.document_id, p.name, a.updated_at FROM annotation a "
        "JOIN annotator p ON p.id = a.annotator_id WHERE a.updated_at > :since "
        "UNION ALL SELECT 'assignment', s.document_id, p.name, s.assigned_at FROM assignment s "
        "JOIN annotator p ON p.id = s.annotator_id WHERE s.assigned_at > :since",
        {"since": since},
    ).fetchall()
    newest = max([seen, *(str(r[3]) for r in rows)])
    changes = list(dict.fromkeys(Change(table, doc, name) for table, doc, name, _ in rows))
    return changes, newest


def _minus_slack(stamp: str) -> str:
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return ""
    return (moment - _CLOCK_SLACK).isoformat(sep=" ")
