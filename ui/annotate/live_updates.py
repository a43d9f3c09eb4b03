"""Other people's changes in the annotator's window: the queue rows and progress figures
they touched, and a new assignment (a manager's, or another window of the same person)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.changes import Change
from ui.annotate.roles import apply_role
from ui.widgets.live_updates import LiveUpdates

if TYPE_CHECKING:
    from ui.annotate.main_window import MainWindow


def connect_live_updates(window: MainWindow) -> LiveUpdates:
    """Keep ``window``'s queue and progress up to date with everyone's changes."""
    live = LiveUpdates(window.repo, window)
    live.changed.connect(lambda changes: apply_changes(window, changes))
    return live.start()


def needs_reload(changes: list[Change], annotator: str) -> bool:
    """A change that names no document (an import, the scheme) or changes which documents
    are in this person's queue (an assignment of theirs) changes the rows themselves."""
    return any(
        change.document_id is None
        or (change.table == "assignment" and change.annotator in (None, annotator))
        for change in changes
    )


def apply_changes(window: MainWindow, changes: list[Change]) -> None:
    """Refresh the queue rows of the changed documents, or the whole queue when the rows
    themselves may have changed; the selection stays where it was."""
    queue, model = window.queue, window.queue.model
    if needs_reload(changes, model.annotator):
        current = model.document_id(queue.table.currentIndex().row())
        queue.blockSignals(True)  # the open document stays open: no document_chosen
        try:
            model.reload()
            row = None if current is None else model.row_of(current)
            if row is not None:
                queue.table.selectRow(row)
        finally:
            queue.blockSignals(False)
        apply_role(window)  # a member's role may be what changed
        queue.open_on_work()  # or the project may have just become a team project
    else:
        for document_id in dict.fromkeys(c.document_id for c in changes):
            if document_id is not None:
                model.refresh_row(document_id)
    window.refresh_progress()
