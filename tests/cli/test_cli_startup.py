"""Each CLI command imports only what it needs: no spaCy for stats, the spaCy-free exports,
agreement and merge; neither the exporter nor spaCy (nor Alembic, for a new project) in an
``import``, whether it tokenizes in worker processes or in its own. Checked in a new
process, as a user starts one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("spacy", "storage.exporter", "alembic", "nlp.tokenizer", "PySide6")
# Runs main.main in a new interpreter and prints, last, which watched modules it imported.
RUNNER = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
import main
code = main.main(sys.argv[1:])
print(json.dumps({{"code": code, "loaded": [m for m in {WATCHED!r} if m in sys.modules]}}))
"""


def loaded_by(*argv: str, home: Path) -> list[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, done.stdout + done.stderr
    return list(result["loaded"])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    records = [
        {"text": "CATL baut in Arnstadt.", "label": [[0, 4, "ORG"], [13, 21, "LOC"]]},
        {"text": "GM kauft Zellen von CATL.", "label": [[0, 2, "ORG"]]},
    ]
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = folder / "p.kathode"
    for annotator, jobs in (("ana", "2"), ("ben", "1")):
        loaded = loaded_by(
            "import", str(source), "--project", str(path), "--annotator", annotator,
            "--jobs", jobs, home=folder,
        )  # fmt: skip
        assert "storage.exporter" not in loaded
        assert "spacy" not in loaded  # the project tokens come from nlp.rule_tokenizer
        if jobs == "2":
            assert "alembic" not in loaded  # a new project is created at head, not migrated
    return path


def test_cli_stats_does_not_import_spacy(project: Path) -> None:
    loaded = loaded_by("stats", "--project", str(project), "--json", home=project.parent)
    assert loaded == []


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "conll", "label-studio"])
def test_cli_export_does_not_import_spacy(project: Path, fmt: str) -> None:
    out = project.parent / f"out.{fmt}"
    loaded = loaded_by(
        "export", "--project", str(project), "--format", fmt, "--out", str(out),
        home=project.parent,
    )  # fmt: skip
    assert "spacy" not in loaded and "alembic" not in loaded
    assert out.stat().st_size > 0


def test_cli_agreement_and_merge_do_not_import_spacy(project: Path) -> None:
    loaded = loaded_by("agreement", "--project", str(project), "--json", home=project.parent)
    assert "spacy" not in loaded and "storage.exporter" not in loaded
    other = project.parent / "other.kathode"
    loaded = loaded_by("merge", str(project), "--project", str(other), home=project.parent)
    assert "spacy" not in loaded
