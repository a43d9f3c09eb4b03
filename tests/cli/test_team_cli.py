"""The team commands: `team init|add|list|status`, `assign` and `next`."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

import main
from storage.engine import project_url
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document


def kathode(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_team_cli_overlap_next_assign_and_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "p.kathode")
    with ProjectRepository.open(project) as repo:
        docs = [d for d, _ in repo.add_documents(new_document(f"Plant {i}.") for i in range(3))]
    assert kathode(capsys, "team", "init", "--project", project, "--overlap", "2")[0] == 0
    code, out, _ = kathode(
        capsys, "team", "add", "ana", "--role", "annotator", "--project", project
    )
    assert code == 0 and "advisory" in out
    kathode(capsys, "team", "add", "ben", "--role", "reviewer", "--project", project)
    code, out, _ = kathode(capsys, "next", "--project", project, "--annotator", "ana", "--json")
    assert json.loads(out) == {"document": docs[0], "title": "Plant 0.", "language": "en"}
    code, out, _ = kathode(capsys, "next", "--project", project, "--annotator", "ben")
    assert out == f"{docs[0]}\tPlant 0.\n"
    code, out, _ = kathode(
        capsys, "assign", "--project", project, "--annotator", "ana", "--documents", "3,2"
    )
    assert out == "2 documents assigned to ana: 2, 3\n"
    code, out, _ = kathode(
        capsys, "assign", "--project", project, "--annotator", "ben", "--count", "5"
    )
    assert out == "2 documents assigned to ben: 2, 3\n"
    code, out, _ = kathode(capsys, "next", "--project", project, "--annotator", "cleo")
    assert out == "no document left for cleo\n"
    code, out, _ = kathode(capsys, "team", "status", "--project", project, "--json")
    status = json.loads(out)
    assert status["annotators_per_document"] == 2
    assert status["people"]["ana"] == {
        "role": "annotator",
        "assigned": 3,
        "done": 0,
        "skipped": 0,
        "open": 3,
    }
    assert status["documents"] == {str(d): ["ana", "ben"] for d in docs}
    code, out, _ = kathode(capsys, "team", "list", "--project", project)
    assert out.split() == ["ana", "annotator", "no", "login", "ben", "reviewer", "no", "login"]
    code, out, _ = kathode(
        capsys,
        "assign",
        "--project",
        project,
        "--annotator",
        "ben",
        "--documents",
        "2",
        "--free",
    )
    assert out == "1 documents taken out of ben's queue\n"


def test_team_cli_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "p.kathode")
    code, _, err = kathode(capsys, "team", "init", "--project", project, "--overlap", "0")
    assert code == 1 and "at least 1" in err
    code, _, err = kathode(
        capsys, "team", "add", "gold", "--role", "annotator", "--project", project
    )
    assert code == 1 and "reserved" in err
    code, _, err = kathode(
        capsys, "assign", "--project", project, "--annotator", "ana", "--documents", "99"
    )
    assert code == 1 and "no document 99" in err
    code, _, err = kathode(
        capsys, "assign", "--project", project, "--annotator", "ana", "--documents", "x"
    )
    assert code == 2 and "ids like" in err
    empty = tmp_path / "pw"
    empty.write_text("\n")
    code, _, err = kathode(
        capsys,
        "team",
        "add",
        "ana",
        "--role",
        "annotator",
        "--password-file",
        str(empty),
        "--project",
        project,
    )
    assert code == 1 and "no password" in err


@pytest.mark.postgres
def test_team_cli_logins_on_postgres(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    name = "ana_" + uuid.uuid4().hex[:6]
    with ProjectRepository.open(postgres_url) as repo:
        [(doc, _)] = repo.add_documents([new_document("GM buys cells.")])
    secret = tmp_path / "pw"
    secret.write_text("s3cret-pass\n")
    try:
        assert kathode(capsys, "team", "init", "--project", postgres_url)[0] == 0
        code, out, _ = kathode(
            capsys,
            "team",
            "add",
            name,
            "--role",
            "annotator",
            "--password-file",
            str(secret),
            "--project",
            postgres_url,
        )
        assert code == 0 and "password" not in out
        login = project_url(postgres_url).set(username=name, password="s3cret-pass")
        code, out, _ = kathode(
            capsys,
            "next",
            "--project",
            login.render_as_string(False),
            "--annotator",
            name,
            "--json",
        )
        assert json.loads(out)["document"] == doc
        code, out, _ = kathode(capsys, "team", "list", "--project", postgres_url)
        assert out.split() == [name, "annotator", "login"]
        # Under her login she cannot make the project a team of her own.
        code, _, err = kathode(capsys, "team", "init", "--project", login.render_as_string(False))
        assert code == 1 and "refused" in err
    finally:
        admin = project_url(postgres_url).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP OWNED BY "{name}"')
        with psycopg.connect(os.environ["KATHODE_TEST_PG_URL"], autocommit=True) as c:
            c.execute(f'DROP ROLE IF EXISTS "{name}"')
