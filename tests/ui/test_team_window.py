"""A team project in the annotator's window: the queue holds one's own assignments, the end
of it asks for the next, and the menus offer only what the role may do — on SQLite and on
a real PostgreSQL server (each person under their own login)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storage.repository import ProjectRepository
from storage.team import add_member, init_team
from tests.storage.conftest import new_document
from tests.storage.test_team import login_url, psycopg_url
from tests.ui.conftest import OpenWindow
from ui.annotate.main_window import MainWindow
from ui.widgets.actions import ActionId

TEXTS = ["Northvolt opens a plant.", "CATL builds in Arnstadt.", "Umicore recycles cells."]


def make_team(project: str, names: dict[str, str], overlap: int = 1) -> list[int]:
    """Three documents, k = ``overlap``, the people as members (password ``pw-<name>``)."""
    roles = {"ana": "annotator", "ben": "annotator", "rev": "reviewer", "boss": "manager"}
    with ProjectRepository.open(project) as repo:
        docs = [d for d, _ in repo.add_documents([new_document(t) for t in TEXTS])]
        init_team(repo, overlap=overlap)
        for key, name in names.items():
            add_member(repo, name, roles[key], password="pw-" + name)
    return docs


@pytest.fixture
def pg_team(postgres_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    import psycopg

    suffix = uuid.uuid4().hex[:6]
    names = {key: f"{key}_{suffix}" for key in ("ana", "ben")}
    try:
        yield postgres_url, names
    finally:
        with psycopg.connect(psycopg_url(postgres_url), autocommit=True) as admin:
            for name in names.values():
                if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                    admin.execute(f'DROP OWNED BY "{name}"')  # a test may make only some
        with psycopg.connect(os.environ["KATHODE_TEST_PG_URL"], autocommit=True) as admin:
            for name in names.values():
                admin.execute(f'DROP ROLE IF EXISTS "{name}"')


def queue_ids(window: MainWindow) -> list[int | None]:
    model = window.queue.model
    return [model.document_id(row) for row in range(model.rowCount())]


def press(
    qtbot: QtBot,
    window: MainWindow,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A key in ``window``'s article, with the window active (shortcuts are per window)."""
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.article, key, modifier)


def check_two_annotators(
    qtbot: QtBot, open_window: OpenWindow, project: str, url_of: dict[str, str]
) -> None:
    with ProjectRepository.open(project) as repo:
        docs = repo.document_ids()
    ana_name, ben_name = url_of["ana_name"], url_of["ben_name"]
    _, ana = open_window(url_of["ana"], ana_name)
    assert queue_ids(ana) == [docs[0]]  # the window opened on her first assignment
    assert ana.document_id == docs[0]
    qtbot.waitUntil(lambda: ana.progress.text() == f"{ana_name}: 0 of 1 done", timeout=2000)
    _, ben = open_window(url_of["ben"], ben_name)
    assert queue_ids(ben) == [docs[1]]  # k = 1: not ana's document

    press(qtbot, ana, Qt.Key.Key_A)  # accept: the end of her queue asks for more
    assert queue_ids(ana) == [docs[0], docs[2]]
    assert ana.document_id == docs[2]
    press(qtbot, ana, Qt.Key.Key_A)
    assert queue_ids(ana) == [docs[0], docs[2]]  # the pool is empty now
    assert "No more documents" in ana.statusBar().currentMessage()
    press(qtbot, ben, Qt.Key.Key_A)
    assert queue_ids(ben) == [docs[1]]
    with ProjectRepository.open(project) as repo:
        assignees = repo.assignees()
    assert assignees == {docs[0]: [ana_name], docs[1]: [ben_name], docs[2]: [ana_name]}
    qtbot.waitUntil(lambda: ana.progress.text() == f"{ana_name}: 2 of 2 done", timeout=2000)


def test_team_window_queue_holds_assignments_on_sqlite(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    project = str(tmp_path / "team.kathode")
    make_team(project, {"ana": "ana", "ben": "ben"})
    urls = {"ana": project, "ben": project, "ana_name": "ana", "ben_name": "ben"}
    check_two_annotators(qtbot, open_window, project, urls)


@pytest.mark.postgres
def test_team_window_queue_holds_assignments_on_postgres(
    qtbot: QtBot, open_window: OpenWindow, pg_team: tuple[str, dict[str, str]]
) -> None:
    url, names = pg_team
    make_team(url, {"ana": names["ana"], "ben": names["ben"]})
    urls = {
        "ana": login_url(url, names["ana"], "pw-" + names["ana"]),
        "ben": login_url(url, names["ben"], "pw-" + names["ben"]),
        "ana_name": names["ana"],
        "ben_name": names["ben"],
    }
    check_two_annotators(qtbot, open_window, url, urls)


def check_becomes_team_project(
    qtbot: QtBot, open_window: OpenWindow, project: str, ana: str
) -> None:
    """``team init`` while the window is open: within a moment the queue holds the person's
    first assignment, and the end of it asks for the next, as if the window had opened so."""
    with ProjectRepository.open(project) as repo:
        docs = [d for d, _ in repo.add_documents([new_document(t) for t in TEXTS])]
    _, window = open_window(project, ana)
    assert queue_ids(window) == docs and not window.queue.team
    with ProjectRepository.open(project) as manager:  # another process, as far as the window knows
        init_team(manager, overlap=1)
        add_member(manager, ana, "annotator", password="pw-" + ana)
    qtbot.waitUntil(lambda: queue_ids(window) == [docs[0]], timeout=3000)
    assert window.queue.team
    window.queue.select_document(docs[0])
    qtbot.waitUntil(lambda: window.document_id == docs[0], timeout=3000)
    press(qtbot, window, Qt.Key.Key_A)  # accept: the end of the queue asks for more
    assert queue_ids(window) == [docs[0], docs[1]]


def test_team_window_learns_of_team_init_on_sqlite(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    check_becomes_team_project(qtbot, open_window, str(tmp_path / "later.kathode"), "ana")


@pytest.mark.postgres
def test_team_window_learns_of_team_init_on_postgres(
    qtbot: QtBot, open_window: OpenWindow, pg_team: tuple[str, dict[str, str]]
) -> None:
    url, names = pg_team
    check_becomes_team_project(qtbot, open_window, url, names["ana"])


def test_team_window_empty_filtered_view_asks_for_nothing(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    """A status filter that shows no document is not an empty queue: a reload (here, others'
    changes) does not hand the person another document."""
    from core.documents import Status

    project = str(tmp_path / "team.kathode")
    docs = make_team(project, {"ana": "ana"})
    repo, window = open_window(project, "ana")
    assert queue_ids(window) == [docs[0]]
    window.queue.status.setCurrentIndex(window.queue.status.findData(Status.REJECTED))
    assert queue_ids(window) == []
    reset = qtbot.waitSignal(window.queue.model.modelReset, timeout=3000)
    with reset, ProjectRepository.open(project) as other:  # a change that names no document
        other.add_documents([new_document("Northvolt files for protection.")])
    assert repo.assignees()[docs[0]] == ["ana"]
    assert sum(names == ["ana"] for names in repo.assignees().values()) == 1


def test_team_window_without_k_lists_every_document(
    open_window: OpenWindow, tmp_path: Path
) -> None:
    project = tmp_path / "solo.kathode"
    with ProjectRepository.open(project) as repo:
        docs = [d for d, _ in repo.add_documents([new_document(t) for t in TEXTS])]
    repo, window = open_window(project)
    assert queue_ids(window) == docs
    assert repo.assignees() == {d: [] for d in docs}  # nothing was assigned
    assert all(action.isVisible() for action in window.actions_by_id.values())


RESTRICTED = {
    ActionId.REVIEW,
    ActionId.AGREEMENT,
    ActionId.IMPORT,
    ActionId.LABELS,
    ActionId.TRAIN,
    ActionId.RESTORE_BACKUP,
}


@pytest.mark.parametrize(
    ("who", "hidden"),
    [
        ("ana", RESTRICTED),
        ("rev", RESTRICTED - {ActionId.REVIEW, ActionId.AGREEMENT}),
        ("boss", set()),
        ("stranger", RESTRICTED),  # not a member of a team project: an annotator's share
    ],
)
def test_team_window_offers_what_the_role_allows(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, who: str, hidden: set[ActionId]
) -> None:
    project = str(tmp_path / "roles.kathode")
    make_team(project, {"ana": "ana", "rev": "rev", "boss": "boss"})
    _, window = open_window(project, who)
    shown = {a for a, action in window.actions_by_id.items() if action.isVisible()}
    assert set(window.actions_by_id) - shown == hidden
    assert window.property("role") == ("annotator" if who == "stranger" else
                                       {"ana": "annotator", "rev": "reviewer",
                                        "boss": "manager"}[who])  # fmt: skip
    if ActionId.LABELS in hidden:
        # Neither the key nor the settings dialog's way to the scheme opens the editor.
        qtbot.keyClick(window.article, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        window.project_actions.on_labels()  # type: ignore[union-attr]
        assert "manager" in window.statusBar().currentMessage()
        menu_texts = [a.text() for a in window.menuBar().actions()]
        assert "&Project" in menu_texts


def test_team_window_reviewer_is_assigned_only_when_asking(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    project = str(tmp_path / "team.kathode")
    docs = make_team(project, {"ana": "ana", "rev": "rev"})
    repo, window = open_window(project, "rev")
    assert queue_ids(window) == [] and repo.assignees()[docs[0]] == []  # opening took nothing
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # Next document
    assert queue_ids(window) == [docs[0]] and window.document_id == docs[0]
    assert repo.assignees()[docs[0]] == ["rev"]
