"""An import killed with SIGKILL leaves whole records only: nothing half-written."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORDS = 30_000


def test_import_killed_midway_leaves_only_whole_records(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for i in range(RECORDS):
            text = f"Werk {i} von CATL liefert Zellen an BMW."
            record = {
                "text": text,
                "label": [
                    [len(f"Werk {i} von "), len(f"Werk {i} von CATL"), "ORG"],
                    [len(text) - 4, len(text) - 1, "ORG"],
                ],
            }
            out.write(json.dumps(record) + "\n")
    project = tmp_path / "p.kathode"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "import", str(source), "--project", str(project)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and process.poll() is None:
            if project.exists():
                try:
                    with sqlite3.connect(project, timeout=1) as c:
                        stored = c.execute("SELECT count(*) FROM document").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0
                if stored >= 2000:
                    break
            time.sleep(0.05)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)

    with sqlite3.connect(project) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        documents = c.execute("SELECT count(*) FROM document").fetchone()[0]
        per_document = c.execute(
            "SELECT d.id, count(s.id) FROM document d "
            "LEFT JOIN annotation a ON a.document_id = d.id "
            "LEFT JOIN span s ON s.annotation_id = a.id GROUP BY d.id"
        ).fetchall()
    assert 2000 <= documents < RECORDS
    assert documents % 1000 == 0  # whole batches only
    assert {count for _, count in per_document} == {2}
