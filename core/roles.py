"""What each role of a team project may do in the windows: one rule, applied where the
menus are built (``ui.widgets.actions.apply_permissions``).

On PostgreSQL the same split is enforced by the server (grants and row-level security,
``storage.team``); the windows only stop offering what would be refused. On SQLite the
roles are advisory.
"""

from __future__ import annotations

from enum import Enum


class Permission(Enum):
    REVIEW = "review"  # open the review window and the agreement figures
    GOLD = "gold"  # write gold versions
    LABEL_SCHEME = "label scheme"
    PROJECT_SETTINGS = "project settings"  # training, restoring a backup
    IMPORT = "import"
    # Assignment by hand is the CLI's (`assign`, a manager's login on PostgreSQL): the
    # windows have no such command to hide.


ROLES = ("annotator", "reviewer", "manager")

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "annotator": frozenset(),
    "reviewer": frozenset({Permission.REVIEW, Permission.GOLD}),
    "manager": frozenset(Permission),
}


def permissions_of(role: str) -> frozenset[Permission]:
    """What ``role`` may do; an unknown role may do no more than an annotator."""
    return ROLE_PERMISSIONS.get(role, ROLE_PERMISSIONS["annotator"])
