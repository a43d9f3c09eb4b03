"""*Project → Train model…*: the options, a training process with live progress, and the
result (:mod:`ui.dialogs.train_result`).

Training runs in its own process (:class:`ui.dialogs.training_client.TrainingClient`), so spaCy
never loads in the GUI process and the window stays responsive; the dialog is not modal, so
annotating goes on meanwhile. Like the statistics view, this module is imported only when the
dialog is first opened: pyqtgraph's import takes a second or two, and it is paid then rather
than when a result arrives.
"""

from __future__ import annotations

import logging
import math
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from storage.repository import ProjectRepository
from ui.dialogs.train_result import TrainResultPage, num, plot_widget, style_plot
from ui.dialogs.training_client import TrainingClient

log = logging.getLogger(__name__)

DEFAULT_MINUTES = 10
DEFAULT_EPOCHS = 30
ERROR_COLOUR = "#b00020"
BASES = (
    ("de-news", "the bundled German model (de-news), with the project's labels added"),
    ("blank", "a blank pipeline (learns from the project's documents alone)"),
)


class TrainDialog(QDialog):
    """Train the project's model; non-modal, so annotating can go on meanwhile."""

    training_started = Signal()
    training_finished = Signal(object)  # the result dict
    training_failed = Signal(str)

    def __init__(self, repo: ProjectRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.client: TrainingClient | None = None
        self.last_result: dict[str, Any] | None = None
        self.events: list[dict[str, Any]] = []
        self.setWindowTitle(f"Kathode — train a model for {repo.name}")
        self.setObjectName("trainDialog")
        self._elapsed = QElapsedTimer()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show_elapsed)

        self.pages = QStackedWidget(self)
        self.options_page = self._make_options_page()
        self.progress_page = self._make_progress_page()
        self.result_page = TrainResultPage(self)
        for page in (self.options_page, self.progress_page, self.result_page):
            self.pages.addWidget(page)

        self.start_button = QPushButton("&Start training", self)
        self.start_button.setObjectName("startButton")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("&Cancel training", self)
        self.cancel_button.setObjectName("cancelButton")
        self.again_button = QPushButton("Train &again…", self)
        self.again_button.setObjectName("againButton")
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("closeButton")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.again_button.clicked.connect(self.show_options)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.again_button):
            buttons.addWidget(button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.show_options()
        self._fit_to_screen(780, 460)

    # -- pages ---------------------------------------------------------------------------

    def _make_options_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            "Trains a named-entity model on the project's <b>accepted</b> documents (a "
            "document's gold version wins where one exists), in a process of its own: you "
            "can go on annotating meanwhile. A fifth of the documents is held back to measure "
            "the model. The previous model stays in use until the new one is saved; "
            "a cancelled run leaves it as it was.",
            page,
        )
        intro.setWordWrap(True)
        self.language_combo = QComboBox(page)
        self.language_combo.setObjectName("languageCombo")
        languages = self.repo.languages() or ["de"]
        for language in languages:
            self.language_combo.addItem(language, language)
        if "de" in languages:
            self.language_combo.setCurrentIndex(languages.index("de"))
        self.base_combo = QComboBox(page)
        self.base_combo.setObjectName("baseCombo")
        for base, text in BASES:
            self.base_combo.addItem(text, base)
        self.curve_check = QCheckBox(
            "draw a learning curve (trains three more times, on 25, 50 and 75 % of the documents)",
            page,
        )
        self.curve_check.setObjectName("curveCheck")
        self.curve_check.setChecked(True)
        self.minutes_spin = QSpinBox(page)
        self.minutes_spin.setObjectName("minutesSpin")
        self.minutes_spin.setRange(0, 24 * 60)
        self.minutes_spin.setSpecialValueText("no limit")
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setValue(DEFAULT_MINUTES)
        self.minutes_spin.setToolTip("The time the model's training may take at most")
        self.epochs_spin = QSpinBox(page)
        self.epochs_spin.setObjectName("epochsSpin")
        self.epochs_spin.setRange(1, 500)
        self.epochs_spin.setValue(DEFAULT_EPOCHS)
        self.epochs_spin.setToolTip(
            "Passes over the training documents at most; training stops earlier when the dev "
            "F1 has not improved for a few epochs"
        )
        self.error_label = QLabel(page)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow("&Language:", self.language_combo)
        form.addRow("Start &from:", self.base_combo)
        form.addRow("Time limit:", self.minutes_spin)
        form.addRow("Epochs at most:", self.epochs_spin)
        form.addRow("", self.curve_check)
        if len(languages) < 2:
            form.setRowVisible(self.language_combo, False)
        self.language_combo.currentIndexChanged.connect(self._language_changed)
        self._language_changed()

        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        return page

    def _make_progress_page(self) -> QWidget:
        page = QWidget(self)
        self.stage_label = QLabel("Starting the training process…", page)
        self.stage_label.setObjectName("stageLabel")
        self.stage_label.setWordWrap(True)
        self.epoch_bar = QProgressBar(page)
        self.epoch_bar.setObjectName("epochBar")
        self.epoch_bar.setRange(0, 0)  # busy until the first epoch ends
        self.epoch_bar.setFormat("")
        self.figures_label = QLabel("Dev F1 and loss appear after the first epoch.", page)
        self.figures_label.setObjectName("figuresLabel")
        self.elapsed_label = QLabel("Elapsed 0:00", page)
        self.elapsed_label.setObjectName("elapsedLabel")
        hint = QLabel(
            "Training runs in its own process; you can go on annotating. Closing this window "
            "keeps it running: Project → Train model… shows it again.",
            page,
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.epoch_plot = plot_widget(page, "epochPlot", 180)
        self.epoch_lines: dict[str, Any] = {}
        self.epoch_points: dict[str, list[tuple[int, float]]] = {}
        layout = QVBoxLayout(page)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.epoch_bar)
        layout.addWidget(self.figures_label)
        layout.addWidget(self.elapsed_label)
        layout.addWidget(self.epoch_plot, 1)
        layout.addWidget(hint)
        return page

    # -- options -------------------------------------------------------------------------

    def _language_changed(self) -> None:
        """de-news is German: other languages start from a blank pipeline."""
        german = self.language_combo.currentData() == "de"
        self.base_combo.setEnabled(german)
        self.base_combo.setCurrentIndex(self.base_combo.findData("de-news" if german else "blank"))

    def options(self) -> dict[str, Any]:
        """The fields of ``storage.training.TrainOptions`` the dialog sets."""
        minutes = self.minutes_spin.value()
        return {
            "lang": self.language_combo.currentData(),
            "base": self.base_combo.currentData(),
            "curve": self.curve_check.isChecked(),
            "max_minutes": float(minutes) if minutes else None,
            "max_epochs": self.epochs_spin.value(),
        }

    # -- the run -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.client is not None and self.client.running

    def start(self) -> None:
        if self.running:
            return
        self.last_result = None
        self.events = []
        client = TrainingClient(self.repo, self.options(), self)
        client.progress.connect(self.on_progress)
        client.finished.connect(self.on_finished)
        client.cancelled.connect(self.on_cancelled)
        client.failed.connect(self.on_failed)
        self.client = client
        self.stage_label.setText("Starting the training process…")
        self.epoch_bar.setRange(0, 0)
        self.epoch_bar.setFormat("")
        self.figures_label.setText("Dev F1 and loss appear after the first epoch.")
        self._reset_epoch_plot()
        self._elapsed.start()
        self._show_elapsed()
        self._clock.start()
        self._show_page(self.progress_page)
        client.start()
        self.training_started.emit()

    def cancel(self) -> None:
        if self.client is None or not self.running:
            return
        self.client.cancel()
        self.cancel_button.setEnabled(False)
        self.stage_label.setText("Cancelling… (the previous model stays in use)")

    def on_progress(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        kind = event.get("kind")
        if self.client is not None and self.client.cancelling:
            return
        if kind == "stage":
            self.stage_label.setText(str(event.get("text", "")))
        elif kind == "epoch":
            phase = str(event.get("phase", "model"))
            share = phase.removeprefix("curve ")
            what = "Model" if phase == "model" else f"Learning curve ({share} of the documents)"
            self.epoch_bar.setRange(0, int(event.get("max_epochs", 1)))
            self.epoch_bar.setValue(int(event.get("epoch", 0)))
            self.epoch_bar.setFormat(f"{what}: epoch %v of %m")
            self._plot_epoch(
                phase,
                int(event.get("epoch", 0)),
                int(event.get("max_epochs", 1)),
                event.get("dev_f"),
            )
            self.figures_label.setText(
                f"Dev F1 <b>{num(event.get('dev_f'))}</b> (best {num(event.get('best_f'))}) "
                f"· loss {float(event.get('loss', 0.0)):.2f} · "
                f"{float(event.get('seconds', 0.0)):.1f} s for this phase"
            )
        elif kind == "scored":
            total = int(event.get("total", 0))
            self.stage_label.setText("Scoring the documents for the “most informative” order…")
            self.epoch_bar.setRange(0, max(total, 1))
            self.epoch_bar.setValue(int(event.get("done", 0)))
            self.epoch_bar.setFormat("%v of %m documents")
        self._show_elapsed()

    def _plot_epoch(self, phase: str, epoch: int, max_epochs: int, dev_f: Any) -> None:
        """Dev F1 after each epoch, one line per phase (the model, then each curve share)."""
        if dev_f is None:
            return
        plot = self.epoch_plot.getPlotItem()
        if not self.epoch_lines:  # the epochs as whole numbers, the axis as long as the bar
            step = max(1, math.ceil(max_epochs / 10))
            plot.getAxis("bottom").setTickSpacing(major=step, minor=step)
            plot.setXRange(1, max(max_epochs, 2), padding=0.03)
        line = self.epoch_lines.get(phase)
        if line is None:
            colours = ("#0077bb", "#ee7733", "#009988", "#cc3311", "#33bbee")
            colour = QColor(colours[len(self.epoch_lines) % len(colours)])
            line = self.epoch_plot.getPlotItem().plot(
                [], [], pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6,
                symbolBrush=colour, symbolPen=pg.mkPen(colour), name=phase,
            )  # fmt: skip
            self.epoch_lines[phase] = line
            self.epoch_points[phase] = []
            self._title_epoch_plot()
        points = self.epoch_points[phase]
        points.append((epoch, float(dev_f)))
        line.setData([e for e, _ in points], [f for _, f in points])

    def _title_epoch_plot(self) -> None:
        legend = " &nbsp; ".join(
            f"<span style='color:{line.opts['pen'].color().name()}'>●</span> {escape(phase)}"
            for phase, line in self.epoch_lines.items()
        )
        self.epoch_plot.getPlotItem().setTitle(
            f"Dev F1 per epoch: {legend}", color=self._text().name(), size="10pt"
        )

    def _reset_epoch_plot(self) -> None:
        plot = self.epoch_plot.getPlotItem()
        plot.clear()
        self.epoch_lines = {}
        self.epoch_points = {}
        style_plot(self.epoch_plot, self.palette(), self.font(), "epoch", "dev F1")
        plot.setYRange(0, 1, padding=0.02)
        plot.setTitle("Dev F1 per epoch", color=self._text().name(), size="10pt")

    def _text(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def on_finished(self, result: dict[str, Any]) -> None:
        self._clock.stop()
        self.last_result = result
        self.result_page.show_result(result)
        self._show_page(self.result_page)
        self.training_finished.emit(result)

    def on_cancelled(self) -> None:
        self._clock.stop()
        self.show_options()
        self._show_message("Training cancelled; the previous model stays in use.", error=False)

    def on_failed(self, text: str) -> None:
        self._clock.stop()
        self.show_options()
        self._show_message(text, error=True)
        self.training_failed.emit(text)

    # -- showing -------------------------------------------------------------------------

    def show_options(self) -> None:
        self.error_label.hide()
        self._show_page(self.options_page)

    def _show_message(self, text: str, *, error: bool) -> None:
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.error_label.show()

    def _show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        training = page is self.progress_page
        self.start_button.setVisible(page is self.options_page)
        self.cancel_button.setVisible(training)
        self.cancel_button.setEnabled(training)
        self.again_button.setVisible(page is self.result_page)
        if page is self.result_page:
            self._fit_to_screen(1180, 700)

    def _show_elapsed(self) -> None:
        seconds = int(self._elapsed.elapsed() / 1000) if self._elapsed.isValid() else 0
        self.elapsed_label.setText(f"Elapsed {seconds // 60}:{seconds % 60:02d}")

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Grow to ``width`` × ``height`` where the screen allows it, and stay on it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(max(width, self.width()), max(height, self.height()))
            return
        room = screen.availableGeometry()
        width = min(max(width, self.width()), room.width() - 40)
        height = min(max(height, self.height()), room.height() - 60)
        self.resize(width, height)
        if self.isVisible():
            frame = self.frameGeometry()
            x = min(max(frame.x(), room.left()), room.right() - frame.width() + 1)
            y = min(max(frame.y(), room.top()), room.bottom() - frame.height() + 1)
            self.move(max(x, room.left()), max(y, room.top()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_to_screen(self.width(), self.height())

    # -- closing -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The window is closing: end a run at once (nothing of it is installed)."""
        self._clock.stop()
        if self.client is not None:
            self.client.stop()
