"""Start-up stays light (the window's modules never import spaCy, it loads in a server), and
a Qt that cannot load its platform plugin is caught before it aborts, with the packages to
install named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.qt_platform import debian_package

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


def test_startup_creating_the_demo_project_does_not_import_spacy(tmp_path: Path) -> None:
    """The first start fills the demo project in the window's process: its tokens come from
    ``nlp.rule_tokenizer``, so spaCy stays out of that process too."""
    code = (
        "import sys; from storage.demo import open_demo_project; "
        "repo, summary = open_demo_project(); assert summary and summary.documents_added == 8; "
        "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('spacy.')))"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "Kathode" / "demo.kathode").exists()


def test_startup_debian_packages_follow_the_soname_rule() -> None:
    assert debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libEGL.so.1") == "libegl1"
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert debian_package("libdbus-1.so.3") == "libdbus-1-3"
    assert debian_package("libglib-2.0.so.0") == "libglib2.0-0"


def broken_xcb_plugin(folder: Path, missing: bytes) -> dict[str, str]:
    """A copy of PySide6's xcb plugin whose libxcb-cursor dependency names a library no
    system has, and the environment that makes Qt load it (as on a desktop without it)."""
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    data = (plugins / "platforms" / "libqxcb.so").read_bytes()
    assert data.count(b"libxcb-cursor.so.0\0") == 1
    platforms = folder / "platforms"
    platforms.mkdir()
    (platforms / "libqxcb.so").write_bytes(data.replace(b"libxcb-cursor.so.0\0", missing + b"\0"))
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_DEBUG_PLUGINS")}
    env.update(
        QT_QPA_PLATFORM="xcb",
        QT_QPA_PLATFORM_PLUGIN_PATH=str(platforms),
        LD_LIBRARY_PATH=QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath),
        DISPLAY=os.environ.get("DISPLAY", ":0"),
    )
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_startup_missing_xcb_library_names_the_package_instead_of_aborting(
    tmp_path: Path,
) -> None:
    env = broken_xcb_plugin(tmp_path, b"libxcb-cursor.so.7")
    # The set-up is really broken: Qt itself aborts the process in QApplication().
    qt = subprocess.run(
        [sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert qt.returncode < 0 and "Could not load the Qt platform plugin" in qt.stderr
    done = subprocess.run(
        [sys.executable, "main.py", "--project", str(tmp_path / "p.kathode"), "--annotator",
         "ana"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "missing libraries: libxcb-cursor.so.7" in done.stderr
    assert "sudo apt install libxcb-cursor7" in done.stderr
    assert not (tmp_path / "p.kathode").exists()  # stopped before anything was opened


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_startup_working_xcb_plugin_passes_the_check() -> None:
    code = (
        "from ui.qt_platform import platform_problem, xcb_plugin; "
        "print(xcb_plugin() is not None, platform_problem())"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "None"]
