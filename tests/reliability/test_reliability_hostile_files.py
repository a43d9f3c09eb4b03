"""Hypothesis-generated hostile files for every reader, imported in a child process whose
address space is limited to 1 GB: the only outcomes allowed are "imported" and refusals that
name the file (and line), never a crash, never past the time bound.

A file of a one-document format (text, Markdown, HTML) is imported whole or not at all; the
many-record formats (JSONL, CoNLL) may store their good records and refuse the bad ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.hostile_files import READERS, Drawn

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MB = 1024
SECONDS_PER_FILE = 10.0
FULL = os.environ.get("KATHODE_RELIABILITY_FULL") == "1"
BATCHES = 6 if FULL else 1
FILES_PER_BATCH = 25
SINGLE_DOCUMENT = {".txt", ".md", ".html"}


def import_in_child(folder: Path) -> dict[str, object]:
    """Run ``tests.reliability.hostile_child`` over ``folder``; its JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.hostile_child", str(folder), str(LIMIT_MB),
         str(SECONDS_PER_FILE)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert done.returncode == 0, f"the child died (exit {done.returncode}): {done.stderr[-2000:]}"
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def write_batch(folder: Path, files: list[Drawn]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for index, (suffix, data) in enumerate(files):
        (folder / f"hostile-{index:03d}{suffix}").write_bytes(data)


def check_report(report: dict[str, object]) -> None:
    files = report["files"]
    assert isinstance(files, dict)
    for name, outcome in files.items():
        kind = outcome["outcome"]
        allowed = {"imported", "refused"}
        if Path(name).suffix not in SINGLE_DOCUMENT:
            allowed.add("partial")
        assert kind in allowed, (name, outcome)
    peak = report["peak_rss_mb"]
    assert isinstance(peak, float | int) and peak <= 500, peak


@pytest.mark.parametrize("reader", sorted(READERS))
def test_reliability_hostile_files_import_or_refuse(reader: str, tmp_path: Path) -> None:
    strategy = st.lists(READERS[reader], min_size=FILES_PER_BATCH, max_size=FILES_PER_BATCH)

    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def run(files: list[Drawn]) -> None:
        folder = tmp_path / "batch"
        write_batch(folder, files)
        check_report(import_in_child(folder))

    run()
