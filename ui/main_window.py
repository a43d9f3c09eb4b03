"""The main window: composes the queue, the article view and the label bar, and wires them.

Every edit goes straight to the repository (one short committed transaction) before the
view is redrawn, so what the window shows is always what the database holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.documents import Status
from core.labels import Label
from core.spans import Span
from core.tokens import MisalignedSpanError
from storage.repository import ProjectRepository
from ui.article_view import ArticleView
from ui.label_bar import LabelBar
from ui.queue_model import QueueModel

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Kathode's window on one project, for one annotator."""

    def __init__(self, repo: ProjectRepository, annotator: str) -> None:
        super().__init__()
        self.repo = repo
        self.annotator = annotator
        self.labels: list[Label] = repo.labels()
        self.document_id: int | None = None
        self.spans: list[Span] = []

        self.queue = QueueModel(repo, annotator)
        self.queue_view = QTableView(self)
        self.article = ArticleView(self)
        self.label_bar = LabelBar(self)
        self.progress = QLabel(self)
        self._compose()
        self._create_actions()
        self._connect_signals()
        self.label_bar.set_labels(self.labels)
        self.article.set_labels(self.labels)
        self.setWindowTitle(f"Kathode — {repo.name} — {annotator}")
        self.resize(1280, 800)
        self._update_progress()
        if self.queue.rowCount() > 0:
            self.queue_view.selectRow(0)

    # -- layout --------------------------------------------------------------------------

    def _compose(self) -> None:
        self.queue_view.setObjectName("queueView")
        self.queue_view.setModel(self.queue)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue_view.verticalHeader().hide()
        header = self.queue_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.queue_view)
        splitter.addWidget(self.article)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 900])

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.label_bar)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.progress)

    def _create_actions(self) -> None:
        self.label_actions: dict[str, QAction] = {}
        for label in self.labels:
            action = QAction(f"Label {label.name}", self)
            action.setShortcut(QKeySequence(label.key))
            action.triggered.connect(lambda _=False, name=label.name: self.on_label_chosen(name))
            self.addAction(action)
            self.label_actions[label.name] = action
        self.remove_action = self._action(
            "Remove span", [QKeySequence.StandardKey.Delete], self.on_remove_span
        )
        self.accept_action = self._action("Accept document", ["a"], self.on_accept_document)
        self.skip_action = self._action("Skip document", ["Space"], self.on_skip_document)

    def _action(
        self, text: str, keys: list[QKeySequence.StandardKey | str], slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _connect_signals(self) -> None:
        self.queue_view.selectionModel().currentRowChanged.connect(self.on_queue_row_changed)
        self.label_bar.label_chosen.connect(self.on_label_chosen)

    # -- slots ---------------------------------------------------------------------------

    def on_queue_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        document_id = self.queue.document_id(current.row())
        if document_id is not None:
            self.open_document(document_id)

    def open_document(self, document_id: int) -> None:
        document = self.repo.document(document_id)
        self.document_id = document_id
        self.spans = self.repo.annotation(document_id, self.annotator).spans
        self.article.show_document(document, self.spans)
        self.article.setFocus()

    def on_label_chosen(self, label: str) -> None:
        if self.document_id is None:
            return
        snapped = self.article.snapped_selection()
        if snapped is None:
            self.statusBar().showMessage("Select some text first, then press a label key.", 4000)
            return
        span = Span(snapped[0], snapped[1], label)
        clash = next((s for s in self.spans if s.overlaps(span)), None)
        if clash is not None:
            self.statusBar().showMessage(
                f"Overlaps {clash.label} “{self._text(clash)}”: remove it first (Delete).", 6000
            )
            return
        try:
            self.repo.add_span(self.document_id, self.annotator, span)
        except MisalignedSpanError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        self._reload_spans()
        self.statusBar().showMessage(f"{label}: “{self._text(span)}”", 3000)

    def on_remove_span(self) -> None:
        if self.document_id is None:
            return
        for span in self.article.spans_at_cursor():
            self.repo.remove_span(self.document_id, self.annotator, span)
        self._reload_spans()

    def on_accept_document(self) -> None:
        self._finish_document(Status.ACCEPTED)

    def on_skip_document(self) -> None:
        self._finish_document(Status.SKIPPED)

    # -- helpers -------------------------------------------------------------------------

    def _finish_document(self, status: Status) -> None:
        if self.document_id is None:
            return
        self.repo.set_status(self.document_id, self.annotator, status)
        self.queue.refresh_row(self.document_id)
        self._update_progress()
        row = self.queue.row_of(self.document_id)
        if row is not None and row + 1 < self.queue.rowCount():
            self.queue_view.selectRow(row + 1)

    def _reload_spans(self) -> None:
        assert self.document_id is not None
        self.spans = self.repo.annotation(self.document_id, self.annotator).spans
        self.article.show_spans(self.spans)
        self.queue.refresh_row(self.document_id)

    def _text(self, span: Span) -> str:
        document = self.article.current
        return document.text[span.start : span.end] if document else ""

    def _update_progress(self) -> None:
        total = self.repo.count_documents(self.annotator)
        open_ = self.repo.count_documents(self.annotator, status=Status.OPEN)
        self.progress.setText(f"{self.annotator}: {total - open_} of {total} done")
