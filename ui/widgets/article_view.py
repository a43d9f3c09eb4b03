"""The article view: read-only text, span highlights, label names, token-snapped selection.

Confirmed spans are filled in their label's colour with the label's name written below
them; suggestions are lightly filled and outlined with a dashed frame. All of it is painted
by the view for the blocks being repainted (fills under the text, frames and names over it);
the text document itself never changes after it is shown, so an edit costs one paragraph's
repaint however long the article is.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QMenu, QTextEdit, QWidget

from core.documents import Document
from core.labels import Label
from core.marks import Mark
from core.offsets import OffsetMap
from core.spans import Span
from core.tokens import snap_to_tokens
from ui.widgets.highlighter import SpanHighlighter

LINE_HEIGHT_PERCENT = 175  # room under each line for the label names
TAG_POINT_SIZE_RATIO = 0.62
RECT_CACHE_SIZE = 50_000


class ArticleView(QTextEdit):
    """Shows one document; the text is display only, spans come from the highlighter."""

    context_requested = Signal(QMenu, int)  # the menu to fill, and the Python offset clicked
    line_height_percent = LINE_HEIGHT_PERCENT  # a subclass may leave room for more tags

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDocumentMargin(22)
        self.highlighter = SpanHighlighter()
        self._document: Document | None = None
        self._offsets = OffsetMap("")
        # Where each mark lies within its block's layout, kept between paints: only marks
        # new to the screen are measured again. Cleared when the layout can have changed:
        # another text, width or font. An edit changes nothing in the text document, so it
        # keeps every other mark's measurement.
        self._rects: dict[tuple[int, Mark], list[QRectF]] = {}
        self._rects_key: tuple[object, ...] = ()
        self._text_generation = 0
        self._tag_widths: dict[str, float] = {}
        self.painted_tags: list[tuple[Mark, QRectF, str]] = []  # the last paint's names
        self._watch_layout()
        self.set_font_size(13)

    def _on_layout_grew(self) -> None:
        self.viewport().update()

    @property
    def current(self) -> Document | None:
        return self._document

    @property
    def offsets(self) -> OffsetMap:
        """Python ↔ Qt positions of the document shown."""
        return self._offsets

    def set_font_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(points)
        self.setFont(font)
        self.document().setDefaultFont(font)
        self._tag_font = QFont(font)
        self._tag_font.setPointSizeF(points * TAG_POINT_SIZE_RATIO)
        self._tag_font.setBold(True)
        self._tag_widths = {}

    def set_labels(self, labels: Sequence[Label]) -> None:
        self.highlighter.set_labels(labels)
        self.viewport().update()

    # -- content -------------------------------------------------------------------------

    def show_document(
        self, document: Document | None, spans: Sequence[Span], suggestions: Sequence[Span]
    ) -> None:
        """Show a document with its marks. Every block has its line height as it is made, so
        the text is laid out once."""
        text = document.text if document else ""
        offsets = OffsetMap(text)
        self.show_text(document, offsets, self.highlighter.marks_of(spans, suggestions, offsets))

    def show_text(
        self, document: Document | None, offsets: OffsetMap, marks: Sequence[Mark]
    ) -> None:
        """Show a document with marks already in Qt positions (see ``show_document``)."""
        self._document = document
        text = document.text if document else ""
        self._offsets = offsets
        self._rects.clear()
        self._text_generation += 1
        self.highlighter.replace_marks(marks)
        # The text goes into a new document, not yet the view's: Qt then lays out nothing
        # while it goes in, and only the part on screen after (45 ms instead of 450 ms for
        # 1,000,000 characters). The document's settings come from the one it replaces.
        previous = self.document()
        qt_document = QTextDocument(self)
        qt_document.setUndoRedoEnabled(False)
        qt_document.setDocumentMargin(previous.documentMargin())
        qt_document.setDefaultFont(previous.defaultFont())
        qt_document.setDefaultTextOption(previous.defaultTextOption())
        cursor = QTextCursor(qt_document)
        spacing = QTextBlockFormat()
        spacing.setLineHeight(self.line_height_percent, 1)  # 1 = ProportionalHeight
        cursor.setBlockFormat(spacing)
        cursor.insertText(text)
        ours = previous.parent() is self  # Qt deletes its own first document itself
        self.setDocument(qt_document)
        self._watch_layout()
        if ours:
            previous.deleteLater()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _watch_layout(self) -> None:
        # A long text is laid out a piece at a time after it is shown: the names and outlines
        # of blocks laid out later must be painted then (the text widget repaints only text).
        self.document().documentLayout().documentSizeChanged.connect(self._on_layout_grew)

    def show_marks(self, spans: Sequence[Span], suggestions: Sequence[Span]) -> None:
        """Redraw with other marks: only the blocks whose marks changed are repainted."""
        self.show_qt_marks(self.highlighter.marks_of(spans, suggestions, self._offsets))

    def show_qt_marks(self, marks: Sequence[Mark]) -> None:
        """``show_marks`` with marks already in Qt positions."""
        self._update_blocks_of(list(self.highlighter.replace_marks(marks)))

    def update_marks(
        self,
        removed: Sequence[Span] = (),
        added: Sequence[Span] = (),
        *,
        hidden: Sequence[Span] = (),
        shown: Sequence[Span] = (),
    ) -> None:
        """Redraw after an edit: confirmed spans out and in, suggestions hidden and shown."""
        to_qt = self._offsets.to_qt

        def marks(spans: Sequence[Span], suggested: bool) -> list[Mark]:
            return [Mark(to_qt(s.start), to_qt(s.end), s.label, suggested) for s in spans]

        out = [*marks(removed, False), *marks(hidden, True)]
        into = [*marks(added, False), *marks(shown, True)]
        self.highlighter.update_marks(out, into)
        self._update_blocks_of([*out, *into])

    def _update_blocks_of(self, marks: Sequence[Mark]) -> None:
        """Schedule a repaint of just the blocks the marks lie in (their names and outlines
        included), not of the whole viewport: an edit repaints a paragraph, not the screen."""
        document = self.document()
        layout = document.documentLayout()
        offset = QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        visible = QRectF(self.viewport().rect())
        for mark in marks:
            block = document.findBlock(mark.start)
            while block.isValid() and block.position() < max(mark.end, mark.start + 1):
                # The names under the block's last line lie in the gap before the next block.
                rect = layout.blockBoundingRect(block)
                after = block.next()
                if after.isValid():
                    rect.setBottom(max(rect.bottom(), layout.blockBoundingRect(after).top()))
                else:
                    rect.setBottom(rect.bottom() + 3 * QFontMetricsF(self._tag_font).height())
                rect = rect.translated(-offset).adjusted(-3, -3, 3, 3)
                if rect.intersects(visible):
                    self.viewport().update(rect.toAlignedRect())
                block = after

    # -- selection -----------------------------------------------------------------------

    def selection(self) -> tuple[int, int]:
        """The selection (or caret) as Python offsets into the document text."""
        cursor = self.textCursor()
        return (
            self._offsets.from_qt(cursor.selectionStart()),
            self._offsets.from_qt(cursor.selectionEnd()),
        )

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def offset_at(self, point: QPointF) -> int:
        return self._offsets.from_qt(self.cursorForPosition(point.toPoint()).position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click takes the whole token under the mouse."""
        if self._document is None:
            super().mouseDoubleClickEvent(event)
            return
        offset = self.offset_at(event.position())
        token = snap_to_tokens(self._document.tokens, offset, offset)
        if token is None:
            super().mouseDoubleClickEvent(event)
            return
        self.select_range(*token)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        self.context_requested.emit(menu, self.offset_at(QPointF(event.pos())))
        if not menu.isEmpty():
            menu.exec(event.globalPos())

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted_tags = []
        if not self.highlighter.index.marks:
            super().paintEvent(event)
            return
        # The width the text is laid out at (it can lag behind the viewport's during a resize).
        key = (self.document().textWidth(), self._text_generation, self._tag_font.key())
        if key != self._rects_key or len(self._rects) > RECT_CACHE_SIZE:
            self._rects.clear()
            self._rects_key = key
        # Only the blocks in the region being painted (after an edit: one paragraph).
        area = event.rect()
        scroll = self.verticalScrollBar().value()
        layout = self.document().documentLayout()
        blocks = []
        block = self._block_at(scroll + area.top() - 3)
        bottom = scroll + area.bottom() + 3
        while block.isValid() and layout.blockBoundingRect(block).top() <= bottom:
            blocks.append(block)
            block = block.next()
        painter = QPainter(self.viewport())
        for block in blocks:  # the fills go under the text
            self._fill_block(painter, block, -scroll)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._tag_font)
        for block in blocks:  # frames and names over it
            self._paint_block(painter, block, -scroll)
        painter.end()

    def _block_at(self, y: float) -> QTextBlock:
        """The block at height ``y`` of the document, by bisection over the laid-out blocks
        (Qt's hit test walks from the first block: 1 ms per paint on a long article)."""
        document = self.document()
        layout = document.documentLayout()
        low, high = 0, document.blockCount() - 1
        while low < high:
            middle = (low + high + 1) // 2
            bounds = layout.blockBoundingRect(document.findBlockByNumber(middle))
            if bounds.height() > 0 and bounds.top() <= y:  # not laid out yet: height 0
                low = middle
            else:
                high = middle - 1
        return document.findBlockByNumber(low)

    def _fill_block(self, painter: QPainter, block: QTextBlock, dy: float) -> None:
        """The fills of the block's marks, painted before (so under) the text."""
        origin = self._block_origin(block, dy)
        for mark in self._marks_in(block):
            fill = self.highlighter.fill_of(mark)
            for rect in self._mark_rects(block, mark, origin):
                painter.fillRect(rect, fill)

    def _block_origin(self, block: QTextBlock, dy: float) -> QPointF:
        """Where the block's layout starts in viewport coordinates (scrolled by ``dy``)."""
        origin = self.document().documentLayout().blockBoundingRect(block).topLeft()
        origin.setY(origin.y() + dy)
        origin.setX(origin.x() - self.horizontalScrollBar().value())
        return origin

    def _marks_in(self, block: QTextBlock) -> list[Mark]:
        """The marks that touch the block, in order."""
        return self.highlighter.index.between(block.position(), block.position() + block.length())

    def _paint_block(self, painter: QPainter, block: QTextBlock, dy: float) -> None:
        start = block.position()
        marks = self._marks_in(block)
        if not marks:
            return
        origin = self._block_origin(block, dy)
        metrics = QFontMetricsF(self._tag_font)
        tag_right: dict[float, float] = {}  # per line of tags, where the last name ends
        for mark in marks:
            rects = self._mark_rects(block, mark, origin)
            if not rects:
                continue
            colour = QColor(self.highlighter.colour_of(mark))
            if mark.suggested:
                pen = QPen(colour, 1.4, Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for rect in rects:
                    painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 3, 3)
            elif mark.end <= start + block.length():  # name under the span's last piece
                last = rects[-1]
                width = self._tag_widths.get(mark.label)
                if width is None:
                    width = self._tag_widths[mark.label] = metrics.horizontalAdvance(mark.label)
                tag = QRectF(last.left(), last.bottom() + 1, width + 6, metrics.height())
                name = mark.label
                # A neighbour's name still running here: start after it, and elide this one
                # if it would then run past its own span (names never overlap).
                left = max(tag.left(), tag_right.get(tag.top(), tag.left() - 2) + 2)
                if left > tag.left():
                    room = max(last.right(), left + metrics.height()) - left
                    if room < tag.width():
                        name = metrics.elidedText(name, Qt.TextElideMode.ElideRight, room - 6)
                        tag.setWidth(metrics.horizontalAdvance(name) + 6)
                    tag.moveLeft(left)
                tag_right[tag.top()] = tag.right()
                self.painted_tags.append((mark, tag, name))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(tag, 3, 3)
                painter.setPen(QColor("#000000") if colour.lightness() > 140 else QColor("#ffffff"))
                painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, name)

    def _mark_rects(self, block: QTextBlock, mark: Mark, origin: QPointF) -> list[QRectF]:
        """The mark's piece on each line of the block, in viewport coordinates."""
        key = (block.blockNumber(), mark)
        local = self._rects.get(key)
        if local is None:
            local = self._measure(block, mark)
            if local and block.layout().lineCount():  # not before the block is laid out
                self._rects[key] = local
        return [rect.translated(origin) for rect in local]

    @staticmethod
    def _measure(block: QTextBlock, mark: Mark) -> list[QRectF]:
        """The mark's pieces relative to the block's layout."""
        layout = block.layout()
        a = max(mark.start, block.position()) - block.position()
        b = min(mark.end, block.position() + block.length() - 1) - block.position()
        rects = []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            line_start, line_end = line.textStart(), line.textStart() + line.textLength()
            if line_end <= a or line_start >= b:
                continue
            x1 = _x_of(line.cursorToX(max(a, line_start)))
            x2 = _x_of(line.cursorToX(min(b, line_end)))
            rects.append(QRectF(x1, line.y(), x2 - x1, line.ascent() + line.descent()))
        return rects


def _x_of(result: object) -> float:
    """``QTextLine.cursorToX`` returns ``(x, position)`` in PySide6."""
    if isinstance(result, tuple):
        return float(result[0])
    return float(result)  # type: ignore[arg-type]
