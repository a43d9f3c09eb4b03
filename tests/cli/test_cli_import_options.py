"""The import command's options through a real subprocess: tables, label maps, suggestions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import kathode


def test_cli_import_csv_with_text_column_and_label_map(tmp_path: Path) -> None:
    table = tmp_path / "posts.tsv"
    table.write_text("body\tsite\nCATL baut in Arnstadt.\tweb\nkaputt\n", encoding="utf-8")
    project = str(tmp_path / "p.kathode")
    done = kathode(
        "import", str(table), "--project", project, "--text-column", "body", "--jobs", "1",
        "--json", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # one row refused, the other stored
    summary = json.loads(done.stdout)
    assert summary["documents_added"] == 1
    assert summary["refused"] == [f"{table}:3: the row has 1 fields, the header 2 (a tab inside "
                                  "a field must be quoted)"]  # fmt: skip

    spans = tmp_path / "g.jsonl"
    spans.write_text(
        json.dumps({"text": "Merkel besucht Zwickau.", "label": [[0, 6, "PER"], [15, 22, "OTH"]]})
        + "\n",
        encoding="utf-8",
    )
    done = kathode(
        "import", str(spans), "--project", project, "--label-map", "PER=PERSON,OTH=",
        "--json", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["spans"] == 1
    done = kathode("stats", "--project", project, "--json", home=tmp_path)
    assert json.loads(done.stdout)["spans"]["by_label"] == {"PERSON": 1}


def test_cli_import_as_suggestions_and_usage_errors(tmp_path: Path) -> None:
    spans = tmp_path / "g.jsonl"
    spans.write_text(json.dumps({"text": "GM kauft.", "label": [[0, 2, "ORG"]]}) + "\n")
    project = str(tmp_path / "p.kathode")
    done = kathode("import", str(spans), "--project", project, "--as-suggestions", "theirs",
                   home=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0 annotations" in done.stdout and "1 suggestions" in done.stdout
    for bad in (["--label-map", "PER"], ["--as-suggestions", "default"], ["--jobs", "0"]):
        done = kathode("import", str(spans), "--project", project, *bad, home=tmp_path)
        assert done.returncode == 2, (bad, done.stdout)
        assert done.stderr.startswith("kathode: "), done.stderr
