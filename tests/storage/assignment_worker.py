"""One annotator's process for the concurrency tests: ``next`` until the pool is empty.

Run as ``python -m tests.storage.assignment_worker PROJECT NAME START``: waits until the wall
clock passes START (so that all processes ask at the same moment), then asks for the next
document, accepts it, and asks again; prints the documents it got as one JSON list.
"""

from __future__ import annotations

import json
import sys
import time

from core.documents import Status
from storage.repository import ProjectRepository


def main(project: str, name: str, start: float) -> None:
    got: list[int] = []
    with ProjectRepository.open(project) as repo:
        repo.team_settings()  # connect before the start
        time.sleep(max(0.0, start - time.time()))
        while (document_id := repo.next_document(name)) is not None:
            got.append(document_id)
            repo.set_status(document_id, name, Status.ACCEPTED)
    print(json.dumps(got))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
