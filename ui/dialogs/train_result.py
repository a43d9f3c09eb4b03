"""The Train dialog's result page: the new model's figures beside the previous model's and
the built-in suggester's on the same dev documents, whether it joins the ``default``
suggester, the run's notes, and the learning curve (pyqtgraph) with its verdict."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

CURVE_DELAY_MS = 50
MODELS = (("dev", "new"), ("previous_dev", "previous"), ("builtin_dev", "built-in"))
STOPPED_BY = {
    "epochs": "the epoch limit",
    "patience": "no more gain on dev",
    "time": "the time limit",
    "steps": "the step limit",
}


class TrainResultPage(QWidget):
    """Shows one ``TrainResult.as_dict()``; redrawn in the new colours when the theme changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_result: dict[str, Any] | None = None
        self.headline = QLabel(self)
        self.headline.setObjectName("resultHeadline")
        self.headline.setWordWrap(True)
        self.default_label = QLabel(self)
        self.default_label.setObjectName("defaultLabel")
        self.default_label.setWordWrap(True)
        self.table = QTableWidget(self)
        self.table.setObjectName("figuresTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.comparison_label = QLabel(self)
        self.comparison_label.setObjectName("comparisonLabel")
        self.comparison_label.setWordWrap(True)
        self.notes_label = QLabel(self)
        self.notes_label.setObjectName("notesLabel")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.curve_title = QLabel("<b>Learning curve</b>", self)
        # Made with the dialog, not when a result arrives, to keep that moment short.
        self.curve_plot = plot_widget(self, "curvePlot", 220)
        self.verdict_label = QLabel(self)
        self.verdict_label.setObjectName("verdictLabel")
        self.verdict_label.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.table)
        left.addWidget(self.comparison_label)
        left.addWidget(self.notes_label)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.curve_title)
        right.addWidget(self.curve_plot, 1)
        right.addWidget(self.verdict_label)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.default_label)
        layout.addLayout(body, 1)

    def show_result(self, result: dict[str, Any]) -> None:
        self.last_result = result
        documents = result.get("documents", {})
        dev = result.get("dev", {})
        stopped = str(result.get("stopped_by", ""))
        self.headline.setText(
            f"<b>Model {escape(str(result.get('version', '')))}</b> ({escape(result['lang'])}, "
            f"from {escape(str(result.get('base', '')))}): trained on "
            f"{documents.get('train', 0)} documents, measured on {documents.get('dev', 0)} "
            f"dev documents; {result.get('spans', 0)} spans, labels "
            f"{escape(', '.join(result.get('labels', [])))}. {result.get('epochs', 0)} epochs "
            f"(the best was epoch {result.get('best_epoch', 0)}; stopped by "
            f"{escape(STOPPED_BY.get(stopped, stopped))}), {_duration(result.get('seconds'))} "
            "in all."
        )
        builtin = result.get("builtin_dev", {})
        new_f, builtin_f = num(dev.get("f")), num(builtin.get("f"))
        if result.get("beats_builtin"):
            text = (
                f"✓ <b>It joins the default suggester</b>: its dev F1 <b>{new_f}</b> beats the "
                f"built-in suggester's <b>{builtin_f}</b> on the same dev documents. "
                "Suggestions use it from now on."
            )
        else:
            text = (
                f"✗ <b>It does not join the default suggester</b>: its dev F1 <b>{new_f}</b> "
                f"does not beat the built-in suggester's <b>{builtin_f}</b> on the same dev "
                "documents, so suggestions stay as they were (the suggester "
                "<tt>project-model:latest</tt> names it)."
            )
        self.default_label.setText(text)
        self._fill_table(result)
        previous = result.get("previous_dev")
        if previous:
            self.comparison_label.setText(
                f"The previous model ({escape(str(result.get('previous_version', '')))}) on "
                f"the same dev documents: F1 {num(previous.get('f'))}."
            )
        else:
            self.comparison_label.setText(
                "The first model of this language: there is no previous model to compare."
            )
        notes = [*result.get("notes", [])]
        if result.get("scored_documents"):
            notes.append(
                f"{result['scored_documents']} documents were scored for the queue order "
                "“Most informative first”."
            )
        self.notes_label.setText(
            "<b>Notes</b><ul style='margin-left:-20px'>"
            + "".join(f"<li>{escape(str(n))}</li>" for n in notes)
            + "</ul>"
            if notes
            else ""
        )
        # The plot a moment later, after the figures have painted: neither step then holds
        # the window for long (pyqtgraph's text items and first paint of a plot are slow).
        QTimer.singleShot(CURVE_DELAY_MS, self, lambda: self._draw_curve(result))

    def _fill_table(self, result: dict[str, Any]) -> None:
        shown = [(key, name) for key, name in MODELS if result.get(key)]
        headers = ["Label", "Dev\nspans"]
        for _, name in shown:
            headers += [f"{name}\nP", f"{name}\nR", f"{name}\nF1"]
        dev = result.get("dev", {})
        support: dict[str, int] = dev.get("support", {})
        labels: list[str] = list(result.get("labels", []))
        rows: list[tuple[str, int, list[dict[str, Any] | None]]] = []
        for label in labels:
            cells = [result[key].get("per_label", {}).get(label) for key, _ in shown]
            rows.append((label, int(support.get(label, 0)), cells))
        rows.append(("All labels", sum(support.values()), [result[key] for key, _ in shown]))
        table = self.table
        table.clear()
        table.setColumnCount(len(headers))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(headers)
        bold = QFont(self.font())
        bold.setBold(True)
        tint = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        tint.setAlpha(28)
        for row, (label, count, cells) in enumerate(rows):
            last = row == len(rows) - 1
            items = [QTableWidgetItem(label), _number_item(str(count))]
            best = max((c.get("f", 0.0) for c in cells if c), default=None)
            for group, cell in enumerate(cells):
                for key in ("p", "r", "f"):
                    value = cell.get(key) if cell else None
                    item = _number_item(num(value))
                    if key == "f" and value is not None and value == best and len(cells) > 1:
                        item.setFont(bold)
                    if group % 2 == 0:  # the models' column groups told apart by a tint
                        item.setBackground(tint)
                    items.append(item)
            for column, item in enumerate(items):
                if last and column == 0:
                    item.setFont(bold)
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        row_height = table.fontMetrics().height() + 8
        table.verticalHeader().setDefaultSectionSize(row_height)
        # As tall as its rows, so that the notes follow right below.
        frame = 2 * table.frameWidth()
        table.setMaximumHeight(header.sizeHint().height() + row_height * len(rows) + frame + 2)

    def _draw_curve(self, result: dict[str, Any]) -> None:
        curve = [(int(n), float(f)) for n, f in result.get("curve", [])]
        self.verdict_label.setText(escape(str(result.get("curve_verdict", ""))))
        if not curve:
            self.curve_title.setText(
                "<b>Learning curve</b>: not drawn (tick it in the options to see whether more "
                "annotation still helps)."
            )
            self.curve_plot.hide()
            self.verdict_label.hide()
            return
        self.curve_title.setText(
            "<b>Learning curve</b>: dev F1 after training on a share of the documents"
        )
        self.verdict_label.show()
        self.curve_plot.show()
        plot = self.curve_plot.getPlotItem()
        plot.clear()
        text = self._text()
        style_plot(self.curve_plot, self.palette(), self.font(), "training documents", "dev F1")
        line = self.palette().color(QPalette.ColorRole.Highlight)
        builtin_f = result.get("builtin_dev", {}).get("f")
        reference = QColor("#9e9e9e")
        legend = f"<span style='color:{line.name()}'>●</span> new model"
        if builtin_f is not None:
            legend += (
                f" &nbsp; <span style='color:{reference.name()}'>- - -</span> built-in "
                f"suggester ({float(builtin_f):.2f})"
            )
        plot.setTitle(legend, color=text.name(), size="10pt")
        xs, ys = [n for n, _ in curve], [f for _, f in curve]
        plot.plot(
            xs, ys, pen=pg.mkPen(line, width=2), symbol="o", symbolSize=8,
            symbolBrush=line, symbolPen=pg.mkPen(line),
        )  # fmt: skip
        if builtin_f is not None:
            plot.addItem(
                pg.InfiniteLine(
                    pos=float(builtin_f), angle=0,
                    pen=pg.mkPen(reference, width=1.5, style=Qt.PenStyle.DashLine),
                )
            )  # fmt: skip
        for n, f in curve:
            label = pg.TextItem(f"{f:.2f}", color=text, anchor=(0.5, 1.3))
            label.setPos(n, f)
            plot.addItem(label)
        low = min([*ys, float(builtin_f) if builtin_f is not None else 1.0])
        bottom = 0.0 if low < 0.5 else math.floor((low - 0.05) * 10) / 10
        plot.setYRange(bottom, 1.04, padding=0)
        span = max(xs) - min(xs) if len(xs) > 1 else max(xs[0], 1)
        plot.setXRange(min(xs) - 0.08 * span, max(xs) + 0.08 * span, padding=0)
        plot.getAxis("bottom").setTicks([[(n, str(n)) for n in xs]])

    def _text(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.last_result:
            self._draw_curve(self.last_result)


def num(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def _duration(seconds: Any) -> str:
    total = round(float(seconds or 0))
    return f"{total} s" if total < 60 else f"{total // 60} min {total % 60:02d} s"


def _number_item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def plot_widget(parent: QWidget, name: str, height: int) -> pg.PlotWidget:
    widget = pg.PlotWidget(parent)
    widget.setObjectName(name)
    widget.setMinimumSize(300, height)
    item = widget.getPlotItem()
    item.setMouseEnabled(x=False, y=False)
    item.setMenuEnabled(False)
    item.hideButtons()
    return widget


def style_plot(
    widget: pg.PlotWidget, palette: QPalette, font: QFont, bottom: str, left: str
) -> None:
    """The plot in the window's colours, light or dark, with named axes."""
    text = palette.color(QPalette.ColorRole.Text)
    widget.setBackground(palette.color(QPalette.ColorRole.Base))
    item = widget.getPlotItem()
    for side, name in (("bottom", bottom), ("left", left)):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))
        axis.setTickFont(font)
        axis.setLabel(name, color=text.name())
