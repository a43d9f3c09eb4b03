from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from storage.repository import ProjectRepository
from ui.annotate.main_window import MainWindow
from ui.project_actions import open_main_window

OpenWindow = Callable[..., tuple[ProjectRepository, MainWindow]]


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[OpenWindow]:
    """Open the real window on a project file, active, as a person would see it."""
    opened: list[tuple[ProjectRepository, MainWindow]] = []

    def open_(
        path: Path, annotator: str = "ana", *, suggestions: bool = False
    ) -> tuple[ProjectRepository, MainWindow]:
        repo = ProjectRepository.open(path)
        window = open_main_window(repo, annotator, suggestions=suggestions)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        opened.append((repo, window))
        return repo, window

    yield open_
    for repo, window in opened:
        window.close()
        repo.close()
