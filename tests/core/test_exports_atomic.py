"""Atomic files: the destination holds the old file or the complete new one, never a part."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.exports import atomic
from core.exports.atomic import AtomicFile, commit_all


def test_exports_atomic_commit_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    file = AtomicFile(target)
    assert file.temp.parent == tmp_path and file.temp.name.startswith(".out.jsonl.")
    file.write("new\n")
    assert target.read_text() == "old\n"  # nothing visible before commit
    assert commit_all([file]) == [target]
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_exports_atomic_discard_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    file = AtomicFile(target)
    file.write("half")
    file.discard()
    file.discard()  # twice is harmless
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_exports_atomic_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    if os.name == "nt":
        pytest.skip("POSIX permissions")
    umask = os.umask(0o022)
    try:
        file = AtomicFile(tmp_path / "out.conll")
        file.write("x")
        [path] = commit_all([file])
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_exports_atomic_no_file_replaced_unless_all_are_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train, dev = tmp_path / "train.spacy", tmp_path / "dev.spacy"
    train.write_bytes(b"old train")
    dev.write_bytes(b"old dev")
    files = [AtomicFile(train, binary=True), AtomicFile(dev, binary=True)]
    for file in files:
        file.write(b"new")
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space"):
        commit_all(files)
    assert (train.read_bytes(), dev.read_bytes()) == (b"old train", b"old dev")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev.spacy", "train.spacy"]
