"""Can Qt start its window-system plugin? Checked before the QApplication exists, because
Qt aborts the whole process when its platform plugin fails to load ("Could not load the Qt
platform plugin xcb"), which no Python code can catch.

On Linux the xcb plugin needs X libraries a fresh desktop may lack (``libxcb-cursor0``
above all). The check loads the plugin library the way Qt will (``dlopen``; the libraries it
pulls in are loaded by Qt a moment later anyway, so a working set-up pays next to nothing);
only when that fails is ``ldd`` asked for every missing library, and the message names the
Debian/Ubuntu packages that provide them.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

# Debian names a library's package after its soname (policy 8.1): the name lowercased, with
# the soname version appended (after a hyphen when the name ends in a digit). Exceptions:
PACKAGE_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0"}
SONAME = re.compile(r"^(?P<name>lib[\w.+-]+?)\.so\.(?P<version>[\d.]+)$")


def debian_package(library: str) -> str:
    """The Debian/Ubuntu package that provides a library, by the soname naming rule:
    ``libxcb-cursor.so.0`` → ``libxcb-cursor0``, ``libxkbcommon-x11.so.0`` →
    ``libxkbcommon-x11-0``, ``libEGL.so.1`` → ``libegl1``."""
    if library in PACKAGE_EXCEPTIONS:
        return PACKAGE_EXCEPTIONS[library]
    match = SONAME.match(library)
    if match is None:
        return library
    name, version = match["name"].lower(), match["version"].split(".")[0]
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def xcb_plugin() -> Path | None:
    """The xcb plugin Qt would load, or None when Qt will not use xcb here."""
    if not sys.platform.startswith("linux"):
        return None
    requested = [p.split(":")[0] for p in os.environ.get("QT_QPA_PLATFORM", "").split(";") if p]
    if requested and requested[0] != "xcb":
        return None  # offscreen, wayland, …: Qt tries that first
    wayland = os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") == "wayland"
    if not requested and wayland:
        return None  # Qt prefers its Wayland plugin in a Wayland session
    folders = [Path(p) for p in os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(":") if p]
    if not folders:
        from PySide6.QtCore import QLibraryInfo

        folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"]
    for folder in folders:
        plugin = folder / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_libraries(plugin: Path, error: str) -> list[str]:
    """Every library the plugin needs that the loader cannot find (``ldd``), else the one
    ``dlopen`` named (only on the failure path: ``subprocess`` is not imported at start)."""
    import subprocess

    try:
        done = subprocess.run(
            ["ldd", str(plugin)], capture_output=True, text=True, timeout=10, check=False
        )
        missing = re.findall(r"^\s*(\S+) => not found", done.stdout, re.MULTILINE)
    except (OSError, subprocess.SubprocessError):
        missing = []
    if not missing:
        missing = re.findall(r"(lib[\w.+-]+\.so[\d.]*)", error)[:1]
    return list(dict.fromkeys(missing))


def platform_problem() -> str | None:
    """What keeps Qt from starting its platform plugin, with how to fix it; None if fine."""
    plugin = xcb_plugin()
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError as exc:
        return problem_text(plugin, missing_libraries(plugin, str(exc)), str(exc))
    return None


def problem_text(plugin: Path, missing: list[str], error: str) -> str:
    lines = [f"kathode: Qt cannot load its xcb platform plugin ({plugin.name}): {error}"]
    system = [lib for lib in missing if not lib.startswith("libQt6")]
    own = [lib for lib in missing if lib.startswith("libQt6")]
    if system:
        lines.append(f"missing libraries: {', '.join(system)}")
        packages = " ".join(dict.fromkeys(debian_package(lib) for lib in system))
        lines.append(f"on Debian or Ubuntu install them with:  sudo apt install {packages}")
    if own:
        lines.append(
            f"PySide6 lacks its own {', '.join(own)}: reinstall it with  uv sync --reinstall"
        )
    return "\n".join(lines)
