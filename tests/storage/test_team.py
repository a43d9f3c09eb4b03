"""Team roles enforced by a real PostgreSQL server: each person writes only what their role
may, even with psql under their own login; on SQLite the roles are recorded only."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span
from storage.engine import project_url
from storage.repository import ProjectRepository
from storage.repository_base import PermissionDeniedError
from storage.team import Member, TeamError, add_member, check_login_name, init_team, members
from tests.storage.conftest import new_document

TEXT = "GM buys cells from CATL in Nevada."
GM, CATL = Span(0, 2, "ORG"), Span(19, 23, "ORG")


def login_url(url: str, name: str, password: str) -> str:
    return project_url(url).set(username=name, password=password).render_as_string(False)


def psycopg_url(url: str) -> str:
    return project_url(url).set(drivername="postgresql").render_as_string(False)


@pytest.fixture
def team(postgres_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A PostgreSQL team project with an annotator pair, a reviewer and a manager (unique
    login names: roles belong to the whole server); the logins are dropped afterwards."""
    import psycopg

    suffix = uuid.uuid4().hex[:6]
    names = {role: f"{role}_{suffix}" for role in ("ana", "ben", "rev", "boss")}
    roles = {"ana": "annotator", "ben": "annotator", "rev": "reviewer", "boss": "manager"}
    with ProjectRepository.open(postgres_url) as repo:
        repo.add_documents([new_document(TEXT)])
        init_team(repo, overlap=2)
        for key, name in names.items():
            assert add_member(repo, name, roles[key], password="pw-" + name) is None
    try:
        yield postgres_url, names
    finally:
        with psycopg.connect(psycopg_url(postgres_url), autocommit=True) as admin:
            for name in names.values():
                admin.execute(f'DROP OWNED BY "{name}"')
        with psycopg.connect(os.environ["KATHODE_TEST_PG_URL"], autocommit=True) as admin:
            for name in names.values():
                admin.execute(f'DROP ROLE IF EXISTS "{name}"')


def as_login(url: str, name: str) -> ProjectRepository:
    return ProjectRepository.open(login_url(url, name, "pw-" + name))


@pytest.mark.postgres
def test_team_annotator_login_cannot_change_another_annotators_span(
    team: tuple[str, dict[str, str]],
) -> None:
    import psycopg

    url, names = team
    ana, ben = names["ana"], names["ben"]
    with as_login(url, ana) as repo:
        [doc] = repo.document_ids()
        repo.add_span(doc, ana, GM)
        assert repo.next_document(ana) == doc
    with as_login(url, ben) as repo:
        repo.add_span(doc, ben, CATL)
        with pytest.raises(PermissionDeniedError, match="refused the change"):
            repo.add_span(doc, ana, CATL)  # the app under ben's login, writing as ana

    raw_ana = psycopg_url(login_url(url, ana, "pw-" + ana))
    with psycopg.connect(raw_ana, autocommit=True) as c:
        ben_span = c.execute(
            "SELECT s.id FROM span s JOIN annotation a ON a.id = s.annotation_id "
            "JOIN annotator p ON p.id = a.annotator_id WHERE p.name = %s",
            (ben,),
        ).fetchone()
        assert ben_span is not None  # everyone may read everyone's versions
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="another person"):
            c.execute("UPDATE span SET label = 'LOC' WHERE id = %s", ben_span)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="another person"):
            c.execute("DELETE FROM span WHERE id = %s", ben_span)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            c.execute(
                "UPDATE span SET annotation_id = (SELECT a.id FROM annotation a JOIN "
                "annotator p ON p.id = a.annotator_id WHERE p.name = %s) "
                "WHERE annotation_id IN (SELECT a.id FROM annotation a JOIN annotator p "
                "ON p.id = a.annotator_id WHERE p.name = %s)",
                (ben, ana),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("UPDATE label SET colour = '#000000'")  # the scheme is the manager's
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            c.execute(
                "INSERT INTO annotator (name, kind, created_at) VALUES ('mallory', 'person', now())"
            )
        # Her own version she may change.
        own = c.execute(
            "UPDATE span SET label = 'LOC' WHERE annotation_id IN (SELECT a.id FROM "
            "annotation a JOIN annotator p ON p.id = a.annotator_id WHERE p.name = %s)",
            (ana,),
        )
        assert own.rowcount == 1
    with ProjectRepository.open(url) as repo:
        assert repo.annotation(doc, ben).spans == [CATL]
        assert repo.annotation(doc, ana).spans == [Span(0, 2, "LOC")]


@pytest.mark.postgres
def test_team_reviewer_writes_gold_and_annotator_cannot(
    team: tuple[str, dict[str, str]],
) -> None:
    url, names = team
    ana, rev, boss = names["ana"], names["rev"], names["boss"]
    with as_login(url, ana) as repo:
        [doc] = repo.document_ids()
        repo.add_span(doc, ana, GM)
        repo.set_status(doc, ana, Status.ACCEPTED)
        with pytest.raises(PermissionDeniedError, match="refused the change"):
            repo.save_gold(doc, ana, [GM], [ana])
    with as_login(url, rev) as repo:
        repo.save_gold(doc, rev, [GM, CATL], [ana])
        assert repo.gold(doc) is not None
        with pytest.raises(PermissionDeniedError, match="refused the change"):
            repo.add_span(doc, ana, CATL)
    with as_login(url, boss) as repo:
        repo.add_span(doc, ana, CATL)  # a manager may change everything
        repo.assign_documents(rev, [doc], by=boss)
        repo.set_team_settings(annotators_per_document=3)
    with ProjectRepository.open(url) as repo:
        gold = repo.gold(doc)
        assert gold is not None and gold.spans == [GM, CATL]
        assert repo.annotation(doc, ana).spans == [GM, CATL]
        assert repo.assignees()[doc] == [rev]


@pytest.mark.postgres
def test_team_members_and_generated_password(team: tuple[str, dict[str, str]]) -> None:
    import psycopg

    url, names = team
    new = "cleo_" + uuid.uuid4().hex[:6]
    try:
        with ProjectRepository.open(url) as repo:
            password = add_member(repo, new, "annotator")
            assert password and len(password) >= 20
            listed = members(repo)
        assert Member(new, "annotator", True) in listed
        assert Member(names["boss"], "manager", True) in listed
        with psycopg.connect(psycopg_url(login_url(url, new, password))) as c:
            assert c.execute("SELECT current_user").fetchone() == (new,)
    finally:
        with psycopg.connect(psycopg_url(url), autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{new}"')
        with psycopg.connect(os.environ["KATHODE_TEST_PG_URL"], autocommit=True) as admin:
            admin.execute(f'DROP ROLE IF EXISTS "{new}"')


def test_team_on_sqlite_records_roles_only(tmp_path: Path) -> None:
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        init_team(repo, overlap=2)
        assert add_member(repo, "ana", "annotator", password="ignored") is None
        add_member(repo, "ana", "reviewer")
        assert members(repo) == [Member("ana", "reviewer", False)]
        assert repo.team_settings().annotators_per_document == 2


def test_team_refuses_bad_names_and_roles(tmp_path: Path) -> None:
    for bad in ("gold", "pg_admin", "two words", "", "x" * 64, "1abc"):
        with pytest.raises(TeamError):
            check_login_name(bad)
    with ProjectRepository.open(tmp_path / "p.kathode") as repo, pytest.raises(TeamError):
        add_member(repo, "ana", "admin")
