"""Helpers of the reliability suite: the CLI in a real subprocess, and real small or
read-only file systems (tmpfs mounts, so a full disk is a real ENOSPC)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"


def run_cli(
    *args: str | Path, timeout: float = 120, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """``main.py`` with ``args`` in its own process; stdout and stderr captured as text."""
    return subprocess.run(
        [sys.executable, str(MAIN), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _mount(args: list[str]) -> bool:
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """``small_disk("2m")`` mounts a tmpfs of that size and returns its folder; it is
    unmounted after the test. Skips where mounting is not allowed (not root)."""
    mounted: list[Path] = []

    def make(size: str) -> Path:
        folder = tmp_path / f"disk{len(mounted)}"
        folder.mkdir()
        if os.geteuid() != 0 or not _mount(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]
        ):
            pytest.skip("needs root to mount a small tmpfs (a real full disk)")
        mounted.append(folder)
        return folder

    yield make
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount_read_only(folder: Path) -> None:
    assert _mount(["mount", "-o", "remount,ro", str(folder)])
