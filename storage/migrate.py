"""Bringing a project database to the head schema: a new one is created there directly, an
older one is migrated with Alembic.

A new, empty database gets the models' tables (``create_all``, plus PostgreSQL's notification
triggers) and Alembic's version row at ``HEAD``, the state replaying every migration would
leave (a test compares the two schemas); that takes milliseconds instead of replaying six
migrations. Alembic itself is imported only when a database is behind ``HEAD``, which keeps
it out of the app's and the CLI's start-up (a test checks ``HEAD`` against Alembic).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

from storage.engine import WRITE_OPTION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0007"
# Kathode's version (pyproject.toml's, a test keeps them equal), named when a project needs
# a newer one.
KATHODE_VERSION = "0.1.0"

# Alembic's own version table, as ``alembic stamp`` creates it.
_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision according to Alembic's script directory."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` (head by default): a new, empty
    database is created at head directly, any other one is migrated."""
    if revision == "head":
        if current_revision(engine) == HEAD:  # read first: no write lock for the usual case
            return
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
            current = _revision(connection)  # again, now under the write lock
            if current == HEAD:
                return
            if current is None and not inspect(connection).get_table_names():
                create_head_schema(connection)
                connection.commit()
                return
    from alembic import command

    config = alembic_config()
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def create_head_schema(connection: Connection) -> None:
    """The head schema in an empty database, stamped ``HEAD``, inside ``connection``'s
    transaction (committed by the caller)."""
    from storage.models import Base

    Base.metadata.create_all(connection)
    if connection.dialect.name == "postgresql":
        from storage.pg_notify import create_notify_triggers

        create_notify_triggers(connection)
    _VERSION_TABLE.create(connection)
    connection.execute(_VERSION_TABLE.insert().values(version_num=HEAD))
