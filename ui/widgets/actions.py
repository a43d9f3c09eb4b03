"""Every command of both windows declared once: its text, keys and help, keyed by an Enum.

The keymap follows Prodigy where it can (``a`` accept, ``x`` reject, space skip, Backspace
undo); label keys are letters from the label scheme. The help overlay and the tooltips are
generated from this table, so they can never disagree with the real shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, auto
from typing import TypeVar

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from core.roles import Permission

Key = TypeVar("Key")


class ActionId(Enum):
    NEW_PROJECT = auto()
    OPEN_PROJECT = auto()
    ACCEPT_DOCUMENT = auto()
    REJECT_DOCUMENT = auto()
    SKIP_DOCUMENT = auto()
    NEXT_DOCUMENT = auto()
    PREVIOUS_DOCUMENT = auto()
    ACCEPT_SUGGESTION = auto()
    ACCEPT_ALL_SUGGESTIONS = auto()
    REMOVE = auto()
    NEXT_SPAN = auto()
    PREVIOUS_SPAN = auto()
    GROW_RIGHT = auto()
    SHRINK_RIGHT = auto()
    GROW_LEFT = auto()
    SHRINK_LEFT = auto()
    UNDO = auto()
    REDO = auto()
    FIND = auto()
    FIND_NEXT = auto()
    FIND_PREVIOUS = auto()
    PREANNOTATE = auto()
    IMPORT = auto()
    EXPORT = auto()
    STATISTICS = auto()
    REVIEW = auto()
    AGREEMENT = auto()
    TRAIN = auto()
    SETTINGS = auto()
    LABELS = auto()
    CHANGE_ANNOTATOR = auto()
    RESTORE_BACKUP = auto()
    HELP = auto()
    QUIT = auto()
    # The review window's own (it shares the span, document, undo and agreement keys above).
    TAKE = auto()
    DROP = auto()
    PREMERGE = auto()
    STACKED = auto()
    REFRESH_QUEUE = auto()
    CLOSE_REVIEW = auto()


@dataclass(frozen=True)
class ActionSpec:
    text: str
    keys: tuple[str, ...]
    help: str
    group: str
    window: str = "annotate"  # the window it belongs to: "annotate", "review" or "both"
    needs: Permission | None = None  # what the person's role must allow (core.roles)


ACTIONS: dict[ActionId, ActionSpec] = {
    ActionId.NEW_PROJECT: ActionSpec(
        "&New project…", ("Ctrl+N",), "Create a project file and open it", "File"
    ),
    ActionId.OPEN_PROJECT: ActionSpec(
        "&Open project…", ("Ctrl+O",), "Open another project file in this window", "File"
    ),
    ActionId.ACCEPT_DOCUMENT: ActionSpec(
        "&Accept document",
        ("A",),
        "Accept this document as annotated and go to the next",
        "Document",
    ),
    ActionId.REJECT_DOCUMENT: ActionSpec(
        "&Reject document",
        ("X",),
        "Reject this document (not usable) and go to the next",
        "Document",
    ),
    ActionId.SKIP_DOCUMENT: ActionSpec(
        "&Skip document", ("Space",), "Skip this document for now and go to the next", "Document"
    ),
    ActionId.NEXT_DOCUMENT: ActionSpec(
        "&Next document",
        ("Alt+Down",),
        "Open the next document in the queue",
        "Document",
        window="both",
    ),
    ActionId.PREVIOUS_DOCUMENT: ActionSpec(
        "&Previous document",
        ("Alt+Up",),
        "Open the previous document in the queue",
        "Document",
        window="both",
    ),
    ActionId.ACCEPT_SUGGESTION: ActionSpec(
        "Accept s&uggestion",
        ("Return", "Enter"),
        "Confirm the suggestion under the cursor (or the selected one)",
        "Span",
    ),
    ActionId.ACCEPT_ALL_SUGGESTIONS: ActionSpec(
        "Accept a&ll suggestions",
        ("Shift+Return", "Shift+Enter"),
        "Confirm every suggestion of this document that does not overlap a span",
        "Span",
    ),
    ActionId.REMOVE: ActionSpec(
        "&Remove span / reject suggestion",
        ("Delete",),
        "Remove the span, or reject the suggestion, under the cursor",
        "Span",
    ),
    ActionId.NEXT_SPAN: ActionSpec(
        "Next span", ("Tab",), "Select the next span or suggestion", "Span", window="both"
    ),
    ActionId.PREVIOUS_SPAN: ActionSpec(
        "Previous span",
        ("Shift+Tab",),
        "Select the previous span or suggestion",
        "Span",
        window="both",
    ),
    ActionId.GROW_RIGHT: ActionSpec(
        "Grow span right",
        ("Alt+Right",),
        "Extend the selected span by one token on the right",
        "Span",
    ),
    ActionId.SHRINK_RIGHT: ActionSpec(
        "Shrink span right", ("Alt+Left",), "Take one token off the right end of the span", "Span"
    ),
    ActionId.GROW_LEFT: ActionSpec(
        "Grow span left",
        ("Alt+Shift+Left",),
        "Extend the selected span by one token on the left",
        "Span",
    ),
    ActionId.SHRINK_LEFT: ActionSpec(
        "Shrink span left",
        ("Alt+Shift+Right",),
        "Take one token off the left end of the span",
        "Span",
    ),
    ActionId.UNDO: ActionSpec(
        "&Undo", ("Ctrl+Z", "Backspace"), "Undo the last edit", "Edit", window="both"
    ),
    ActionId.REDO: ActionSpec(
        "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the edit just undone", "Edit", window="both"
    ),
    ActionId.FIND: ActionSpec(
        "&Find…", ("Ctrl+F",), "Find text in the document; the hits are highlighted", "Edit"
    ),
    ActionId.FIND_NEXT: ActionSpec("Find &next", ("F3",), "Select the next hit", "Edit"),
    ActionId.FIND_PREVIOUS: ActionSpec(
        "Find &previous", ("Shift+F3",), "Select the previous hit", "Edit"
    ),
    ActionId.PREANNOTATE: ActionSpec(
        "&Pre-annotate project…",
        ("Ctrl+Shift+P",),
        "Compute suggestions for every document in the background",
        "Project",
    ),
    ActionId.IMPORT: ActionSpec(
        "&Import files…", ("Ctrl+I",), "Import documents", "Project", needs=Permission.IMPORT
    ),
    ActionId.EXPORT: ActionSpec("&Export…", ("Ctrl+E",), "Export training data", "Project"),
    ActionId.RESTORE_BACKUP: ActionSpec(
        "Restore &backup…",
        (),
        "List the project's backups and restore one",
        "Project",
        needs=Permission.PROJECT_SETTINGS,
    ),
    ActionId.STATISTICS: ActionSpec(
        "S&tatistics", ("Ctrl+T",), "Spans per label, documents per status, progress", "Project"
    ),
    ActionId.REVIEW: ActionSpec(
        "&Review…",
        ("Ctrl+Shift+R",),
        "Compare annotators' versions and settle gold versions",
        "Project",
        needs=Permission.REVIEW,
    ),
    ActionId.AGREEMENT: ActionSpec(
        "A&greement…",
        ("Ctrl+Shift+G",),
        "Agreement between annotators, and against gold",
        "Project",
        window="both",
        needs=Permission.REVIEW,
    ),
    ActionId.TRAIN: ActionSpec(
        "Train &model…",
        ("Ctrl+Shift+M",),
        "Train a suggestion model on the accepted documents, with a learning curve",
        "Project",
        needs=Permission.PROJECT_SETTINGS,
    ),
    ActionId.SETTINGS: ActionSpec(
        "&Settings…", ("Ctrl+,",), "Font size, theme, label colours and keys", "Project"
    ),
    ActionId.LABELS: ActionSpec(
        "&Label scheme…",
        ("Ctrl+L",),
        "Add, rename, recolour, reorder or delete labels",
        "Project",
        needs=Permission.LABEL_SCHEME,
    ),
    ActionId.CHANGE_ANNOTATOR: ActionSpec(
        "Change &annotator…", ("Ctrl+Shift+A",), "Annotate under another name", "Project"
    ),
    ActionId.HELP: ActionSpec("&Keys and labels", ("F1", "?"), "Show every key", "Help"),
    ActionId.QUIT: ActionSpec("&Quit", ("Ctrl+Q",), "Close Kathode", "File"),
    ActionId.TAKE: ActionSpec(
        "&Take span",
        ("Return", "Enter"),
        "Put the candidate under the cursor into gold",
        "Span",
        window="review",
        needs=Permission.GOLD,
    ),
    ActionId.DROP: ActionSpec(
        "&Drop span",
        ("Delete",),
        "Leave the candidate under the cursor out of gold, or take the gold span out",
        "Span",
        window="review",
        needs=Permission.GOLD,
    ),
    ActionId.PREMERGE: ActionSpec(
        "&Pre-merge agreed spans",
        ("Ctrl+M",),
        "Add the spans all annotators (or a majority) agree on that gold lacks",
        "Document",
        window="review",
        needs=Permission.GOLD,
    ),
    ActionId.STACKED: ActionSpec(
        "&Stacked versions",
        ("Ctrl+Shift+V",),
        "Show the annotators' versions one above the other",
        "View",
        window="review",
    ),
    ActionId.REFRESH_QUEUE: ActionSpec(
        "Re&fresh queue",
        ("F5",),
        "Read the review queue again (annotators may have finished more documents)",
        "Document",
        window="review",
    ),
    ActionId.CLOSE_REVIEW: ActionSpec(
        "&Close", ("Ctrl+W",), "Close the review window", "Document", window="review"
    ),
}


MENU_ORDER = ("File", "Document", "Span", "Edit", "View", "Project")


def key_text(key: str) -> str:
    """A key as menus show it: Qt's native text, the key's name on the keyboard ("A" for
    the a key, "Shift+A" for a capital), so every place that shows a key agrees with them."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


def tooltip(spec: ActionSpec) -> str:
    keys = " or ".join(key_text(k) for k in spec.keys)
    return f"{spec.help} ({keys})"


def make_actions(
    owner: QWidget, specs: Mapping[Key, ActionSpec], slots: Mapping[Key, Callable[[], object]]
) -> dict[Key, QAction]:
    """One ``QAction`` per slot, with the spec's text, keys, tooltip and status tip."""
    actions: dict[Key, QAction] = {}
    for key, slot in slots.items():
        spec = specs[key]
        action = QAction(spec.text, owner)
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        action.setToolTip(tooltip(spec))
        action.setStatusTip(spec.help)
        action.triggered.connect(slot)
        owner.addAction(action)
        actions[key] = action
    return actions


def apply_permissions(
    actions: Mapping[ActionId, QAction], permitted: frozenset[Permission]
) -> None:
    """Show and enable only what the person's role may do; the rest is hidden and off, so
    neither its menu entry nor its keys do anything."""
    for action_id, action in actions.items():
        needs = ACTIONS[action_id].needs
        allowed = needs is None or needs in permitted
        action.setVisible(allowed)
        action.setEnabled(allowed)


def window_actions(window: str) -> dict[ActionId, ActionSpec]:
    """The actions of one window ("annotate" or "review"), those both share among them."""
    return {k: spec for k, spec in ACTIONS.items() if spec.window in (window, "both")}
