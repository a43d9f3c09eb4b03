"""SIGKILL in the middle of annotating: every edit the window had shown is in the database."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.spans import Span
from storage.repository import ProjectRepository
from tests.storage.conftest import new_document

SCRIPT = Path(__file__).with_name("scripted_session.py")
TEXT = " ".join(f"Werk{i} liefert Zellen an Hersteller{i} in Stadt{i}." for i in range(60))


def test_kill_during_annotation_loses_no_shown_edit(tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        repo.add_documents([new_document(TEXT, "de")])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    wanted = random.Random(7).randint(40, 120)
    lines: list[list[str]] = []
    with subprocess.Popen(
        [sys.executable, str(SCRIPT), str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        deadline = time.monotonic() + 90
        while len(lines) < wanted and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.split())
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        errors = process.stderr.read()
    assert len(lines) >= wanted, errors

    expected: set[tuple[int, int, str]] = set()
    for words in lines:
        if words[0] == "shown":
            expected.add((int(words[1]), int(words[2]), words[3]))
        else:
            expected = {e for e in expected if (e[0], e[1]) != (int(words[1]), int(words[2]))}
    with ProjectRepository.open(path) as repo:
        spans = repo.annotation(repo.document_ids()[0], "ana").spans
    stored = {(s.start, s.end, s.label) for s in spans}
    # Every shown edit is stored; at most the one edit in flight when killed may be extra.
    assert expected <= stored
    assert len(stored - expected) <= 1
    assert all(isinstance(s, Span) for s in spans)
