"""Engines for project databases: a SQLite path or any SQLAlchemy URL (PostgreSQL for teams).

On SQLite every connection runs in WAL mode with foreign keys on and a busy timeout, and
every write transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue at the
start instead of failing half-way; read transactions start deferred and never block writers.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DisconnectionError

BUSY_TIMEOUT_MS = 5_000
WRITE_OPTION = "kathode_write"
# A pooled server connection idle this long is pinged before use (one round trip); one used
# a moment ago is not, so a run of edits pays no ping each.
IDLE_PING_SECONDS = 10.0


def project_url(path_or_url: str | Path) -> URL:
    """Turn a project argument (a file path or a SQLAlchemy URL) into a URL."""
    text = str(path_or_url)
    if "://" in text:
        url = make_url(text)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url
    path = Path(text).expanduser().resolve()
    return URL.create("sqlite+pysqlite", database=str(path))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def make_engine(path_or_url: str | Path | URL) -> Engine:
    """Create the engine for a project, with the SQLite connection rules above."""
    url = path_or_url if isinstance(path_or_url, URL) else project_url(path_or_url)
    if not is_sqlite(url):
        engine = create_engine(url)
        _ping_when_idle(engine)
        return engine
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping`` for connections that sat idle: a server restarted or a connection
    dropped while the window was idle is found before the next edit, which then runs on a
    fresh connection (the pool retries on ``DisconnectionError``)."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["kathode_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("kathode_idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc
