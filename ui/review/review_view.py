"""What the reviewer reads: the gold draft with the open candidate spans, the agreement
legend, and the annotators' versions one above the other.

Candidates are outlined in the colour of their agreement class and carry a small tag with
a symbol, their label and who marked them, so the class never rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextBlock,
)
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollBar,
    QSizePolicy,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.documents import Document
from core.labels import Label
from core.marks import Mark
from core.offsets import OffsetMap
from core.review import Agreement, ReviewSpan
from core.spans import Span
from ui.widgets.article_view import ArticleView
from ui.widgets.highlighter import CONFIRMED_ALPHA, SUGGESTED_ALPHA


@dataclass(frozen=True)
class AgreementStyle:
    colour: str
    symbol: str
    words: str


# Paul Tol's bright scheme: told apart with the common colour-vision deficiencies.
STYLES: dict[Agreement, AgreementStyle] = {
    Agreement.ALL: AgreementStyle("#228833", "=", "all agree"),
    Agreement.LABEL: AgreementStyle("#AA3377", "≠", "label differs"),
    Agreement.BOUNDARY: AgreementStyle("#EE7733", "↔", "boundaries differ"),
    Agreement.SOME: AgreementStyle("#4477AA", "⊂", "only some"),
}
TAG_GAP = 4.0
TAG_ROWS = 2  # candidate tags go in a second row under a line before sliding sideways


def describe(candidate: ReviewSpan) -> str:
    """A candidate in words: symbol and class, label, who marked it."""
    style = STYLES[candidate.agreement]
    who = ", ".join(sorted(candidate.annotators))
    return f"{style.symbol} {style.words}: {candidate.span.label} marked by {who}"


def tag_text(candidate: ReviewSpan) -> str:
    return f"{STYLES[candidate.agreement].symbol} {candidate.span.label} · " + ", ".join(
        sorted(candidate.annotators)
    )


class GoldView(ArticleView):
    """The gold draft (filled, label below) and the open candidates (outlined, tagged)."""

    line_height_percent = 245  # room for two rows of tags under each line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goldView")
        self.setAccessibleName("Gold version")
        self.gold: list[Span] = []
        self.candidates: list[ReviewSpan] = []
        self._tags: dict[Mark, ReviewSpan] = {}
        self._taken: list[QRectF] = []  # tag boxes painted so far in this paint pass

    def show_review(
        self, document: Document | None, gold: Sequence[Span], candidates: Sequence[ReviewSpan]
    ) -> None:
        """Show a newly opened document (its marks are in place before its text goes in)."""
        offsets = OffsetMap(document.text if document else "")
        self.show_text(document, offsets, self._review_marks(gold, candidates, offsets))

    def update_review(self, gold: Sequence[Span], candidates: Sequence[ReviewSpan]) -> None:
        """Redraw after a decision: only the blocks whose marks changed are redone."""
        marks = self._review_marks(gold, candidates, self.offsets)
        self.show_qt_marks(marks)

    def _review_marks(
        self, gold: Sequence[Span], candidates: Sequence[ReviewSpan], offsets: OffsetMap
    ) -> list[Mark]:
        self.gold, self.candidates = list(gold), list(candidates)
        to_qt = offsets.to_qt
        marks = [Mark(to_qt(s.start), to_qt(s.end), s.label, False) for s in gold]
        self._tags = {}
        for candidate in candidates:
            s = candidate.span
            colour = STYLES[candidate.agreement].colour
            mark = Mark(to_qt(s.start), to_qt(s.end), s.label, True, colour)
            self._tags.setdefault(mark, candidate)
            marks.append(mark)
        return marks

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._taken = []
        super().paintEvent(event)

    def _paint_block(self, painter: QPainter, block: QTextBlock, dy: float) -> None:
        super()._paint_block(painter, block, dy)
        start = block.position()
        marks = self._marks_in(block)
        if not marks:
            return
        origin = self._block_origin(block, dy)
        metrics = QFontMetricsF(self._tag_font)
        ends_here = [m for m in marks if m.end <= start + block.length()]
        # Gold tags were painted by the base class: keep clear of them.
        for mark in ends_here:
            rects = self._mark_rects(block, mark, origin)
            if rects and not mark.suggested:
                last = rects[-1]
                width = metrics.horizontalAdvance(mark.label) + 6
                self._taken.append(QRectF(last.left(), last.bottom() + 1, width, metrics.height()))
        for mark in ends_here:
            candidate = self._tags.get(mark)
            rects = self._mark_rects(block, mark, origin) if candidate else []
            if candidate is None or not rects:
                continue
            text = tag_text(candidate)
            tag = self._place_tag(rects[-1], metrics.horizontalAdvance(text) + 8, metrics)
            self._taken.append(tag)
            colour = QColor(STYLES[candidate.agreement].colour)
            painter.setPen(QPen(colour, 1.0))
            painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
            painter.drawRoundedRect(tag, 3, 3)
            dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
            painter.setPen(colour.lighter(140) if dark else colour.darker(125))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)

    def _place_tag(self, last: QRectF, width: float, metrics: QFontMetricsF) -> QRectF:
        """Under the span's last piece: the first row where it is free, else slid right."""
        tag = QRectF(last.left(), last.bottom() + 1, width, metrics.height())
        for _row in range(TAG_ROWS):
            if not any(other.intersects(tag) for other in self._taken):
                return tag
            tag.translate(0, metrics.height() + 2)
        tag.translate(0, -(metrics.height() + 2))  # the last row, as far right as needed
        for other in sorted(self._taken, key=lambda r: r.left()):
            if other.intersects(tag):
                tag.moveLeft(other.right() + TAG_GAP)
        return tag

    # -- words for the span under the mouse ----------------------------------------------

    def describe_at(self, offset: int) -> str | None:
        text = self.current.text if self.current else ""
        found = [
            f"{s.label} “{s.text_in(text)}” — in gold"
            for s in self.gold
            if s.start <= offset < s.end
        ]
        found += [
            f"{c.span.label} “{c.span.text_in(text)}” — {describe(c)} (Enter takes, Delete drops)"
            for c in self.candidates
            if c.span.start <= offset < c.span.end
        ]
        return "\n".join(found) or None

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.describe_at(self.offset_at(QPointF(event.pos())))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


class AgreementLegend(QWidget):
    """How gold spans and each agreement class look, in words as well as colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementLegend")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # one column when two would cut the words off
        self.setSizePolicy(policy)
        self.rows: list[tuple[str | None, str]] = [(None, "in gold (label below)")]
        self.rows += [(s.colour, f"{s.symbol}  {s.words}") for s in STYLES.values()]
        self.setAccessibleName("Legend")
        self.setAccessibleDescription(
            "Filled: in gold. Outlined candidates: "
            + "; ".join(f"{s.symbol} {s.words}" for s in STYLES.values())
        )
        self.setToolTip(
            "Candidate spans from the annotators' versions, by how far they agree.\n"
            "Enter takes the candidate under the cursor, Delete drops it."
        )

    def _line(self) -> float:
        return self.fontMetrics().height() + 6

    def _entry_width(self) -> int:
        """One chip with its words, whole."""
        words = max(self.fontMetrics().horizontalAdvance(text) for _, text in self.rows)
        return 4 + 30 + 6 + words + 10

    def columns_for(self, width: int) -> int:
        """Two columns when both fit whole, else one: the words are never cut off."""
        return 2 if width >= 2 * self._entry_width() else 1

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        columns = self.columns_for(width)
        return int(self._line() * -(-len(self.rows) // columns)) + 8

    def sizeHint(self) -> QSize:
        width = 2 * self._entry_width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._entry_width(), self.heightForWidth(self._entry_width()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = self._line()
        columns = self.columns_for(self.width())
        column_width = self.width() / columns
        for i, (colour, text) in enumerate(self.rows):
            x = 4 + (i % columns) * column_width
            chip = QRectF(x, 4 + (i // columns) * line, 30, line - 6)
            sample = QColor(colour or "#88CCEE")
            fill = QColor(sample)
            fill.setAlpha(SUGGESTED_ALPHA * 2 if colour else CONFIRMED_ALPHA)
            painter.setBrush(fill)
            if colour:
                painter.setPen(QPen(sample, 1.4, Qt.PenStyle.DashLine))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(chip, 3, 3)
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRectF(
                    chip.right() + 6, chip.top(), column_width - chip.width() - 14, chip.height()
                ),
                Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        painter.end()


class VersionStack(QWidget):
    """The annotators' versions one above the other, read-only, scrolling together."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionStack")
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.views: dict[str, ArticleView] = {}
        self._labels: list[Label] = []
        self._font_size = 11
        self._syncing = False
        self._followed: list[QScrollBar] = []  # scroll bars outside the stack that sync too
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def set_labels(self, labels: Sequence[Label]) -> None:
        self._labels = list(labels)
        for view in self.views.values():
            view.set_labels(self._labels)

    def show_versions(self, document: Document | None, versions: dict[str, list[Span]]) -> None:
        if sorted(versions) != sorted(self.views):
            self._rebuild(sorted(versions))
        for name, view in self.views.items():
            spans = versions.get(name, [])
            view.show_document(document, spans, [])
            title = self.findChild(QLabel, f"versionTitle:{name}")
            if title is not None:
                title.setText(f"<b>{name}</b> — {len(spans)} spans")

    def _rebuild(self, names: list[str]) -> None:
        for i in reversed(range(self.splitter.count())):
            widget = self.splitter.widget(i)
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.views = {}
        for name in names:
            frame = QFrame(self.splitter)
            title = QLabel(name, frame)
            title.setObjectName(f"versionTitle:{name}")
            view = ArticleView(frame)
            view.setObjectName(f"versionView:{name}")
            view.setAccessibleName(f"{name}'s version (read-only)")
            view.set_font_size(self._font_size)
            view.set_labels(self._labels)
            view.setMinimumHeight(80)
            layout = QVBoxLayout(frame)
            layout.setContentsMargins(0, 2, 0, 0)
            layout.setSpacing(2)
            layout.addWidget(title)
            layout.addWidget(view, 1)
            self.splitter.addWidget(frame)
            self.views[name] = view
            bar = view.verticalScrollBar()
            bar.valueChanged.connect(lambda _=0, source=bar: self._sync(source))

    def follow(self, bar: QScrollBar) -> None:
        """Scroll the versions together with ``bar`` (the gold view's), and it with them."""
        self._followed.append(bar)
        bar.valueChanged.connect(lambda _=0, source=bar: self._sync(source))

    def _sync(self, source: QScrollBar) -> None:
        """Same fraction of the way down: the views show one text at different heights."""
        if self._syncing or not self.isVisible():
            return
        self._syncing = True
        fraction = source.value() / source.maximum() if source.maximum() else 0.0
        for bar in [*self._followed, *(v.verticalScrollBar() for v in self.views.values())]:
            if bar is not source:
                bar.setValue(round(fraction * bar.maximum()))
        self._syncing = False
