"""The help overlay: every key of the window and every label with its guideline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core.labels import Label
from ui.widgets.actions import key_text, window_actions


def help_html(labels: Sequence[Label]) -> str:
    groups: dict[str, list[str]] = {}
    for spec in window_actions("annotate").values():
        keys = " / ".join(f"<kbd>{escape(key_text(k))}</kbd>" for k in spec.keys)
        name = escape(spec.text.replace("&", ""))
        groups.setdefault(spec.group, []).append(
            f"<tr><td>{keys}</td><td><b>{name}</b> — {escape(spec.help)}</td></tr>"
        )
    parts = [
        "<h2>Keys</h2>",
        "<p>Select text and press a label key to mark it; the selection "
        "snaps to whole tokens. A key on a span changes its label.</p>",
    ]
    for group, rows in groups.items():
        parts.append(f"<h3>{escape(group)}</h3><table cellpadding='3'>{''.join(rows)}</table>")
    parts.append("<h2>Labels</h2><table cellpadding='3'>")
    for label in labels:
        parts.append(
            f"<tr><td><kbd>{escape(key_text(label.key))}</kbd></td>"
            f"<td><span style='background:{label.colour}'>&nbsp;{escape(label.name)}&nbsp;</span>"
            f"</td><td>{escape(label.definition)}<br><i>de:</i> {escape(label.example_de)}"
            f"<br><i>en:</i> {escape(label.example_en)}</td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


class HelpDialog(QDialog):
    def __init__(self, labels: Sequence[Label], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kathode — keys and labels")
        self.resize(760, 720)
        browser = QTextBrowser(self)
        browser.setObjectName("helpText")
        browser.setHtml(help_html(labels))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
