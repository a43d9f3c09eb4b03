"""Label colours stay visible on the article's background in both themes (WCAG contrast of
at least 3:1 for the whole label scheme), and adjacent spans' names never overlap."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.documents import Document
from core.labels import load_scheme
from core.spans import Span
from nlp.tokenizer import TOKENIZER_VERSION, tokenize
from storage.repository import DEFAULT_SCHEME
from ui.widgets.article_view import ArticleView
from ui.widgets.theme import (
    MINIMUM_CONTRAST,
    article_background,
    contrast_ratio,
    dark_palette,
    readable_colour,
)

SCHEME = load_scheme(DEFAULT_SCHEME)


def light_palette() -> QPalette:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    return app.style().standardPalette()


@pytest.fixture
def dark_theme(qapp: QApplication) -> Iterator[QPalette]:
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield dark_palette()
    qapp.setPalette(before)


def test_theme_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#332288"), QColor("#1e1f22")) < 1.5  # the QUANTITY


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_every_label_colour_keeps_3_to_1_on_the_article(
    qapp: QApplication, theme: str
) -> None:
    palette = light_palette() if theme == "light" else dark_palette()
    background = article_background(palette)
    assert len(SCHEME) == 12
    for label in SCHEME:
        shown = QColor(readable_colour(label.colour, background))
        assert contrast_ratio(shown, background) >= MINIMUM_CONTRAST, (theme, label.name)
        original = QColor(label.colour)
        if original.hslSaturationF() > 0.1:  # the same colour, only lighter or darker
            assert abs(shown.hslHueF() - original.hslHueF()) < 0.03, label.name
        if contrast_ratio(original, background) >= MINIMUM_CONTRAST:
            assert shown.name() == original.name(), label.name  # good colours stay as chosen


def test_theme_dark_article_draws_the_readable_variants(qtbot: QtBot, dark_theme: QPalette) -> None:
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_labels(SCHEME)
    background = article_background(dark_theme)
    assert view.highlighter.colour("QUANTITY") != "#332288"
    for label in SCHEME:
        shown = QColor(view.highlighter.colour(label.name))
        assert contrast_ratio(shown, background) >= MINIMUM_CONTRAST, label.name


def test_theme_adjacent_span_names_never_overlap(qtbot: QtBot) -> None:
    """``NCMA cathode``, ``LFP cathodes``: each chemistry's name is wider than its word and
    would run into the next span's name; the later name starts after it (or is elided)."""
    text = "Suppliers ship NCMA cathode LFP cathodes and more."
    spans = []
    for word, label in (("NCMA", "CHEMISTRY"), ("cathode", "COMPONENT"),
                        ("LFP", "CHEMISTRY"), ("cathodes", "COMPONENT")):  # fmt: skip
        start = text.index(word + " ")
        spans.append(Span(start, start + len(word), label))
    document = Document(1, text, tokenize(text, "en"), "en", "t", "test", {}, TOKENIZER_VERSION)
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_labels(SCHEME)
    view.set_font_size(13)
    view.resize(900, 300)
    view.show_document(document, spans, [])
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints the viewport, names included
    tags = sorted(view.painted_tags, key=lambda t: t[0].start)
    assert [(m.start, m.end) for m, _, _ in tags] == [(s.start, s.end) for s in spans]
    for (_, a, _), (_, b, _) in itertools.pairwise(tags):
        assert a.right() < b.left(), (a, b)
    assert tags[0][2] == "CHEMISTRY"  # the first keeps its whole name
    cursor = view.textCursor()
    cursor.setPosition(spans[1].start)
    cathode_x = view.cursorRect(cursor).left()
    # The situation is real: CHEMISTRY under "NCMA" reaches past where "cathode" begins,
    # so the later name was moved right (or elided), not drawn over it.
    assert tags[0][1].right() > cathode_x
    assert tags[1][1].left() > cathode_x or tags[1][2].endswith("…")
