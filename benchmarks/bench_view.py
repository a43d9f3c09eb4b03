"""The annotation window on long articles: open, edit, commit, background stalls, start-up.

A 100,000-character German article with 2,000 spans, in a real window:

* ``open_ms``: opening the document until the first paint has finished;
* ``edit_p50_ms``/``edit_p95_ms``: one span edit (a label key on a selection) until the
  repaint is done;
* ``commit_p50_ms``/``commit_p95_ms``: one edit written and committed through the repository;
  ``commit_floor_p50_ms``/``commit_floor_p95_ms``: one row committed by bare sqlite3 on the
  same disk, the fsync Kathode cannot go below while every edit is durable;
* ``max_stall_ms``: the longest gap of a 5 ms GUI timer, beyond its period, while a project of
  documents is pre-annotated by the background worker;
* ``startup_ms``: ``main.py`` process start until its window has painted (best of 3, after
  a warm-up start, with bytecode written as on any desktop);
* ``queue_100k_ms``: the document queue of a 100,000-document project shown (paged).

For comparison, in the same run, the same spans drawn the naive way: one
``QTextEdit.ExtraSelection`` per span (``naive_open_ms``, ``naive_edit_p95_ms``). Then a
1,000,000-character article with 20,000 spans (``large_open_ms``, ``large_edit_p95_ms``).

It first prints the set-up it runs on (Qt, platform, the font Qt really uses, screen, load,
CPU steal, core speed: see ``benchmarks/machine.py``) and refuses to run when Qt finds no
font (timings without real glyphs mean nothing) or the machine is busy. Run it on a desktop,
or under Xvfb on the xcb platform (see the README's developer section):
``uv run python benchmarks/bench_view.py``. Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import PySide6  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt, QTimer, qVersion  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QColor,
    QFontDatabase,
    QFontInfo,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTextEdit  # noqa: E402

from benchmarks.machine import (  # noqa: E402
    StealMeter,
    machine_figures,
    refuse_when_busy,
    steal_verdict,
)
from core.spans import Span  # noqa: E402
from nlp.tokenizer import TOKENIZER_VERSION, tokenize  # noqa: E402
from storage.repository import ProjectRepository  # noqa: E402
from storage.rows import NewDocument  # noqa: E402

CHARS = 100_000
SPANS = 2_000
LARGE_CHARS = 1_000_000
LARGE_SPANS = 20_000
EDITS = 60
QUEUE_DOCUMENTS = 100_000
PARAGRAPH = (
    "Der Batteriehersteller CATL erweitert sein Werk in Arnstadt um 12 GWh, während "
    "Volkswagen in Salzgitter Zellen mit Lithium-Eisenphosphat für 1,8 Mrd. Euro fertigt. "
    "BMW und Mercedes-Benz kaufen NMC-811-Zellen von LG Energy Solution aus Polen. "
)


def article(chars: int = CHARS) -> str:
    paragraphs = []
    while sum(len(p) + 2 for p in paragraphs) < chars:
        paragraphs.append(PARAGRAPH * 3)
    return "\n\n".join(paragraphs)[:chars].rsplit(" ", 1)[0] + "."


def spread_spans(text: str, tokens: list, count: int) -> list[Span]:  # type: ignore[type-arg]
    words = [t for t in tokens if t.text[:1].isupper()]
    step = max(1, len(words) // count)
    labels = ("ORG", "LOC", "CHEMISTRY", "QUANTITY", "MONEY", "PRODUCT")
    return [
        Span(t.start, t.end, labels[i % len(labels)]) for i, t in enumerate(words[::step][:count])
    ]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def setup(
    app: QApplication, *, allow_busy: bool = False, offscreen: bool = False
) -> dict[str, object]:
    """What the figures were measured on; exits when Qt has no real font to draw with, when
    Qt paints to no screen (offscreen), or when other work shares the cores."""
    from ui.widgets.article_view import ArticleView

    families = QFontDatabase.families()
    view = ArticleView()
    used = QFontInfo(view.font()).family()
    view.deleteLater()
    screen = app.primaryScreen()
    size = screen.size() if screen is not None else None
    info: dict[str, object] = {
        "qt": qVersion(),
        "pyside6": PySide6.__version__,
        "platform": app.platformName(),
        "font": used,
        "font_families": len(families),
        "screen": f"{size.width()}x{size.height()}" if size is not None else "none",
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        **machine_figures(),
        # PYTHONDONTWRITEBYTECODE here; the start-up figure runs without it (as a desktop).
        "bytecode_written_here": not sys.dont_write_bytecode,
    }
    print("set-up: " + ", ".join(f"{k}={v}" for k, v in info.items()), file=sys.stderr)
    refuse_when_busy("bench_view", allow_busy, info)  # type: ignore[arg-type]
    if app.platformName() == "offscreen" and not offscreen:
        sys.exit(
            "bench_view: Qt's offscreen platform paints to no screen; run on a desktop or "
            "under Xvfb with QT_QPA_PLATFORM=xcb (see the README), or pass --offscreen."
        )
    if not families or not used or used not in families:
        sys.exit(
            "bench_view: Qt finds no real font (font families: "
            f"{len(families)}, article font: {used!r}). Install fonts (Debian: "
            "fonts-dejavu-core) and run on a desktop or under Xvfb; see the README."
        )
    return info


def make_project(path: Path, chars: int, spans_wanted: int) -> tuple[int, int, list[Span]]:
    """A project with the long article (and its spans by 'bench') and 200 short ones."""
    text = article(chars)
    tokens = tokenize(text, "de")
    spans = spread_spans(text, tokens, spans_wanted)
    others = [f"{PARAGRAPH} Nummer {i}." for i in range(200)]
    with ProjectRepository.open(path) as repo:
        docs = [NewDocument(text, tokens, TOKENIZER_VERSION, "de", "bench")]
        docs += [NewDocument(t, tokenize(t, "de"), TOKENIZER_VERSION, "de") for t in others]
        ids = [i for i, _ in repo.add_documents(docs)]
        repo.edit_spans(ids[0], "bench", add=spans)
    print(f"article: {len(text)} chars, {len(tokens)} tokens, {len(spans)} spans",
          file=sys.stderr)  # fmt: skip
    return ids[0], ids[-1], spans


def paint(widget: QTextEdit) -> None:
    QApplication.processEvents()
    widget.viewport().repaint()


def bench_window(
    repo: ProjectRepository, doc_id: int, other_id: int, spans: int, *, commits: bool = True
) -> dict[str, float]:
    from ui.project_actions import open_main_window

    window = open_main_window(repo, "bench", suggestions=False)  # composed as the app does
    window.resize(1280, 800)
    window.show()
    window.activateWindow()  # label keys are window shortcuts: the window must be active
    QTest.qWaitForWindowActive(window, 5000)
    QApplication.processEvents()
    window.editor.show_document(other_id)  # open something else first
    paint(window.article)
    timer = QElapsedTimer()
    timer.start()
    window.editor.show_document(doc_id)
    paint(window.article)
    open_ms = timer.nsecsElapsed() / 1e6

    document = window.editor.document
    assert document is not None and len(window.editor.spans) == spans
    free = [t for t in document.tokens if t.text.islower() and len(t.text) > 3]
    step = max(1, len(free) // (EDITS * 3))
    edits = []
    for token in free[::step][:EDITS]:
        window.article.select_range(token.start, token.end)
        QApplication.processEvents()  # the scroll to the selection is not the edit
        timer.restart()
        QTest.keyClick(window.article, Qt.Key.Key_O)
        paint(window.article)
        edits.append(timer.nsecsElapsed() / 1e6)
    if len(window.editor.spans) != spans + EDITS:
        sys.exit(f"bench_view: the label key made {len(window.editor.spans) - spans} edits, "
                 f"not {EDITS}: is the window active?")  # fmt: skip
    window.close()
    result = {"open_ms": open_ms, "edit_p50_ms": p50(edits), "edit_p95_ms": p95(edits)}
    if commits:
        times = []
        for token in free[::step][EDITS : EDITS * 2]:
            start = time.perf_counter()
            repo.edit_spans(doc_id, "bench", add=[Span(token.start, token.end, "ORG")])
            times.append((time.perf_counter() - start) * 1000)
        result |= {"commit_p50_ms": p50(times), "commit_p95_ms": p95(times)}
    return result


def bench_naive(text: str, spans: list[Span]) -> dict[str, float]:
    """The same spans as one ExtraSelection each (what other small tools do)."""
    view = QTextEdit()
    view.setReadOnly(True)
    view.resize(1000, 900)
    view.show()
    QApplication.processEvents()

    def selections(marks: list[Span]) -> list[QTextEdit.ExtraSelection]:
        result = []
        for span in marks:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(view.document())
            cursor.setPosition(span.start)
            cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(136, 204, 238, 120))
            selection.format = fmt  # type: ignore[attr-defined]
            result.append(selection)
        return result

    timer = QElapsedTimer()
    timer.start()
    view.setPlainText(text)
    view.setExtraSelections(selections(spans))
    paint(view)
    open_ms = timer.nsecsElapsed() / 1e6
    edits = []
    marks = list(spans)
    for i in range(20):
        timer.restart()
        marks[i] = Span(marks[i].start, marks[i].end, "LOC")
        view.setExtraSelections(selections(marks))
        paint(view)
        edits.append(timer.nsecsElapsed() / 1e6)
    view.close()
    return {
        "naive_open_ms": open_ms,
        "naive_edit_p50_ms": p50(edits),
        "naive_edit_p95_ms": p95(edits),
    }


def bench_stall(app: QApplication, path: Path) -> float:
    """Longest GUI stall while the worker pre-annotates the whole project."""
    from ui.annotate.suggestions import SuggestionService

    repo = ProjectRepository.open(path)
    service = SuggestionService(repo)
    gaps: list[float] = []
    last = [time.perf_counter()]
    done = [False]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - 5)
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    service.worker.project_done.connect(lambda _message: done.__setitem__(0, True))
    service.worker.failed.connect(lambda message: print(f"worker: {message}", file=sys.stderr))
    timer.start(5)
    service.run_project()
    deadline = time.monotonic() + 600
    while not done[0] and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    service.stop()
    repo.close()
    return max(gaps[5:]) if len(gaps) > 5 else float("nan")


def bench_queue(app: QApplication, tmpdir: Path) -> float:
    """Open the queue of a 100,000-document project: one page is read, no texts."""
    from storage.bulk import ImportEntry, store_batch
    from ui.annotate.queue_panel import QueuePanel

    path = tmpdir / "queue.kathode"
    with ProjectRepository.open(path) as repo:
        for first in range(0, QUEUE_DOCUMENTS, 10_000):
            batch = [
                ImportEntry(NewDocument(f"Meldung {i}: CATL liefert Zellen.", [], "none", "de"))
                for i in range(first, first + 10_000)
            ]
            with repo.writing() as session:
                store_batch(session, batch)
    repo = ProjectRepository.open(path)
    start = time.perf_counter()
    panel = QueuePanel(repo, "bench")
    panel.resize(400, 800)
    panel.show()
    QApplication.processEvents()
    panel.table.viewport().repaint()
    elapsed = (time.perf_counter() - start) * 1000
    assert panel.model.rowCount() < QUEUE_DOCUMENTS
    panel.close()
    repo.close()
    return elapsed


def bench_startup(path: Path, home: Path) -> float:
    """Best of 3 starts, after one warm-up start, as on a desktop: Python writes and reuses
    bytecode (a PYTHONDONTWRITEBYTECODE in this shell would make every start compile every
    module of the project from source, which no user's start does)."""
    env = {**os.environ, "KATHODE_QUIT_WHEN_SHOWN": "1", "XDG_CONFIG_HOME": str(home)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    best = float("inf")
    for attempt in range(4):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--project", str(path), "--annotator", "b"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        if attempt:  # the first start is the warm-up
            best = min(best, (time.perf_counter() - start) * 1000)
    return best


def bench_commit_floor(tmpdir: Path) -> dict[str, float]:
    """What one committed row costs this disk with no Kathode at all: sqlite3, WAL, the
    default synchronous=FULL Kathode keeps (an edit is on disk before the next key)."""
    import sqlite3

    connection = sqlite3.connect(tmpdir / "floor.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT)")
    times = []
    for _ in range(EDITS):
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t (label) VALUES ('ORG')")
        connection.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return {"commit_floor_p50_ms": p50(times), "commit_floor_p95_ms": p95(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--window-only", action="store_true", help="only the window figures (no stall, start-up)"
    )
    parser.add_argument("--allow-busy", action="store_true", help="run on a loaded machine")
    parser.add_argument("--offscreen", action="store_true", help="allow Qt's offscreen platform")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    info = setup(app, allow_busy=args.allow_busy, offscreen=args.offscreen)  # type: ignore[arg-type]
    extra: dict[str, float] = {}
    meter = StealMeter()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        path = tmpdir / "view.kathode"
        doc_id, other_id, spans = make_project(path, CHARS, SPANS)
        repo = ProjectRepository.open(path)
        window = bench_window(repo, doc_id, other_id, len(spans))
        repo.close()
        window |= bench_commit_floor(tmpdir)
        print(f"window: {window}", file=sys.stderr)
        with ProjectRepository.open(path) as repo:
            text = repo.document(doc_id).text
        naive = bench_naive(text, spans)
        print(f"naive ExtraSelections: {naive}", file=sys.stderr)
        large_path = tmpdir / "large.kathode"
        large_id, large_other, large_spans = make_project(large_path, LARGE_CHARS, LARGE_SPANS)
        with ProjectRepository.open(large_path) as repo:
            large = bench_window(repo, large_id, large_other, len(large_spans), commits=False)
        print(f"1M characters: {large}", file=sys.stderr)
        if not args.window_only:
            stall = bench_stall(app, path)  # type: ignore[arg-type]
            print(f"max stall during pre-annotation: {stall:.1f} ms", file=sys.stderr)
            startup = bench_startup(path, tmpdir)
            print(f"start-up: {startup:.0f} ms", file=sys.stderr)
            queue = bench_queue(app, tmpdir)  # type: ignore[arg-type]
            print(f"queue of {QUEUE_DOCUMENTS} documents: {queue:.0f} ms", file=sys.stderr)
            extra = {"max_stall_ms": stall, "startup_ms": startup, "queue_100k_ms": queue}
    result = {
        **{k: round(v, 1) for k, v in window.items()},
        **{f"large_{k}": round(v, 1) for k, v in large.items()},
        **{k: round(v, 1) for k, v in extra.items()},
        **{k: round(v, 1) for k, v in naive.items()},
        "open_ratio_vs_naive": round(naive["naive_open_ms"] / window["open_ms"], 2),
        "edit_ratio_vs_naive": round(naive["naive_edit_p95_ms"] / window["edit_p95_ms"], 2),
        "commit_over_floor_p95_ms": round(
            window["commit_p95_ms"] - window["commit_floor_p95_ms"], 1
        ),
        "steal_during_run": steal_verdict("bench_view", meter),
        "setup": info,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
