"""Backups in the window: *Project → Restore backup…* lists a SQLite project's backups with
their date and counts and puts the chosen one in place; a project that opens damaged gets a
message that offers its newest good backup."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storage.backup import (
    BackupError,
    BackupInfo,
    describe,
    list_backups,
    restore_backup,
    take_backup,
)
from storage.repository import CorruptProjectError

log = logging.getLogger(__name__)

_COLUMNS = ("Taken", "Documents", "Annotations", "Spans", "State")


class RestoreDialog(QDialog):
    """The backups of one project, newest first; *Restore* replaces the project with one."""

    restored = Signal(str)  # the backup's path

    def __init__(self, project: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Restore backup")
        self.resize(760, 420)
        self.backups: list[BackupInfo] = []
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.backup_now = QPushButton("Back up &now", self)
        self.restore_button = QPushButton("&Restore", self)
        buttons.addButton(self.backup_now, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.backup_now.clicked.connect(self.on_backup_now)
        self.restore_button.clicked.connect(self.on_restore)
        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        self.table.doubleClicked.connect(self.on_restore)
        self.reload()

    def reload(self) -> None:
        self.backups = list_backups(self.project)
        self.intro.setText(
            f"Backups of {self.project.name}, kept in {self.project.name}.backups beside it "
            "(taken when the project opens and every 30 minutes of editing). Restoring one "
            "replaces the project's content; the current state is backed up first."
            if self.backups
            else f"{self.project.name} has no backups yet. “Back up now” takes one."
        )
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            state = "good" if info.good else f"damaged: {info.problem}"
            cells = (
                f"{info.taken:%Y-%m-%d %H:%M:%S}",
                f"{info.documents:,}",
                f"{info.annotations:,}",
                f"{info.spans:,}",
                state,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < column < 4:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setToolTip(str(info.path))
                self.table.setItem(row, column, item)
        if self.backups:
            self.table.selectRow(0)
        self.on_selection_changed()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def on_selection_changed(self) -> None:
        chosen = self.selected()
        self.restore_button.setEnabled(chosen is not None and chosen.good)

    def on_backup_now(self) -> None:
        try:
            take_backup(self.project)
        except BackupError as exc:
            QMessageBox.warning(self, "Backup failed", str(exc))
        self.reload()

    def on_restore(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen.good:
            return
        answer = QMessageBox.question(
            self,
            "Restore backup",
            f"Replace {self.project.name} with the backup of {chosen.taken:%Y-%m-%d %H:%M} "
            f"({chosen.documents:,} documents, {chosen.annotations:,} annotations)? The "
            "project as it is now is backed up first.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            restore_backup(chosen.path, self.project)
        except BackupError as exc:
            QMessageBox.warning(self, "Restore failed", str(exc))
            return
        self.restored.emit(str(chosen.path))
        self.accept()


def offer_backup(error: CorruptProjectError, project: Path) -> bool:
    """Tell that the project is damaged and offer its newest good backup; True when the
    backup was restored (the caller opens the project again)."""
    app = QApplication.instance() or QApplication([])
    assert app is not None
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Kathode — project damaged")
    box.setText(f"The project {project.name} is damaged and cannot be opened.")
    box.setDetailedText(str(error))
    restore = None
    if error.backup is None:
        box.setInformativeText(
            f"SQLite reports: {error.problem or 'the file is damaged'}.\n\n"
            f"There is no backup of it in {project.name}.backups."
        )
    else:
        info = describe(Path(error.backup))
        box.setInformativeText(
            f"SQLite reports: {error.problem or 'the file is damaged'}.\n\n"
            f"The newest good backup is from {info.taken:%Y-%m-%d %H:%M} "
            f"({info.documents:,} documents, {info.annotations:,} annotations, "
            f"{info.spans:,} spans). Restoring it moves the damaged file aside "
            f"({project.name}.damaged-…) and opens the project as it was then."
        )
        restore = box.addButton("Restore newest good backup", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(restore)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if restore is None or box.clickedButton() is not restore:
        return False
    assert error.backup is not None
    try:
        moved = restore_backup(Path(error.backup), project)
    except BackupError as exc:
        QMessageBox.critical(None, "Kathode — restore failed", str(exc))
        return False
    log.warning("restored %s from %s; the damaged file is at %s", project, error.backup, moved)
    return True
