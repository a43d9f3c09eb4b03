"""What every timing benchmark checks before it measures: that the machine is not busy.

Seconds measured while other work shares the cores are not this code's seconds (an earlier
figure came out six times slower on a machine nobody could describe). A benchmark prints
the 1-minute load it started at and refuses to run above ``BUSY_LOAD`` unless it is told to
(``--allow-busy``), and then the figures say so.
"""

from __future__ import annotations

import os
import sys


def busy_limit() -> float:
    cpus = os.cpu_count() or 1
    return max(0.75, cpus * 0.4)


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def refuse_when_busy(name: str, allow_busy: bool) -> float:
    """The 1-minute load now; exits with a message when it is above the limit."""
    load = load_average()
    if load > busy_limit() and not allow_busy:
        sys.exit(
            f"{name}: the machine is busy (1-minute load {load:.2f} on {os.cpu_count()} cores, "
            f"limit {busy_limit():.2f}); the times would be wrong. Stop the other work, or "
            "pass --allow-busy to measure anyway (the figures then carry the load)."
        )
    return load
