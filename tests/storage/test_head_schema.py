"""A new project is created at the head schema directly; it must equal a migrated one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from storage.engine import make_engine
from storage.migrate import HEAD, current_revision, upgrade
from storage.repository import ProjectRepository


def schema_of(engine: Engine) -> dict[str, Any]:
    """Tables, columns, keys, indexes and constraints (and PostgreSQL triggers), by name."""
    found: dict[str, Any] = {}
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in sorted(inspector.get_table_names()):
            columns = {
                c["name"]: (
                    str(c["type"]).upper(),
                    c["nullable"],
                    None if c.get("default") is None else str(c["default"]).strip("'\""),
                )
                for c in inspector.get_columns(table)
            }
            pk = inspector.get_pk_constraint(table)
            found[table] = {
                "columns": columns,
                "primary_key": (pk.get("name"), tuple(pk["constrained_columns"])),
                "foreign_keys": sorted(
                    (
                        fk.get("name"),
                        tuple(fk["constrained_columns"]),
                        fk["referred_table"],
                        tuple(fk["referred_columns"]),
                        (fk.get("options") or {}).get("ondelete"),
                    )
                    for fk in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                    for ix in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    (uq.get("name"), tuple(uq["column_names"]))
                    for uq in inspector.get_unique_constraints(table)
                ),
                "checks": sorted(
                    (ck.get("name"), " ".join(ck["sqltext"].split()))
                    for ck in inspector.get_check_constraints(table)
                ),
            }
        if connection.dialect.name == "postgresql":
            found["triggers"] = sorted(
                connection.execute(
                    text(
                        "SELECT event_object_table, trigger_name, event_manipulation, "
                        "action_timing, action_orientation, action_statement "
                        "FROM information_schema.triggers"
                    )
                ).all()
            )
            found["functions"] = sorted(
                connection.execute(
                    text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'kathode_%'")
                ).all()
            )
    return found


def migrated(engine: Engine) -> None:
    """Every migration replayed, as an old Kathode would have: one revision at a time."""
    for revision in ("0001", "0002", "0003", "0004", "0005", HEAD):
        upgrade(engine, revision)


def test_head_schema_equals_migrated_schema_sqlite(tmp_path: Path) -> None:
    fresh, old = make_engine(tmp_path / "fresh.kathode"), make_engine(tmp_path / "old.kathode")
    upgrade(fresh)
    migrated(old)
    try:
        assert current_revision(fresh) == current_revision(old) == HEAD
        created, replayed = schema_of(fresh), schema_of(old)
        assert set(created) == set(replayed)
        for table in created:
            assert created[table] == replayed[table], table
        assert "document" in created and "assignment" in created
    finally:
        fresh.dispose()
        old.dispose()


def test_head_schema_new_project_opens_at_head(tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "new.kathode") as repo:
        assert current_revision(repo.engine) == HEAD
        assert repo.name == "new"
        assert repo.labels()  # the default scheme, as before


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    base = os.environ.get("KATHODE_TEST_PG_URL")
    if not base:
        pytest.skip("KATHODE_TEST_PG_URL not set (source .ci/postgres.sh)")
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    names = [f"kathode_schema_{uuid.uuid4().hex[:8]}_{kind}" for kind in ("fresh", "old")]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    root = base.rsplit("/", 1)[0]
    try:
        yield f"{root}/{names[0]}", f"{root}/{names[1]}"
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_head_schema_equals_migrated_schema_postgres(pg_databases: tuple[str, str]) -> None:
    fresh, old = (make_engine(url) for url in pg_databases)
    try:
        upgrade(fresh)
        migrated(old)
        created, replayed = schema_of(fresh), schema_of(old)
        assert created["triggers"] and created["triggers"] == replayed["triggers"]
        assert created["functions"] == replayed["functions"]
        for table in created:
            assert created[table] == replayed[table], table
    finally:
        fresh.dispose()
        old.dispose()
