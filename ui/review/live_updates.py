"""Other people's changes in the review window within a moment: the review queue is read
again in the background (keeping the selection; at 24,000 documents that read takes 0.4 s,
which a busy team would otherwise freeze the window for at every change), and the open
document is shown again when a person's version of it changed. Gold changes only update the
queue's *reviewed* column: the window's own decisions arrive here too and are already on
screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.roles import permissions_of
from storage.changes import Change
from storage.review import ReviewItem, is_reserved_name
from storage.team import role_of
from ui.widgets.actions import apply_permissions
from ui.widgets.live_updates import LiveUpdates

if TYPE_CHECKING:
    from ui.review.review_window import ReviewWindow

VERSION_TABLES = frozenset({"annotation", "span", "rejection"})


QUEUE_READ = "review-queue"


def connect_review_window(window: ReviewWindow) -> LiveUpdates:
    """Offer what the reviewer's role allows and keep the window up to date."""
    apply_permissions(window.actions_by_id, permissions_of(role_of(window.repo, window.reviewer)))
    live = LiveUpdates(window.repo, window)
    pending: list[Change] = []  # changes since the last queue read began, for its answer

    def read_queue() -> None:
        query = window.queue.model.query
        window.reads.read(
            QUEUE_READ,
            lambda repo: repo.review_queue(**query),
            lambda rows: on_queue_read(query, rows),
        )

    def on_changed(changes: list[Change]) -> None:
        pending.extend(changes)
        read_queue()

    def on_queue_read(query: dict[str, Any], rows: list[ReviewItem]) -> None:
        if query != window.queue.model.query:  # the reviewer changed a filter meanwhile
            read_queue()
            return
        changes = list(pending)
        pending.clear()
        window.queue.show_rows(rows)
        apply_review_changes(window, changes)

    live.changed.connect(on_changed)
    return live.follow_visibility(window)


def touches_versions(changes: list[Change], document_id: int | None) -> bool:
    """A person's version of the open document changed (or something unnamed did)."""
    return any(
        change.document_id is None
        or (
            change.document_id == document_id
            and change.table in VERSION_TABLES
            and not (change.annotator and is_reserved_name(change.annotator))
        )
        for change in changes
    )


def apply_review_changes(window: ReviewWindow, changes: list[Change]) -> None:
    """After the queue shows its new rows: open the first document when none was, and show
    the open one again when a person's version of it changed."""
    queue = window.queue
    document_id = window.document_id
    if document_id is None:
        if queue.current_document() is None and queue.model.rowCount():
            queue.table.selectRow(0)  # the first document to review has just arrived
        return
    if touches_versions(changes, document_id):
        reopen(window, document_id)


def reopen(window: ReviewWindow, document_id: int) -> None:
    """Read the open document's versions again, the caret where it was."""
    position = window.gold_view.textCursor().position()
    window.editor.document = None
    window.editor.show_document(document_id, premerge=False)
    cursor = window.gold_view.textCursor()
    cursor.setPosition(min(position, len(window.gold_view.toPlainText())))
    window.gold_view.setTextCursor(cursor)
