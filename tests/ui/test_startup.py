"""Start-up stays light: the window's modules never import spaCy (it loads in a server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_startup_importing_the_ui_does_not_import_spacy() -> None:
    code = (
        "import sys; import main; import ui.app, ui.annotate.main_window, ui.annotate.suggestions; "
        "import storage.repository, storage.suggest, storage.importer, nlp.suggesters; "
        "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('spacy.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
