"""A comment and a flag per version: stored (migration 0007), exported in each format's
meta, kept through reopening; bad input is refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from core.documents import Status
from core.formats import read_file
from core.notes import FLAGS, NoteError, VersionNote
from core.spans import Span
from storage.engine import make_engine
from storage.exporter import ExportOptions, export_project
from storage.migrate import current_revision, upgrade
from storage.repository import ProjectRepository
from storage.repository_base import PermissionDeniedError
from tests.storage.conftest import new_document
from tests.storage.test_team import as_login
from tests.storage.test_team import team as pg_team  # noqa: F401 (a fixture)

TEXT = "CATL liefert Zellen an BMW."


def make(path: Path) -> int:
    with ProjectRepository.open(path) as repo:
        [(doc, _)] = repo.add_documents([new_document(TEXT, "de")])
        repo.edit_spans(doc, "ana", add=[Span(0, 4, "ORG")])
        repo.set_status(doc, "ana", Status.ACCEPTED)
        repo.edit_spans(doc, "ben", add=[Span(23, 26, "ORG")])
        repo.set_status(doc, "ben", Status.ACCEPTED)
    return doc


def test_version_note_is_stored_per_version_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    doc = make(path)
    with ProjectRepository.open(path) as repo:
        assert repo.note(doc, "ana") == VersionNote()
        before = repo.set_note(doc, "ana", VersionNote("Is BMW the buyer?", "unsure"))
        assert before.empty
        repo.set_note(doc, "cem", VersionNote(flag="bad text"))  # no version yet: made open
        assert repo.annotation(doc, "cem").status is Status.OPEN
    with ProjectRepository.open(path) as repo:
        assert repo.note(doc, "ana") == VersionNote("Is BMW the buyer?", "unsure")
        assert repo.note(doc, "ben").empty
        assert repo.notes(doc) == {
            "ana": VersionNote("Is BMW the buyer?", "unsure"),
            "cem": VersionNote("", "bad text"),
        }
        assert repo.set_note(doc, "ana", VersionNote()) == VersionNote(
            "Is BMW the buyer?", "unsure"
        )
        assert "ana" not in repo.notes(doc)
        assert repo.annotation(doc, "ana").spans == [Span(0, 4, "ORG")]  # spans untouched


@pytest.mark.parametrize(
    ("make_note", "words"),
    [
        (lambda: VersionNote(flag="maybe"), "unknown flag"),
        (lambda: VersionNote("x" * 2001), "at most 2000"),
        (lambda: VersionNote("a\x00b"), "NUL"),
    ],
)
def test_version_note_refuses_bad_input(make_note: object, words: str) -> None:
    with pytest.raises(NoteError, match=words):
        make_note()  # type: ignore[operator]
    assert "unsure" in FLAGS and "bad text" in FLAGS


def test_version_note_migration_0007_keeps_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.kathode"
    engine = make_engine(path)
    upgrade(engine, "0006")
    engine.dispose()
    with ProjectRepository.open(path) as repo:  # brings it to head
        assert current_revision(repo.engine) == "0007"
        [(doc, _)] = repo.add_documents([new_document(TEXT, "de")])
        repo.edit_spans(doc, "ana", add=[Span(0, 4, "ORG")])
        with repo.engine.connect() as c:
            row = c.execute(text("SELECT comment, flag FROM annotation")).one()
        assert tuple(row) == (None, None)
        assert repo.note(doc, "ana").empty


def test_version_note_is_exported_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    doc = make(path)
    note = VersionNote("Satz  abgeschnitten,\nbitte prüfen", "bad text")
    with ProjectRepository.open(path) as repo:
        repo.set_note(doc, "ana", note)
        out = {fmt: tmp_path / f"out.{fmt}" for fmt in ("jsonl", "doccano", "conll")}
        for fmt, target in out.items():
            export_project(repo, ExportOptions(format=fmt, out=target, annotator="ana"))  # type: ignore[arg-type]
        export_project(
            repo, ExportOptions(format="jsonl", out=tmp_path / "ben.jsonl", annotator="ben")
        )
    [prodigy] = [json.loads(line) for line in out["jsonl"].read_text(encoding="utf-8").splitlines()]
    expected = {"flag": "bad text", "comment": note.comment}
    assert prodigy["meta"]["version_note"] == expected
    [doccano] = [
        json.loads(line) for line in out["doccano"].read_text(encoding="utf-8").splitlines()
    ]
    assert doccano["version_note"] == expected
    conll = out["conll"].read_text(encoding="utf-8").splitlines()
    assert conll[:2] == ["# flag = bad text", "# comment = Satz abgeschnitten, bitte prüfen"]
    assert conll[2] == "CATL\tB-ORG"
    records = [r for r in read_file(out["conll"]) if not hasattr(r, "message")]
    assert [r.text.split()[0] for r in records] == ["CATL"]  # the comment lines are no tokens
    [plain] = [json.loads(line) for line in (tmp_path / "ben.jsonl").read_text().splitlines()]
    assert "version_note" not in plain["meta"]  # a version without a note carries none


def test_version_note_is_in_the_spacy_docs_user_data(tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = tmp_path / "p.kathode"
    doc = make(path)
    with ProjectRepository.open(path) as repo:
        repo.set_note(doc, "ana", VersionNote("check", "unsure"))
        export_project(repo, ExportOptions(format="spacy", out=tmp_path / "bins", dev_fraction=0.0))
    docs = list(DocBin().from_disk(tmp_path / "bins" / "train.spacy").get_docs(Vocab()))
    notes = sorted(str(d.user_data.get("version_note")) for d in docs)
    assert notes == ["None", str({"flag": "unsure", "comment": "check"})]


@pytest.mark.postgres
def test_version_note_on_a_team_project_is_each_persons_own(
    pg_team: tuple[str, dict[str, str]],  # noqa: F811 (the imported fixture)
) -> None:
    """On PostgreSQL the note is guarded like the spans: another login cannot change it."""
    url, names = pg_team
    ana, ben = names["ana"], names["ben"]
    with as_login(url, ana) as repo:
        [doc] = repo.document_ids()
        repo.set_note(doc, ana, VersionNote("mine", "unsure"))
    with as_login(url, ben) as repo:
        with pytest.raises(PermissionDeniedError):
            repo.set_note(doc, ana, VersionNote("not mine"))
        assert repo.note(doc, ana) == VersionNote("mine", "unsure")
        repo.set_note(doc, ben, VersionNote(flag="bad text"))
        assert set(repo.notes(doc)) == {ana, ben}
