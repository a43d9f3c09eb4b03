"""The training process: the app starts it to train the project model, like the suggestion
server, so spaCy and training never run in the GUI process.

:func:`serve_training` opens the project itself, runs :func:`storage.training.train_project`
and talks over a ``multiprocessing`` pipe.

Messages in: ``("cancel",)`` (asked between two batches; nothing is installed).
Messages out: ``("progress", event)`` with the event dicts of ``train_project``,
``("done", result)`` with ``TrainResult.as_dict()``, ``("cancelled",)``, ``("error", text)``.
Killing the process at any moment is safe too: the previous model stays in use.
"""

from __future__ import annotations

import contextlib
import logging
from multiprocessing.connection import Connection
from typing import Any

from storage.repository import ProjectRepository
from storage.training import TrainingError, TrainOptions, train_project

log = logging.getLogger(__name__)


def serve_training(url: str, options: dict[str, Any], connection: Connection) -> None:
    """Train once with ``options`` (the fields of :class:`TrainOptions`) and report."""
    cancelled = False

    def should_stop() -> bool:
        nonlocal cancelled
        try:
            while connection.poll(0):
                if connection.recv()[0] == "cancel":
                    cancelled = True
        except (EOFError, OSError):
            cancelled = True  # the app is gone: stop, install nothing
        return cancelled

    def send(*message: Any) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):  # the app is gone
            connection.send(message)

    from nlp.project_training import TrainingCancelled

    try:
        with ProjectRepository.open(url) as repo:
            result = train_project(
                repo,
                TrainOptions(**options),
                progress=lambda event: send("progress", event),
                should_stop=should_stop,
            )
    except TrainingCancelled:
        send("cancelled")
    except TrainingError as exc:
        send("error", str(exc))
    except Exception as exc:  # reported in the window; the previous model stays
        log.exception("training failed")
        send("error", f"Training failed: {exc}")
    else:
        send("done", result.as_dict())
    finally:
        connection.close()
