"""A writer process for the concurrency tests and the benchmark: ``N`` edits through the
repository, as a window would make them, each acknowledged only once committed.

python -m tests.reliability.edit_worker PROJECT ANNOTATOR WORKER N START_AT

Worker ``w`` adds, for edit ``k``, the span on token ``w`` of document ``k % documents``
(its own span, so that shared annotators never ask for the same row), after waiting until
the wall clock reaches ``START_AT`` so that all workers start together. Prints one JSON
line: the acknowledged spans and the errors.
"""

from __future__ import annotations

import json
import sys
import time

from core.spans import Span
from storage.repository import ProjectRepository


def main(project: str, annotator: str, worker: int, edits: int, start_at: float) -> None:
    acked: list[list[int]] = []
    errors: list[str] = []
    with ProjectRepository.open(project) as repo:
        ids = repo.document_ids()
        tokens = {i: repo.tokens(i) for i in ids}
        while time.time() < start_at:
            time.sleep(0.005)
        for k in range(edits):
            doc = ids[k % len(ids)]
            token = tokens[doc][worker + 4 * (k // len(ids))]
            span = Span(token.start, token.end, "ORG")
            try:
                repo.add_span(doc, annotator, span)
                acked.append([doc, span.start, span.end])
            except Exception as exc:  # the test counts every kind of failure
                errors.append(f"{type(exc).__name__}: {exc}"[:300])
    print(json.dumps({"worker": worker, "acked": acked, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
