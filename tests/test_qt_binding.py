"""Regression: PySide6 6.12.0 on Python 3.11 corrupts None's refcount on void Qt calls."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import sys
from PySide6.QtCore import QObject, QPoint
obj = QObject()
point = QPoint()
before = sys.getrefcount(None)
for i in range(500_000):
    obj.setObjectName("k")      # void
    point.setX(i)               # void
after = sys.getrefcount(None)
print("ok", before, after)
"""


def test_qt_binding_million_void_calls_exit_cleanly() -> None:
    """A million void-returning Qt calls must not abort with 'none_dealloc' (6.12.0 did)."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    word, before, after = done.stdout.split()
    assert word == "ok"
    assert abs(int(after) - int(before)) < 1000, "None's reference count drifted"


def test_qt_binding_is_not_the_broken_release() -> None:
    import PySide6

    assert not (PySide6.__version__ == "6.12.0" and sys.version_info[:2] == (3, 11))
