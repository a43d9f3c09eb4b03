"""The article view paints spans itself: an edit repaints its paragraph, never the document.

Highlights used to be character formats, and any format change makes Qt lay the whole
document out again. Now the text document is left alone after it is shown: fills are
painted under the text and names over it, for the blocks being repainted. These tests look
at the pixels, the paint regions and the document.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPaintEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.documents import Document
from core.labels import Label
from core.spans import Span
from nlp.tokenizer import TOKENIZER_VERSION, tokenize
from ui.widgets.article_view import ArticleView

PARAGRAPHS = [
    "CATL baut in Arnstadt ein Werk für Zellen.",
    "BMW kauft NMC-Zellen von LG Energy Solution.",
    "Volkswagen fertigt in Salzgitter.",
]
TEXT = "\n".join(PARAGRAPHS)
BLUE = "#0077bb"
LABELS = [Label("ORG", BLUE, "o"), Label("LOC", "#ee7733", "l")]
BMW = Span(len(PARAGRAPHS[0]) + 1, len(PARAGRAPHS[0]) + 4, "ORG")


def shown(qtbot: QtBot, spans: list[Span], suggestions: list[Span]) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_labels(LABELS)
    view.resize(700, 400)
    document = Document(1, TEXT, tokenize(TEXT, "de"), "de", "", "", {}, TOKENIZER_VERSION)
    view.show_document(document, spans, suggestions)
    view.show()
    qtbot.waitExposed(view)
    layout, last = view.document().documentLayout(), view.document().lastBlock()
    qtbot.waitUntil(lambda: layout.blockBoundingRect(last).height() > 0)  # laid out
    return view


def image(view: ArticleView) -> QImage:
    QApplication.processEvents()
    return view.viewport().grab().toImage()


def fill_at(view: ArticleView, span: Span) -> QColor:
    """The colour just left of the span's first glyph, inside its fill (not on ink)."""
    view.select_range(span.start, span.start)
    caret = view.cursorRect()
    view.select_range(0, 0)
    return QColor(image(view).pixel(caret.x() + 1, caret.top() + 2))


def test_a_confirmed_span_is_filled_under_its_text_and_an_edit_takes_it_away(
    qtbot: QtBot,
) -> None:
    view = shown(qtbot, [], [])
    base = fill_at(view, BMW)
    view.update_marks(added=[BMW])
    filled = fill_at(view, BMW)
    assert filled != base and filled.blue() > filled.red(), filled.name()  # ORG's blue
    view.update_marks(removed=[BMW])
    assert fill_at(view, BMW) == base
    view.update_marks(shown=[BMW])  # as a suggestion: a lighter fill
    light = fill_at(view, BMW)
    assert light != base and light.lightness() > filled.lightness()


def test_an_edit_repaints_its_paragraph_and_leaves_the_document_alone(qtbot: QtBot) -> None:
    view = shown(qtbot, [Span(0, 4, "ORG")], [])
    painted: list[QRect] = []
    real_paint = view.paintEvent

    def paint(event: QPaintEvent) -> None:
        painted.append(event.rect())
        real_paint(event)

    view.paintEvent = paint  # type: ignore[method-assign]
    QApplication.processEvents()
    painted.clear()
    revision = view.document().revision()
    view.update_marks(added=[BMW])
    qtbot.waitUntil(lambda: bool(painted))
    assert view.document().revision() == revision  # nothing for Qt to lay out again
    block = view.document().findBlockByNumber(1)
    assert list(block.layout().formats()) == []  # no character formats at all
    layout = view.document().documentLayout()
    paragraph = layout.blockBoundingRect(block).toAlignedRect()
    names_gap = QRect(paragraph.left(), paragraph.bottom(), paragraph.width(), 4)
    assert all(rect.height() < view.viewport().height() / 3 for rect in painted), painted
    assert any(rect.contains(paragraph) for rect in painted), (painted, paragraph)
    assert any(rect.intersects(names_gap) for rect in painted)


def test_the_label_name_is_written_under_the_span(qtbot: QtBot) -> None:
    view = shown(qtbot, [], [])
    view.select_range(BMW.start, BMW.start)
    caret = view.cursorRect()
    view.select_range(0, 0)

    def blue_below() -> int:
        picture = image(view)
        return sum(
            1
            for x in range(caret.x(), caret.x() + 30)
            for y in range(caret.bottom() + 1, caret.bottom() + 14)
            if QColor(picture.pixel(x, y)).name() == BLUE
        )

    before = blue_below()
    view.update_marks(added=[BMW])
    assert blue_below() > before + 20  # the name's chip in ORG's colour
