"""The base of the repository: engine, sessions, transactions and errors.

Write transactions begin with ``BEGIN IMMEDIATE`` on SQLite (see ``storage.engine``); reads
begin deferred. The feature parts of the repository (documents and annotations, labels,
suggestion cache, statistics) build on this class, each in its own module.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from core.spans import Token
from storage import models as m
from storage.engine import WRITE_OPTION, is_sqlite


class StorageError(RuntimeError):
    """A project database that cannot be opened or written, with a message for people."""


class PermissionDeniedError(StorageError):
    """The database refused a write this login's team role may not make (PostgreSQL)."""


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
        self._tokens: OrderedDict[int, list[Token]] = OrderedDict()
        self._annotator_ids: dict[str, int] = {}

    @property
    def name(self) -> str:
        with self.reading() as s:
            return s.scalars(select(m.ProjectRow.name)).one()

    @property
    def display_url(self) -> str:
        return display_url_of(self.url)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success.

        A database that stays locked by another program past the busy timeout becomes a
        ``StorageError`` that says so; the transaction is rolled back, nothing half-written.
        """
        try:
            with self._write.begin() as session:
                yield session
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StorageError(
                    f"project {self.display_url} is locked by another program; "
                    "nothing was changed — try again when it is free"
                ) from exc
            raise StorageError(f"cannot write to {self.display_url}: {exc.orig}") from exc
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
                raise PermissionDeniedError(
                    f"{self.display_url} refused the change: {exc.orig}"
                ) from exc
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def _annotator_id(self, s: Session, name: str) -> int:
        cached = self._annotator_ids.get(name)
        if cached is not None:
            return cached
        found = s.scalar(select(m.AnnotatorRow.id).where(m.AnnotatorRow.name == name))
        if found is None:
            row = m.AnnotatorRow(name=name)
            s.add(row)
            s.flush()
            found = row.id
        self._annotator_ids[name] = found
        return found


def display_url_of(url: URL) -> str:
    if is_sqlite(url):
        return str(url.database)
    return url.render_as_string(hide_password=True)
