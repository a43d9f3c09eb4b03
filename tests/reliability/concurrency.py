"""Running concurrent writer processes against one project and checking what was kept;
shared by the tests and ``benchmarks/bench_reliability.py``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from storage.repository import ProjectRepository
from tests.storage.conftest import new_document

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WriterOutcome:
    edits: int
    acknowledged: int
    errors: list[str]
    lost: int


def seed_documents(project: str, documents: int, tokens_per_doc: int) -> None:
    """Documents long enough for every worker's spans (one token per worker and round)."""
    words = " ".join(f"Zelle{n}" for n in range(tokens_per_doc))
    with ProjectRepository.open(project) as repo:
        repo.add_documents(new_document(f"Dokument {i}: {words}.", "de") for i in range(documents))


def run_writers(
    project: str, *, processes: int = 4, edits: int = 2000, shared: bool, documents: int = 50
) -> WriterOutcome:
    """``processes`` writers × ``edits`` edits; shared=True: one annotator for all (not yet in
    the project, so they also race to create it); else one annotator each."""
    rounds = -(-edits // documents)
    seed_documents(project, documents, tokens_per_doc=4 * rounds + 8)
    start_at = time.time() + 3.0  # time for every process to import and open the project
    workers = [
        subprocess.Popen(
            [
                sys.executable, "-m", "tests.reliability.edit_worker", project,
                "ana" if shared else f"writer-{w}", str(w), str(edits), str(start_at),
            ],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(processes)
    ]  # fmt: skip
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    errors = [e for r in results for e in r["errors"]]
    acked = {
        ("ana" if shared else f"writer-{r['worker']}", doc, start, end)
        for r in results
        for doc, start, end in r["acked"]
    }
    stored: set[tuple[str, int, int, int]] = set()
    with ProjectRepository.open(project) as repo:
        for name in {a[0] for a in acked}:
            for doc in repo.document_ids():
                for span in repo.annotation(doc, name).spans:
                    stored.add((name, doc, span.start, span.end))
    return WriterOutcome(
        edits=processes * edits,
        acknowledged=len(acked),
        errors=errors,
        lost=len(acked - stored),
    )
