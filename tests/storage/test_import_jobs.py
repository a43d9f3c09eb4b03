"""How many import workers by default: all cores, but none for a small input."""

from __future__ import annotations

from pathlib import Path

from storage import import_pool
from storage.import_pool import default_jobs, jobs_for


def test_import_jobs_small_input_needs_no_workers(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(import_pool, "SMALL_INPUT_BYTES", 1000)
    small = tmp_path / "small.jsonl"
    small.write_text('{"text": "CATL."}\n')
    assert jobs_for([small]) == 1
    folder = tmp_path / "folder"
    folder.mkdir()
    for n in range(30):
        (folder / f"{n}.txt").write_text("x" * 50)
    assert jobs_for([small, folder]) == default_jobs()
    assert jobs_for([small], 3) == 3
    assert jobs_for([tmp_path / "missing.jsonl"]) == 1
