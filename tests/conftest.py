"""Shared test setup: Qt offscreen, isolated user folders, and where ../shared lives."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Keep the demo project and settings of tests out of the real user's folders.

    Qt reads XDG_CONFIG_HOME only once per process, so QSettings is pointed at the test's
    folder explicitly as well.
    """
    from PySide6.QtCore import QSettings

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    formats = (QSettings.Format.NativeFormat, QSettings.Format.IniFormat)
    for settings_format in formats:
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(home / "config"))
    yield home
    for settings_format in formats:
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(home / "after"))


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when that folder is absent."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is not checked out beside the repo)")
    return path


def shared_seed(name: str) -> Path:
    path = SHARED / "seed" / name
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is not checked out beside the repo)")
    return path


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the server named by KATHODE_TEST_PG_URL."""
    admin_url = os.environ.get("KATHODE_TEST_PG_URL")
    if not admin_url:
        pytest.skip("KATHODE_TEST_PG_URL is not set (.ci/run starts a PostgreSQL server)")
    import psycopg

    name = f"kathode_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
