"""Who is annotating: the name asked for on first start or when it is changed, and where
the application keeps it (its settings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from core.text_rules import InvalidNameError, check_annotator_name
from storage.review import is_reserved_name

ORGANISATION = "Kathode"
APPLICATION = "Kathode"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def ask_annotator(default: str = "", parent: QWidget | None = None) -> str | None:
    """Ask for the annotator's name (first start, or when it is changed); None if cancelled."""
    prompt = "Your name (it marks your version of every document):"
    while True:
        name, ok = QInputDialog.getText(
            parent, "Kathode — who is annotating?", prompt, QLineEdit.EchoMode.Normal, default
        )
        name = name.strip()
        if not ok or not name:
            return None
        try:
            name = check_annotator_name(name)
        except InvalidNameError as exc:
            reason = str(exc)
            prompt = f"{reason[:1].upper()}{reason[1:]}. Your name:"
            continue
        if not is_reserved_name(name):
            return name
        prompt = f"“{name}” is reserved for the reviewed gold versions. Your name:"
