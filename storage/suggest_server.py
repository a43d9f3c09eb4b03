"""The suggestion server: a separate process that owns the spaCy pipelines.

The app talks to it over a ``multiprocessing`` pipe, so loading a model or tagging a batch
never holds the GUI process's interpreter lock, and the second core does the work. The
server opens the project itself and writes the suggestion cache; requests for the open
document are answered between the batches of a project run.

Messages in: ``("document", id)``, ``("project",)``, ``("cancel",)``, ``("stop",)``.
Messages out: ``("ready", id, spans)``, ``("progress", done, total)``, ``("done", text)``,
``("error", text)``; spans travel as ``(start, end, label, source)`` tuples.
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection
from typing import Any

from core.spans import Span
from storage.repository import ProjectRepository
from storage.suggest import DEFAULT_SUGGESTER, ProjectRun, start_project_run, suggestions_for

log = logging.getLogger(__name__)


def _wire(spans: list[Span]) -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label, s.source) for s in spans]


def serve(url: str, connection: Connection, name: str = DEFAULT_SUGGESTER) -> None:
    """Answer requests until ``("stop",)`` or until the app's end of the pipe closes."""
    repo = ProjectRepository.open(url)
    run: ProjectRun | None = None
    reported: set[str] = set()

    def send(*message: Any) -> None:
        connection.send(message)

    def report(errors: list[str]) -> None:
        for error in errors:
            if error not in reported:
                reported.add(error)
                send("error", error)

    try:
        while True:
            if connection.poll(0 if run is not None else None):
                message = connection.recv()
                kind = message[0]
                if kind == "stop":
                    return
                if kind == "cancel" and run is not None:
                    run = None
                    send("done", "Pre-annotation cancelled; what was done is kept.")
                elif kind == "project":
                    run = start_project_run(repo, name)
                    report(run.summary.errors)
                    send("progress", 0, run.total)
                elif kind == "document":
                    _answer(repo, name, message[1], send, report)
                continue
            assert run is not None
            results = next(run.steps, None)
            if results is None:
                summary = run.summary
                send("done", f"Pre-annotated {summary.documents} documents: "
                             f"{summary.spans} suggestions.")  # fmt: skip
                run = None
                continue
            for document_id, spans in results:
                send("ready", document_id, _wire(spans))
            send("progress", run.done, run.total)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return
    finally:
        repo.close()


def _answer(repo: ProjectRepository, name: str, document_id: int, send: Any, report: Any) -> None:
    from nlp.suggesters import SuggesterError

    try:
        spans = suggestions_for(repo, document_id, name)
    except SuggesterError as exc:
        report([str(exc)])
        return
    except Exception as exc:  # the server keeps serving whatever one document does
        log.exception("suggestions for document %s failed", document_id)
        send("error", f"Suggestions failed for document {document_id}: {exc}")
        return
    send("ready", document_id, _wire(spans))
