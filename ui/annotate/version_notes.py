"""The note on the open version: a comment line and a flag menu ("unsure", "bad text"), for
what an annotator wants a reviewer to know. The window stores what this emits."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from core.notes import FLAGS, MAX_COMMENT, VersionNote

NO_FLAG = "no flag"


class VersionNotes(QWidget):
    """Emits ``note_edited`` when the comment is finished (Enter, or focus leaves) or the
    flag is chosen; ``finished`` when Enter or Escape hands the keys back to the article."""

    note_edited = Signal(object)  # VersionNote
    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionNotes")
        self.flag = QComboBox(self)
        self.flag.setObjectName("versionFlag")
        self.flag.setAccessibleName("Flag on this version")
        self.flag.setToolTip("Flag this version for the reviewer")
        self.flag.addItem(NO_FLAG, None)
        for name in FLAGS:
            self.flag.addItem(f"⚑ {name}", name)
        self.comment = QLineEdit(self)
        self.comment.setObjectName("versionComment")
        self.comment.setAccessibleName("Comment on this version")
        self.comment.setPlaceholderText("Comment for the reviewer…")
        self.comment.setMaxLength(MAX_COMMENT)
        self.comment.setClearButtonEnabled(True)
        label = QLabel("&Note:", self)
        label.setBuddy(self.comment)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(label)
        layout.addWidget(self.comment, 1)
        layout.addWidget(self.flag)
        self._shown = VersionNote()
        self.comment.installEventFilter(self)
        self.comment.editingFinished.connect(self.on_edited)
        self.comment.returnPressed.connect(self.finished)
        self.flag.activated.connect(self.on_edited)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and Escape in the comment belong to it, not to the window's shortcuts
        (Enter accepts a suggestion there): Enter stores, Escape gives up; both hand the keys
        back to the article."""
        if watched is self.comment and event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                event.accept()
                return True
        if watched is self.comment and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.comment.blockSignals(True)
                self.comment.setText(self._shown.comment)
                self.comment.blockSignals(False)
                self.finished.emit()
                return True
        return super().eventFilter(watched, event)

    @property
    def note(self) -> VersionNote:
        return VersionNote(self.comment.text().strip(), self.flag.currentData())

    def show_note(self, note: VersionNote, *, editable: bool = True) -> None:
        """Show a version's note; another person's version is shown read-only."""
        self._shown = note
        self.comment.blockSignals(True)
        self.flag.blockSignals(True)
        self.comment.setText(note.comment)
        self.flag.setCurrentIndex(max(self.flag.findData(note.flag), 0))
        self.comment.blockSignals(False)
        self.flag.blockSignals(False)
        self.comment.setReadOnly(not editable)
        self.flag.setEnabled(editable)

    def on_edited(self) -> None:
        note = self.note
        if note != self._shown and not self.comment.isReadOnly():
            self._shown = note
            self.note_edited.emit(note)
