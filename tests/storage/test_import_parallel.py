"""The import on all cores gives exactly what the serial import gives: the same documents
(with ids, in order), tokens, versions, spans, suggestions, and the same summary."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storage import importer
from storage.import_pool import PreparePool
from storage.importer import ImportOptions, import_paths
from storage.repository import ProjectRepository
from tests.conftest import shared_data

TABLES = {
    "document": "id, text, content_hash, title, source, meta, language, tokens, tokenizer_version",
    "annotator": "id, name, kind",
    "annotation": "id, document_id, annotator_id, status, session",
    "span": 'annotation_id, start, "end", label, source',
    "suggestion_run": "id, document_id, suggester, version",
    "suggestion": 'run_id, start, "end", label, source',
}


def contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        return {
            table: db.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall()
            for table, columns in TABLES.items()
        }


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def hostile_folder(root: Path) -> Path:
    """Every kind of outcome, in an order that tests the order: good and bad records,
    duplicates, a merge, a conflict, split tokens, a reserved name, NUL, files skipped."""
    folder = root / "in"
    lines = [
        {"text": "CATL baut ein Werk in Arnstadt.", "label": [[0, 4, "ORG"]]},
        {"text": "CATL baut ein Werk in Arnstadt.", "label": [[22, 30, "LOC"]]},  # merged
        "not json",
        {"text": "GM kauft LFPZellen.", "label": [[9, 12, "CHEMISTRY"]]},  # splits a token
        {"text": "Northvolt files for bankruptcy.", "answer": "accept", "spans": []},
        {"text": "Northvolt files for bankruptcy.", "answer": "reject", "spans": []},  # conflict
        {"text": "Zero \u0000 byte."},
        {"text": "Gold is reserved.", "_annotator_id": "gold", "answer": "accept"},
        {"text": ""},
    ]
    for n in range(60):
        lines.append({"text": f"Satz {n} über Zellen von BYD.", "label": [[0, 4, "MISC"]]})
        lines.append({"text": f"Sentence {n} about cells from LG.", "label": []})
    write(
        folder / "a.jsonl",
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
    )
    write(folder / "b.txt", "Die Batterie kommt aus Ningde.")
    write(folder / "c.md", "---\ntitle: C\n---\n\nThe cell comes from Ningde.")
    write(folder / "d.txt", "")
    write(folder / "e.pdf", "%PDF")
    tasks = [
        {
            "data": {"text": "Tesla ramps the 4680 cell."},
            "annotations": [
                {
                    "completed_by": 3,
                    "result": [
                        {
                            "type": "labels",
                            "value": {"start": 0, "end": 5, "text": "Tesla", "labels": ["ORG"]},
                        }
                    ],
                }
            ],
            "predictions": [
                {
                    "model_version": "m1",
                    "result": [
                        {
                            "type": "labels",
                            "value": {
                                "start": 16,
                                "end": 20,
                                "text": "4680",
                                "labels": ["PRODUCT"],
                            },
                        }
                    ],
                }
            ],
        },
        {"data": {"txt": "no text"}},
    ]
    write(folder / "f.json", json.dumps(tasks))
    write(folder / "g.csv", "text,src\nBYD liefert Zellen.,web\nbroken,row,here\n")
    for n in range(20):
        write(folder / "many" / f"{n:02}.txt", f"Dokument {n}: CATL und BYD bauen Zellen.")
    return folder


def run(path: Path, inputs: list[Path], **kwargs: Any) -> dict[str, object]:
    with ProjectRepository.open(path) as repo:
        summary = import_paths(repo, inputs, annotator="ana", batch_size=7, **kwargs)
    return summary.as_dict()


def test_import_parallel_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK_RECORDS", 5)  # many tasks in flight, out of step
    monkeypatch.setattr(importer, "CHUNK_FILES", 3)  # with the batches of 7
    folder = hostile_folder(tmp_path)
    inputs = [folder, tmp_path / "missing.jsonl", folder / "b.txt"]
    options = ImportOptions(label_map={"MISC": None, "ORG": "ORG"})
    serial = run(tmp_path / "serial.kathode", inputs, options=options)
    parallel = run(tmp_path / "parallel.kathode", inputs, options=options, jobs=2)
    assert parallel == serial
    assert serial["refused"] and serial["notes"] and serial["skipped_files"]
    assert serial["suggestions"] == 1 and serial["merged"] == 1
    assert contents(tmp_path / "parallel.kathode") == contents(tmp_path / "serial.kathode")


def test_import_parallel_equals_serial_on_shared_data(tmp_path: Path) -> None:
    inputs = [
        shared_data("prodigy", "news_headlines_ner.jsonl"),
        shared_data("doccano"),
        shared_data("battery-news-en"),
    ]
    serial = run(tmp_path / "serial.kathode", inputs)
    with PreparePool(2).start() as pool:
        parallel = run(tmp_path / "parallel.kathode", inputs, pool=pool)
        again = run(tmp_path / "again.kathode", inputs, pool=pool)  # a pool serves many
    assert parallel == serial == again
    assert serial["documents_added"] > 500
    assert contents(tmp_path / "parallel.kathode") == contents(tmp_path / "serial.kathode")


def test_import_parallel_memory_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most 2 × jobs tasks are in flight, however long the file: the reader is not run
    ahead of the storing."""
    monkeypatch.setattr(importer, "CHUNK_RECORDS", 10)
    path = write(
        tmp_path / "long.jsonl",
        "".join(json.dumps({"text": f"Zeile {n} mit CATL."}) + "\n" for n in range(400)),
    )
    read = 0
    stored_when: list[int] = []
    original_read, original_store = importer.read_file, importer._store

    def counting_read(*args: Any) -> Any:
        nonlocal read
        for item in original_read(*args):
            read += 1
            yield item

    def noting_store(repo: Any, batch: Any, annotator: Any, summary: Any) -> None:
        stored_when.append(read)
        original_store(repo, batch, annotator, summary)

    monkeypatch.setattr(importer, "read_file", counting_read)
    monkeypatch.setattr(importer, "_store", noting_store)
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = import_paths(repo, [path], batch_size=50, jobs=2)
    assert summary.documents_added == 400
    # When batch k (50 records) is stored, at most 2 jobs × 2 chunks × 10 records more
    # (plus the chunk being filled) have been read.
    for k, seen in enumerate(stored_when[:-1], start=1):
        assert seen <= 50 * k + 2 * 2 * 10 + 10, (k, seen)


def test_import_parallel_dead_worker_stops_with_one_message(tmp_path: Path) -> None:
    import os
    import signal

    path = write(
        tmp_path / "a.jsonl",
        "".join(json.dumps({"text": f"Zeile {n} mit CATL."}) + "\n" for n in range(50)),
    )
    with PreparePool(2) as pool:
        pid = pool.submit(os.getpid).result()
        os.kill(pid, signal.SIGKILL)
        with ProjectRepository.open(tmp_path / "p.kathode") as repo:
            summary = import_paths(repo, [path], pool=pool)
    assert summary.stopped is not None and "worker process ended unexpectedly" in summary.stopped
    assert not summary.ok


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_import_parallel_workers_end_when_the_importer_is_killed(tmp_path: Path) -> None:
    """SIGKILL the importing process: its worker processes end too, none is left behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = (
        f"import sys, os, time; sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from storage.import_pool import PreparePool\n"
        "pool = PreparePool(2)\n"
        "pids = [pool.submit(os.getpid).result() for _ in range(4)]\n"
        "print(' '.join(map(str, sorted(set(pids)))), flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    pids = [int(pid) for pid in child.stdout.readline().split()]
    assert pids
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()

    def alive(pid: int) -> bool:
        """Running, not a zombie left for whoever adopted it to reap."""
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state != "Z"

    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in pids)
