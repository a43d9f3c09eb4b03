"""The base of the repository: engine, sessions, transactions and errors.

Write transactions begin with ``BEGIN IMMEDIATE`` on SQLite (see ``storage.engine``); reads
begin deferred. The feature parts of the repository (documents and annotations, labels,
suggestion cache, statistics) build on this class, each in its own module.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from core.spans import Token
from core.text_rules import check_annotator_name
from storage import models as m
from storage.engine import WRITE_OPTION, is_sqlite
from storage.upserts import insert_missing


class StorageError(RuntimeError):
    """A project database that cannot be opened or written, with a message for people."""


class PermissionDeniedError(StorageError):
    """The database refused a write this login's team role may not make (PostgreSQL)."""


class StorageFullError(StorageError):
    """The database cannot take any more writes (disk full, read-only file or location):
    retrying, record by record or otherwise, cannot help."""


class CorruptProjectError(StorageError):
    """The project file is damaged; ``backup`` names the newest good backup, if there is one."""

    def __init__(self, message: str, backup: str | None = None, problem: str = "") -> None:
        super().__init__(message)
        self.backup = backup
        self.problem = problem


# Driver messages of errors that stop all writing (SQLite, then PostgreSQL).
_FULL_MARKERS = (
    "database or disk is full",
    "attempt to write a readonly database",
    "disk i/o error",
    "no space left on device",
    "could not extend file",
    "read-only transaction",
)
_CORRUPT_MARKERS = (
    "database disk image is malformed",
    "file is not a database",
    "could not decode to utf-8",
)


def storage_error(exc: Exception, url: URL, doing: str) -> StorageError:
    """A driver error as a ``StorageError`` for people: a full or read-only database and a
    damaged file get their own kinds and one clear line each."""
    reason = str(getattr(exc, "orig", None) or exc)
    lowered = reason.lower()
    where = display_url_of(url)
    if "locked" in lowered or "busy" in lowered:
        return StorageError(
            f"project {where} is locked by another program; "
            "nothing was changed — try again when it is free"
        )
    if any(marker in lowered for marker in _FULL_MARKERS):
        return StorageFullError(f"cannot write to {where}: {reason}")
    if any(marker in lowered for marker in _CORRUPT_MARKERS):
        return CorruptProjectError(
            f"project {where} is damaged ({reason}); restore a backup "
            f"(kathode restore BACKUP --project {where})"
        )
    return StorageError(f"cannot {doing} {where}: {reason}")


class UnknownDocumentError(KeyError):
    """A document id that the project does not have."""


class RepositoryBase:
    """Sessions on one project database; every method of a subclass is one transaction."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._tokens: OrderedDict[int, Sequence[Token]] = OrderedDict()
        self._annotator_ids: dict[str, int] = {}

    @property
    def name(self) -> str:
        with self.reading() as s:
            return s.scalars(select(m.ProjectRow.name)).one()

    @property
    def display_url(self) -> str:
        return display_url_of(self.url)

    def forget_cached(self) -> None:
        """Drop cached ids and tokens and the pooled connections: after a restore, the
        database underneath is another one."""
        self._tokens.clear()
        self._annotator_ids.clear()
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success.

        A database that stays locked by another program past the busy timeout becomes a
        ``StorageError`` that says so; the transaction is rolled back, nothing half-written.
        """
        try:
            with self._write.begin() as session:
                yield session
        except (OperationalError, DatabaseError) as exc:
            if isinstance(exc, IntegrityError):
                raise
            if isinstance(exc, ProgrammingError) and getattr(exc.orig, "sqlstate", None) == "42501":
                raise PermissionDeniedError(  # insufficient_privilege: a team role's limit
                    f"{self.display_url} refused the change: {exc.orig}"
                ) from exc
            raise storage_error(exc, self.url, "write to") from exc

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One read transaction: deferred, so it never waits for a writer (WAL snapshot)."""
        try:
            with self._read() as session, session.begin():
                yield session
        except (OperationalError, DatabaseError) as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise storage_error(exc, self.url, "read") from exc

    def _annotator_id(self, s: Session, name: str) -> int:
        cached = self._annotator_ids.get(name)
        if cached is not None:
            return cached
        query = select(m.AnnotatorRow.id).where(m.AnnotatorRow.name == name)
        found = s.scalar(query)
        if found is None:
            check_annotator_name(name)
            insert_missing(
                s, m.AnnotatorRow.__table__, [{"name": name, "created_at": m.utcnow()}], ["name"]
            )
            found = s.scalars(query).one()
        self._annotator_ids[name] = found
        return found


def display_url_of(url: URL) -> str:
    if is_sqlite(url):
        return str(url.database)
    return url.render_as_string(hide_password=True)
