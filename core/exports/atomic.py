"""Files that appear at their destination complete or not at all.

An :class:`AtomicFile` is written under a hidden temporary name in the destination's own
folder (``.<name>.<random>.tmp``), so the final ``os.replace`` is a rename within one file
system. :func:`commit_all` flushes and ``fsync``s every file first, then renames them onto
their destinations and ``fsync``s the folders, so a crash before the rename leaves the old
destination untouched and one after it the complete new file. A process killed mid-way can
leave its temporary file behind; it never leaves a truncated destination, and the next
export to the same destination removes such leftovers (the temporary name carries the
writing process's id, so a live export's file is never touched).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

_BUFFER = 1 << 20


class AtomicFile:
    """A file being written to a temporary name beside ``path``; see :func:`commit_all`."""

    def __init__(self, path: Path, *, binary: bool = False) -> None:
        self.path = Path(path)
        remove_stale_temps(self.path)
        self.temp = self.path.with_name(
            f".{self.path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"
        )
        # O_EXCL: never write through a file someone else put there; 0o666 lets the umask
        # give the new file the same permissions any other new file would get.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(self.temp, flags, 0o666)
        self.handle: IO[Any]
        if binary:
            self.handle = os.fdopen(fd, "wb", buffering=_BUFFER)
        else:
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=_BUFFER)
        self.done = False

    def write(self, data: Any) -> None:
        self.handle.write(data)

    def finish(self) -> None:
        """Flush and ``fsync`` the temporary file and close it (it is not yet in place)."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def discard(self) -> None:
        """Close and delete the temporary file; the destination keeps what it had."""
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete temporary files that killed exports to ``path`` left behind; return them.

    A temporary file whose process is gone is stale; so is one in the older format (no
    process id) that has not been written to for an hour.
    """
    removed: list[Path] = []
    try:
        candidates = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for temp in candidates:
        middle = temp.name[len(path.name) + 2 : -len(".tmp")]
        pid, _, token = middle.partition("-")
        try:
            if token and pid.isdigit():
                stale = not _process_alive(int(pid))
            else:
                stale = time.time() - temp.stat().st_mtime > 3600
            if stale:
                temp.unlink()
                removed.append(temp)
        except OSError:
            continue
    return removed


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def commit_all(files: Sequence[AtomicFile]) -> list[Path]:
    """Complete every file, then move each onto its destination; on failure keep the old ones.

    The renames happen only after all files are safely on disk; should a rename itself fail,
    the files not yet renamed are discarded and the error is raised.
    """
    try:
        for file in files:
            file.finish()
        for file in files:
            os.replace(file.temp, file.path)
            file.done = True
    except BaseException:
        for file in files:
            file.discard()
        raise
    for folder in sorted({file.path.parent for file in files}):
        sync_folder(folder)
    return [file.path for file in files]


def sync_folder(folder: Path) -> None:
    """``fsync`` a folder so that a rename inside it survives a power cut (POSIX only)."""
    if os.name == "nt":  # Windows cannot open a folder as a file; NTFS journals renames
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
