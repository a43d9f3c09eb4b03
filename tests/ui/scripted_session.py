"""Run by test_kill.py in a subprocess: annotate with real key presses until killed.

After every edit the window has drawn, one line ``shown START END LABEL`` goes to stdout;
the test kills this process with SIGKILL at a random moment and checks that every edit
announced here is in the database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from storage.repository import ProjectRepository
from ui.annotate.main_window import MainWindow

LABEL_KEYS = (("ORG", Qt.Key.Key_O), ("LOC", Qt.Key.Key_L), ("PRODUCT", Qt.Key.Key_R))


def main() -> None:
    app = QApplication([])
    repo = ProjectRepository.open(sys.argv[1])
    window = MainWindow(repo, "ana", suggestions=False)
    window.show()
    window.activateWindow()
    # Label keys are window shortcuts: before the window is active a key press does nothing,
    # and a loaded machine can take a while to activate it.
    if not QTest.qWaitForWindowActive(window, 20_000):
        sys.exit("the window never became active")
    tokens = [t for t in window.editor.document.tokens if t.text.isalpha()]  # type: ignore[union-attr]
    step = iter(range(10**6))

    def annotate() -> None:
        i = next(step)
        token = tokens[i % len(tokens)]
        label, key = LABEL_KEYS[i % len(LABEL_KEYS)]
        if i >= len(tokens):  # second round: remove what the first round made
            window.article.select_range(token.start, token.start)
            QTest.keyClick(window.article, Qt.Key.Key_Delete)
            print(f"removed {token.start} {token.end}", flush=True)
            return
        window.article.select_range(token.start, token.end)
        QTest.keyClick(window.article, key)
        window.article.viewport().repaint()
        if not any((s.start, s.end, s.label) == (token.start, token.end, label)
                   for s in window.spans):  # fmt: skip
            sys.exit(f"the {label} key on {token.text!r} did not show a span")
        print(f"shown {token.start} {token.end} {label}", flush=True)

    timer = QTimer()
    timer.timeout.connect(annotate)
    timer.start(5)
    app.exec()


if __name__ == "__main__":
    main()
