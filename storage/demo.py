"""The demo project: created on first start from the sample articles in ``resources/samples``."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

from storage.importer import ImportSummary, import_paths
from storage.repository import RESOURCES, ProjectRepository

SAMPLES = RESOURCES / "samples"
DEMO_FILE = "demo.kathode"


def data_dir() -> Path:
    """Where Kathode keeps its own projects (the platform's user data folder)."""
    return user_data_path("Kathode", appauthor=False)


def demo_path() -> Path:
    return data_dir() / DEMO_FILE


def open_demo_project() -> tuple[ProjectRepository, ImportSummary | None]:
    """Open the demo project, creating and filling it on first use."""
    path = demo_path()
    fresh = not path.exists()
    repo = ProjectRepository.open(path, name="Kathode demo")
    summary = None
    if fresh or not repo.document_ids():
        articles = sorted(p for p in SAMPLES.glob("*.md") if p.name != "README.md")
        summary = import_paths(repo, articles)
    return repo, summary
