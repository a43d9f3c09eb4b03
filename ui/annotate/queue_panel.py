"""The document queue with its filters (status, whose status, search in text or entities) and
its order (in order, random, most informative first; remembered in the user's settings).

On a team project (``team init`` set k) the queue holds the documents assigned to the
person; at its end the next one is assigned on demand (``storage.assignment``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.documents import Status
from core.notes import FLAGS
from storage.assignment import AssignmentError
from storage.document_scores import QUEUE_ORDERS
from storage.repository import ProjectRepository
from storage.repository_base import StorageError
from storage.team import role_of
from ui.annotate.queue_model import QueueModel
from ui.widgets.table_model import configure_list_table
from ui.widgets.theme import user_settings

log = logging.getLogger(__name__)

ALL = "All statuses"
ORDER_SETTING = "queue_order"
ORDERS = {
    "in_order": ("In order", "The documents in the order they were imported"),
    "random": ("Random", "A fixed shuffle of the documents, the same every time"),
    "informative": (
        "Most informative first",
        "The documents the project model is least sure about first (train one with "
        "Project → Train model…); documents it has not scored come last, in order",
    ),
}


class QueuePanel(QWidget):
    """Lists the documents a page at a time; emits the id of the document to open."""

    document_chosen = Signal(int)

    def __init__(self, repo: ProjectRepository, annotator: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.repo = repo
        self.annotator = annotator  # whose queue it is (the filter may show another's)
        self.model = QueueModel(repo, annotator, stored_order())
        self.open_on_work()
        self.order = QComboBox(self)
        self.order.setObjectName("queueOrder")
        self.order.setToolTip("The order of the queue; the next document follows it")
        for order in QUEUE_ORDERS:
            text, tip = ORDERS.get(order, (order, ""))
            self.order.addItem(text, order)
            self.order.setItemData(self.order.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.order.setCurrentIndex(max(self.order.findData(self.model.order), 0))
        self.status = QComboBox(self)
        self.status.setObjectName("statusFilter")
        self.status.addItem(ALL, None)
        for status in Status:
            self.status.addItem(status.value.capitalize(), status)
        for flag in FLAGS:  # the versions' flags filter here too (core.notes)
            self.status.addItem(f"⚑ {flag}", flag)
        self.whose = QComboBox(self)
        self.whose.setObjectName("annotatorFilter")
        self.whose.setToolTip("Whose status the filter and the Status column show")
        self.search = QLineEdit(self)
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Search text…")
        self.search.setClearButtonEnabled(True)
        self.in_entities = QCheckBox("in entities", self)
        self.in_entities.setToolTip("Search the text of marked spans instead of the whole text")
        self.table = QTableView(self)
        self.table.setObjectName("queueView")
        self.table.setModel(self.model)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._compose()
        self._connect_signals()
        self.refresh_annotators(annotator)

    def _compose(self) -> None:
        configure_list_table(self.table, ((1, 44), (2, 92), (3, 52)))
        filters = QHBoxLayout()
        filters.addWidget(self.status, 1)
        filters.addWidget(self.whose, 1)
        search = QHBoxLayout()
        search.addWidget(self.search, 1)
        search.addWidget(self.in_entities)
        order = QHBoxLayout()
        label = QLabel("&Order:", self)
        label.setBuddy(self.order)
        order.addWidget(label)
        order.addWidget(self.order, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addLayout(search)
        layout.addLayout(order)
        layout.addWidget(self.table, 1)

    def _connect_signals(self) -> None:
        self.status.currentIndexChanged.connect(self.on_filter_changed)
        self.whose.currentIndexChanged.connect(self.on_filter_changed)
        self.in_entities.toggled.connect(self.on_filter_changed)
        self.order.currentIndexChanged.connect(self.on_order_changed)
        self.search.textChanged.connect(self._debounce.start)
        self._debounce.timeout.connect(self.on_filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self.on_row_changed)

    def refresh_annotators(self, current: str) -> None:
        self.annotator = current
        self.whose.blockSignals(True)
        self.whose.clear()
        for name in sorted({*self.repo.annotators(), current}):
            self.whose.addItem(name)
        self.whose.setCurrentText(current)
        self.whose.blockSignals(False)

    def on_filter_changed(self) -> None:
        text = self.search.text().strip()
        entities = self.in_entities.isChecked()
        chosen = self.status.currentData()
        self.model.set_filter(
            chosen if isinstance(chosen, Status) else None,
            "" if entities else text,
            entity_search=text if entities else "",
            annotator=self.whose.currentText() or None,
            flag=chosen if isinstance(chosen, str) else None,
        )
        if self.model.rowCount() > 0:
            self.table.selectRow(0)

    def on_order_changed(self) -> None:
        order = str(self.order.currentData())
        user_settings().setValue(ORDER_SETTING, order)
        self.model.set_order(order)
        if self.model.rowCount() > 0:
            self.table.selectRow(0)

    def on_row_changed(self) -> None:
        document_id = self.model.document_id(self.table.currentIndex().row())
        if document_id is not None:
            self.document_chosen.emit(document_id)

    def select_document(self, document_id: int) -> None:
        row = self.model.row_of(document_id)
        if row is not None and row != self.table.currentIndex().row():
            self.table.selectRow(row)

    @property
    def team(self) -> bool:
        """Whether the project is a team project now (``team init`` may run while the window
        is open; the queue query itself asks the same on every read)."""
        return self.repo.team_settings().team

    def open_on_work(self) -> None:
        """An annotator's empty queue on a team project gets its first assignment (at open,
        and when the project has just become one). A reviewer or a manager asks with Next,
        so opening the window to review takes no document; an empty *filtered* view (no
        rejected documents, say) is not an empty queue."""
        if (
            self.model.rowCount() == 0
            and not self.model.filtered
            and self.model.annotator == self.annotator
            and self.team
            and role_of(self.repo, self.annotator) == "annotator"
        ):
            self.hand_out_next()

    def step(self, step: int) -> bool:
        """Open the next (or previous) document in the queue; False at the end. On a team
        project the end of one's own queue asks for the next document to be assigned."""
        row = self.table.currentIndex().row() + step
        while row >= self.model.rowCount() and self.model.canFetchMore(self.table.rootIndex()):
            self.model.fetchMore(self.table.rootIndex())
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            return True
        if step > 0 and self.team and self.model.annotator == self.annotator:
            document_id = self.hand_out_next()
            if document_id is not None:
                self.select_document(document_id)
                return True
            self._say("No more documents to assign: every one has its annotators.")
        return False

    def hand_out_next(self) -> int | None:
        """Assign the next document of the pool to this person (k respected) and show it
        in the queue; None when the pool is empty or the assignment was refused."""
        try:
            new = self.repo.assign_count(self.annotator, 1, order=self.model.order, by="next")
        except (AssignmentError, StorageError) as exc:
            log.warning("no document assigned to %s: %s", self.annotator, exc)
            self._say(f"No document assigned: {exc}")
            return None
        if not new:
            return None
        self.model.reload()
        while self.model.row_of(new[0]) is None and self.model.canFetchMore(self.table.rootIndex()):
            self.model.fetchMore(self.table.rootIndex())
        return new[0]

    def _say(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 6000)


def stored_order() -> str:
    """The queue order the user chose last (``in_order`` at first)."""
    order = str(user_settings().value(ORDER_SETTING, "in_order") or "in_order")
    return order if order in QUEUE_ORDERS else "in_order"
