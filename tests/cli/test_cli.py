"""The command line through a real subprocess: exit codes, summaries, stats JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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


def test_cli_import_and_stats_json(tmp_path: Path) -> None:
    project = tmp_path / "p.kathode"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("CATL liefert LFP-Zellen an GM.", encoding="utf-8")
    record = {"text": "GM buys cells.", "label": [[0, 2, "ORG"]]}
    (tmp_path / "in" / "b.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "in" / "notes.pdf").write_bytes(b"%PDF")
    done = kathode(
        "import",
        str(tmp_path / "in"),
        "--project",
        str(project),
        "--annotator",
        "ana",
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "2 documents added" in done.stdout
    assert "skipped: " in done.stdout and "notes.pdf" in done.stdout

    done = kathode("stats", "--project", str(project), "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["documents"] == 2
    assert stats["annotations"]["by_status"]["accepted"] == 1
    assert stats["spans"]["by_label"] == {"ORG": 1}
    assert stats["annotators"] == {"ana": {"annotations": 1, "spans": 1}}


def test_cli_import_exits_1_when_a_record_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Gut."}\n{"text": \n', encoding="utf-8")
    done = kathode("import", str(bad), "--project", str(tmp_path / "p.kathode"), home=tmp_path)
    assert done.returncode == 1
    assert f"refused: {bad}:2: invalid JSON" in done.stdout
    assert "1 documents added" in done.stdout


def test_cli_import_missing_file_is_reported(tmp_path: Path) -> None:
    done = kathode(
        "import",
        str(tmp_path / "nope.txt"),
        "--project",
        str(tmp_path / "p.kathode"),
        home=tmp_path,
    )
    assert done.returncode == 1
    assert "no such file or folder" in done.stdout


def test_cli_bad_project_file_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.kathode"
    bogus.write_bytes(b"not sqlite at all" * 64)
    done = kathode("stats", "--project", str(bogus), home=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("kathode: cannot open project")
    assert "Traceback" not in done.stderr
