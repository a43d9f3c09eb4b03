"""Does the window stay responsive while the project model trains?

The Train dialog (``ui.dialogs.train_dialog``) trains a project of 1,200 GermEval sentences,
accepted by one annotator, in its own process (3 epochs, with the learning curve); meanwhile a
5 ms GUI timer records every gap beyond its period. Target: the longest stall ≤ 50 ms.

Needs ``../shared/data/germeval2014`` (exit 2 without it). Usage::

    xvfb-run -s "-screen 0 1920x1080x24" uv run python benchmarks/bench_train_stall.py

It prints its set-up (Qt version, platform, font, screen, load) and refuses to run on
Qt's offscreen platform, which paints nothing a user would see, or with no real font
(``--offscreen`` allows the former, for a quick check). Last line: one JSON object with
``max_stall_ms``, ``p99_stall_ms``, ``ticks``, ``train_seconds`` and ``setup``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.germeval import DATA, oracle_tsv  # noqa: E402
from benchmarks.machine import refuse_when_busy  # noqa: E402

SENTENCES = 1200


def make_project(folder: Path) -> Path:
    from storage.importer import import_paths
    from storage.repository import ProjectRepository

    tsv = folder / "sentences.tsv"
    oracle_tsv(DATA / "train-outer.tsv", tsv, SENTENCES)
    project = folder / "stall.kathode"
    with ProjectRepository.open(project) as repo:
        import_paths(repo, [tsv], annotator="oracle")
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offscreen", action="store_true", help="allow Qt's offscreen platform")
    parser.add_argument("--allow-busy", action="store_true", help="run on a loaded machine")
    args = parser.parse_args()
    if not (DATA / "train-outer.tsv").is_file():
        print(f"bench_train_stall: {DATA} is missing (../shared beside the repo)", file=sys.stderr)
        return 2
    if args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QFontDatabase, QFontInfo, QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    platform = QGuiApplication.platformName()
    screen = QGuiApplication.primaryScreen()
    size = screen.size() if screen is not None else None
    font = QFontInfo(QApplication.font()).family()
    setup = {
        "qt": pyside_version,
        "platform": platform,
        "font": font,
        "font_families": len(QFontDatabase.families()),
        "screen": f"{size.width()}x{size.height()}" if size else "none",
        "cpus": os.cpu_count(),
        "load_1min_at_start": round(os.getloadavg()[0], 2),
    }
    print("set-up: " + json.dumps(setup), flush=True)
    if platform == "offscreen" and not args.offscreen:
        print(
            "bench_train_stall: Qt's offscreen platform paints nothing a user sees; run under "
            "a display (xvfb-run) or pass --offscreen",
            file=sys.stderr,
        )
        return 2
    refuse_when_busy("bench_train_stall", args.allow_busy)
    if not QFontDatabase.families():
        print("bench_train_stall: Qt finds no font (install fonts-dejavu-core)", file=sys.stderr)
        return 2

    from storage.repository import ProjectRepository
    from ui.dialogs.train_dialog import TrainDialog

    with tempfile.TemporaryDirectory(prefix="kathode-bench-stall-") as tmp:
        project = make_project(Path(tmp))
        repo = ProjectRepository.open(project)
        dialog = TrainDialog(repo)
        dialog.epochs_spin.setValue(3)
        dialog.curve_check.setChecked(True)
        dialog.show()
        gaps: list[float] = []
        last = [time.perf_counter()]
        done: list[object] = []

        long_gaps: list[tuple[float, str]] = []

        def tick() -> None:
            now = time.perf_counter()
            gap = (now - last[0]) * 1000 - 5
            gaps.append(gap)
            last[0] = now
            if gap > 20 and len(gaps) > 5:  # what the dialog was doing when the window stalled
                event = dialog.events[-1] if dialog.events else {"kind": "start"}
                what = "result" if done else str(event.get("phase") or event.get("kind"))
                long_gaps.append((round(gap, 1), what))

        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(tick)
        dialog.training_finished.connect(done.append)
        dialog.training_failed.connect(done.append)
        for _ in range(20):
            app.processEvents()
        started = time.perf_counter()
        timer.start(5)
        dialog.start()
        deadline = time.monotonic() + 1800
        while not done and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        seconds = time.perf_counter() - started
        dialog.shutdown()
        dialog.close()
        repo.close()
    if not done or not isinstance(done[0], dict):
        print(f"bench_train_stall: training did not finish: {done}", file=sys.stderr)
        return 1
    measured = sorted(gaps[5:])
    result = {
        "max_stall_ms": round(measured[-1], 1),
        "p99_stall_ms": round(measured[int(len(measured) * 0.99)], 1),
        "ticks": len(measured),
        "stalls_over_20_ms": sorted(long_gaps, reverse=True)[:8],
        "train_seconds": round(seconds, 1),
        "dev_f1": done[0]["dev"]["f"],
        "setup": setup,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
