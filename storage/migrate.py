"""Applying the Alembic migrations: every project is brought to head whenever it opens.

Alembic itself is imported only when a database is not at ``HEAD`` already, which keeps
it out of the app's start-up in the common case (a test checks ``HEAD`` against Alembic).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from storage.engine import WRITE_OPTION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0007"
# Kathode's version (pyproject.toml's, a test keeps them equal), named when a project needs
# a newer one.
KATHODE_VERSION = "0.1.0"


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
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` (head by default)."""
    if revision == "head" and current_revision(engine) == HEAD:
        return
    from alembic import command

    config = alembic_config()
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
