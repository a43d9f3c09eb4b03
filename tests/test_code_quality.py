"""The code checks run with the tests, so CI fails on a lint, type or layering violation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(sys.executable).parent


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = TOOLS / name
    if not exe.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed; run `uv sync`")
        exe = Path(found)
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_code_quality_ruff_check() -> None:
    done = run_tool("ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_quality_ruff_format() -> None:
    done = run_tool("ruff", "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_quality_mypy() -> None:
    done = run_tool("mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_quality_import_layers() -> None:
    done = run_tool("lint-imports")
    assert done.returncode == 0, done.stdout + done.stderr
