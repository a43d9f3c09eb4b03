"""The annotator's window offers only what the person's role may do (``core.roles``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.roles import permissions_of
from storage.team import role_of
from ui.widgets.actions import apply_permissions

if TYPE_CHECKING:
    from ui.annotate.main_window import MainWindow


def apply_role(window: MainWindow) -> str:
    """Hide and disable the actions the window's person may not use; returns their role."""
    role = role_of(window.repo, window.annotator)
    apply_permissions(window.actions_by_id, permissions_of(role))
    window.setProperty("role", role)
    return role
