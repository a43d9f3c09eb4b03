"""Kill trials for import, export and merge with random kill points (see ``kill_trials``):
3 each in the everyday run, 20 each in the ``slow`` group (KATHODE_RELIABILITY_FULL=1,
which ``.ci/run`` sets). The seed is fixed so a failure can be replayed."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.kill_trials import KillReport, export_trials, import_trials, merge_trials

FULL = os.environ.get("KATHODE_RELIABILITY_FULL") == "1"
TRIALS = 20 if FULL else 3
SEED = int(os.environ.get("KATHODE_RELIABILITY_SEED", "14"))

Trials = Callable[[Path, int, random.Random], KillReport]
MARKS = [pytest.mark.slow] if FULL else []


@pytest.mark.parametrize(
    "trials",
    [
        pytest.param(import_trials, id="import", marks=MARKS),
        pytest.param(export_trials, id="export", marks=MARKS),
        pytest.param(merge_trials, id="merge", marks=MARKS),
    ],
)
def test_reliability_killed_commands_leave_whole_results(tmp_path: Path, trials: Trials) -> None:
    report = trials(tmp_path, TRIALS, random.Random(SEED))
    assert report.trials == TRIALS
    assert report.bad == []
    assert report.killed >= 1, "no trial was killed while running; the kill points are off"
