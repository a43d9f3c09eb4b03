"""The agreement, merge and export --gold commands through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["GM buys cells from CATL in Nevada.", "Northvolt builds a plant in Heide."]
GM, CATL, NEVADA = Span(0, 2, "ORG"), Span(19, 23, "ORG"), Span(27, 33, "LOC")
NORTHVOLT, HEIDE = Span(0, 9, "ORG"), Span(28, 33, "LOC")


def kathode(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home)}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        ids = [i for i, _ in repo.add_documents([new_document(t) for t in TEXTS])]
        for doc_id, name, spans in [
            (ids[0], "ana", [GM, CATL, NEVADA]),
            (ids[0], "ben", [GM, Span(19, 23, "LOC")]),
            (ids[1], "ana", [NORTHVOLT, HEIDE]),
            (ids[1], "ben", [NORTHVOLT, HEIDE]),
        ]:
            repo.edit_spans(doc_id, name, add=spans)
            repo.set_status(doc_id, name, Status.ACCEPTED)
    return path


def test_cli_agreement_json(project: Path, tmp_path: Path) -> None:
    done = kathode("agreement", "--project", str(project), "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"overall", "pairs", "labels", "documents"}  # no gold: no quality
    assert set(result["overall"]) == {"f1", "kappa", "alpha"}
    [pair] = result["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 2)
    assert pair["f1"] == pytest.approx(2 * 3 / 9)  # 1 + 2 shared of 3 + 2 + 2 + 2 spans
    assert -1 <= pair["kappa"] <= 1
    # ORG: 1 + 1 shared of 3 + 2 spans; LOC: 0 + 1 shared of 2 + 2 spans.
    assert result["labels"] == {"LOC": {"f1": 0.5}, "ORG": {"f1": 0.8}}


def test_cli_agreement_table_filters_and_quality(project: Path, tmp_path: Path) -> None:
    with ProjectRepository.open(project) as repo:
        repo.save_gold(1, "rita", [GM, CATL, NEVADA], ["ana"])
    done = kathode("agreement", "--project", str(project), "--labels", "ORG", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 documents compared: span F1 0.800, kappa ")
    assert "ana / ben" in done.stdout and "against gold" in done.stdout
    assert "LOC" not in done.stdout
    done = kathode("agreement", "--project", str(project), "--json", home=tmp_path)
    quality = json.loads(done.stdout)["quality"]
    assert quality["ana"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert quality["ben"]["precision"] == 0.5


def test_cli_agreement_errors_and_empty_projects(project: Path, tmp_path: Path) -> None:
    done = kathode("agreement", "--project", str(project), "--annotators", "ana,zoe", home=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "kathode: no annotator named 'zoe'; the project has ana, ben\n"
    empty = tmp_path / "empty.kathode"
    done = kathode("agreement", "--project", str(empty), home=tmp_path)
    assert done.returncode == 0
    assert "nothing to compare" in done.stdout
    done = kathode("agreement", "--project", str(empty), "--json", home=tmp_path)
    assert json.loads(done.stdout)["overall"] == {"f1": None, "kappa": None, "alpha": None}


def test_cli_merge_and_export_gold(project: Path, tmp_path: Path) -> None:
    with ProjectRepository.open(project) as repo:
        repo.save_gold(2, "rita", [NORTHVOLT, HEIDE], ["ana", "ben"])
    target = tmp_path / "team.kathode"
    done = kathode("merge", str(project), "--project", str(target), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 documents added, 0 already here; 2 annotators added (ana, ben)" in done.stdout
    assert "4 versions added (9 spans)" in done.stdout
    assert "1 gold versions added" in done.stdout
    done = kathode("merge", str(project), "--project", str(target), "--json", home=tmp_path)
    summary = json.loads(done.stdout)
    assert (summary["documents_added"], summary["annotations_unchanged"]) == (0, 4)
    out = tmp_path / "gold.jsonl"
    args = ["export", "--project", str(target), "--format", "jsonl", "--out", str(out), "--gold"]
    done = kathode(*args, home=tmp_path)
    assert done.returncode == 0, done.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (record["text"], record["_annotator_id"]) == (TEXTS[1], "gold")
    done = kathode("merge", str(tmp_path / "nope.kathode"), "--project", str(target), home=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().endswith(f"kathode: no project at {tmp_path / 'nope.kathode'}")
