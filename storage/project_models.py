"""Where a project keeps its trained models, and how a new one is swapped in.

A SQLite project ``news.kathode`` keeps them beside itself in ``news.kathode.models/``; a
PostgreSQL project (or an in-memory one) in the user data folder under
``models/<16 hex digits of SHA-256 over the URL without password>/``. Inside, one folder per
language, one folder per model (``<UTC time>-<data hash>``) holding the spaCy pipeline and
``kathode.json`` (labels, data hash, figures, base, spaCy version, date), and a file
``LATEST`` naming the model in use.

A new model is written to a ``.tmp-*`` folder, renamed into place, and only then named in
``LATEST`` (written to a temporary file and moved over the old one with ``os.replace``), so a
training run that is killed or fails at any point leaves the previous model in use. Left-over
``.tmp-*`` folders of killed runs are removed by the next run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy.engine import URL

from storage.engine import is_sqlite

log = logging.getLogger(__name__)

META_FILE = "kathode.json"
LATEST_FILE = "LATEST"
TMP_PREFIX = ".tmp-"
KEEP_MODELS = 5


@dataclass(frozen=True, slots=True)
class ProjectModel:
    """One trained model of a project: its folder and its ``kathode.json``."""

    path: Path
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.meta.get("version", self.path.name))

    @property
    def language(self) -> str:
        return str(self.meta.get("lang", self.path.parent.name))

    @property
    def joins_default(self) -> bool:
        """Whether the language's ``default`` suggester uses it: only when its dev F1 beat
        the built-in suggester's on the same dev documents."""
        return bool(self.meta.get("beats_builtin", False))


def models_root(url: URL) -> Path:
    """The folder of a project's models (see the module docstring)."""
    if is_sqlite(url) and url.database not in (None, "", ":memory:"):
        database = Path(str(url.database))
        return database.with_name(database.name + ".models")
    plain = url.render_as_string(hide_password=True).replace("***", "")
    key = hashlib.sha256(plain.encode("utf-8")).hexdigest()[:16]
    return user_data_path("Kathode", appauthor=False) / "models" / key


def latest(url: URL, language: str) -> ProjectModel | None:
    """The model in use for ``language``, or None when the project has trained none."""
    folder = models_root(url) / language
    try:
        name = (folder / LATEST_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return _read(folder / name)


def history(url: URL, language: str) -> list[ProjectModel]:
    """Every stored model of ``language``, newest first."""
    folder = models_root(url) / language
    if not folder.is_dir():
        return []
    models = [_read(p) for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    found = [m for m in models if m is not None]
    return sorted(found, key=lambda m: str(m.meta.get("created", "")), reverse=True)


def staging_folder(url: URL, language: str) -> Path:
    """A new, empty folder to save a model into before :func:`install`; earlier runs'
    left-overs are removed first."""
    folder = models_root(url) / language
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=folder))


def install(staged: Path, meta: dict[str, Any]) -> ProjectModel:
    """Move a saved pipeline from its staging folder into place with ``meta`` and make it
    the language's model in use; the oldest models beyond :data:`KEEP_MODELS` are removed."""
    _write_json(staged / META_FILE, meta)
    folder = staged.parent
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{str(meta.get('data_hash', ''))[:8]}"
    final = folder / name
    os.replace(staged, final)
    _fsync_dir(folder)
    pointer = folder / f"{TMP_PREFIX}{LATEST_FILE}"
    with pointer.open("w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(pointer, folder / LATEST_FILE)
    _fsync_dir(folder)
    model = ProjectModel(final, meta)
    for old in history_paths(folder)[KEEP_MODELS:]:
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return model


def history_paths(folder: Path) -> list[Path]:
    names = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
        reverse=True,
    )
    return names


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


def _read(path: Path) -> ProjectModel | None:
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("project model %s has no readable %s; ignored", path, META_FILE)
        return None
    if not isinstance(meta, dict):
        return None
    return ProjectModel(path, meta)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
