"""What every timing benchmark checks before it measures: that the machine is not busy.

Seconds measured while other work shares the cores are not this code's seconds (an earlier
figure came out six times slower on a machine nobody could describe). A benchmark prints
the 1-minute load it started at and refuses to run above ``BUSY_LOAD`` unless it is told to
(``--allow-busy``), and then the figures say so.

The load average sees only this machine's processes. On a virtual machine the host's other
guests take the cores too, which shows as CPU *steal* time: the benchmark samples it for a
second before it starts and refuses above ``STEAL_LIMIT``, and reports the steal over its
whole run (``StealMeter``). It also prints ``core_ms``, the best time of a fixed pure-Python
loop, so two machines' cores can be compared next to their figures.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

STEAL_LIMIT = 0.05
_STAT = Path("/proc/stat")


def busy_limit() -> float:
    cpus = os.cpu_count() or 1
    return max(0.75, cpus * 0.4)


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _cpu_times() -> tuple[int, int] | None:
    """(steal, total) jiffies of all cores since boot, or None where /proc/stat is absent."""
    try:
        fields = _STAT.read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (values[7] if len(values) > 7 else 0), sum(values)


class StealMeter:
    """The share of CPU time the hypervisor gave to others since the meter was made."""

    def __init__(self) -> None:
        self._start = _cpu_times()

    def share(self) -> float:
        end = _cpu_times()
        if self._start is None or end is None or end[1] <= self._start[1]:
            return 0.0
        return (end[0] - self._start[0]) / (end[1] - self._start[1])


def steal_share(seconds: float = 1.0) -> float:
    meter = StealMeter()
    time.sleep(seconds)
    return meter.share()


def core_ms() -> float:
    """Best of five runs of a fixed pure-Python loop, in ms: the speed of one core here."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i % 7
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def machine_figures() -> dict[str, float]:
    """Load, steal (sampled for a second) and core speed, for a benchmark's set-up line."""
    return {
        "load_average": round(load_average(), 2),
        "busy_limit": busy_limit(),
        "steal_share": round(steal_share(), 3),
        "steal_limit": STEAL_LIMIT,
        "core_ms": core_ms(),
    }


def refuse_when_busy(name: str, allow_busy: bool, figures: dict[str, float] | None = None) -> float:
    """The 1-minute load now; exits with a message when it, or the CPU steal of the last
    second, is above its limit (``figures`` from :func:`machine_figures`, else sampled)."""
    figures = figures or machine_figures()
    load, steal = figures["load_average"], figures["steal_share"]
    if allow_busy:
        return load
    if load > busy_limit():
        sys.exit(
            f"{name}: the machine is busy (1-minute load {load:.2f} on {os.cpu_count()} cores, "
            f"limit {busy_limit():.2f}); the times would be wrong. Stop the other work, or "
            "pass --allow-busy to measure anyway (the figures then carry the load)."
        )
    if steal > STEAL_LIMIT:
        sys.exit(
            f"{name}: the host gives this machine's cores to others ({steal:.0%} CPU steal "
            f"in the last second, limit {STEAL_LIMIT:.0%}); the times would be wrong. Run "
            "when the host is quieter, or pass --allow-busy to measure anyway."
        )
    return load


def steal_verdict(name: str, meter: StealMeter) -> float:
    """The steal over a run; warns on stderr when it passed the limit while measuring."""
    share = meter.share()
    if share > STEAL_LIMIT:
        print(
            f"{name}: warning: {share:.0%} CPU steal during the run (limit "
            f"{STEAL_LIMIT:.0%}); the host was busy and these times are too high.",
            file=sys.stderr,
        )
    return round(share, 3)


def announce(name: str, argv: list[str] | None = None) -> dict[str, object]:
    """Print the set-up a benchmark runs on (stderr) and refuse a busy machine, unless
    ``--allow-busy`` is among ``argv`` (default ``sys.argv``); the set-up, for the result."""
    import platform

    argv = sys.argv[1:] if argv is None else argv
    allow_busy = "--allow-busy" in argv
    figures = machine_figures()
    setup: dict[str, object] = {
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        **figures,
        "bytecode_written_here": not sys.dont_write_bytecode,
        "allow_busy": allow_busy,
    }
    print(f"{name} set-up: " + ", ".join(f"{k}={v}" for k, v in setup.items()), file=sys.stderr)
    refuse_when_busy(name, allow_busy, figures)
    return setup
