"""The HTML reader: an ``.html`` file becomes one document of plain text.

Only the stdlib ``html.parser`` is used; nothing is fetched, scripts and styles are dropped,
block elements become line or paragraph breaks, and ``<title>`` goes into ``meta["title"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from core.formats._io import FileProblem, Limits, read_text
from core.formats._plaintext import LINE_BREAK, PARAGRAPH_BREAK, PlainTextBuilder
from core.records import ImportRecord, RecordError

# Elements whose content is not article text.
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"}
)
_PARAGRAPH_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "details",
        "dl", "div", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section",
        "summary", "table", "ul",
    }
)  # fmt: skip
_LINE_ELEMENTS = frozenset({"br", "dd", "dt", "legend", "li", "option", "tr"})
_CELL_ELEMENTS = frozenset({"td", "th"})
# html.parser ends a declaration at its first ">", so a DOCTYPE's internal subset
# (``<!DOCTYPE x [ <!ENTITY …> ]>``) would leave "]>" in the text; it is dropped whole.
# Only a DOCTYPE at the start counts (after an optional XML declaration), which keeps the
# search linear on hostile input.
_DOCTYPE_SUBSET = re.compile(
    r"\A(\s*(?:<\?[^>]*\?>\s*)?)<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL
)


class _TextExtractor(HTMLParser):
    """Feeds the visible text of an HTML document into a :class:`PlainTextBuilder`."""

    def __init__(self, builder: PlainTextBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.title: str | None = None
        self.language: str | None = None
        self._title_parts: list[str] | None = None
        self._skipping: list[str] = []  # open elements whose content is dropped
        self._preformatted = 0
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.language = dict(attrs).get("lang") or self.language
        elif tag == "body" and "head" in self._skipping:
            # </head> is optional: the body starts where the head ends.
            del self._skipping[self._skipping.index("head") :]
        if tag == "title" and self.title is None and "svg" not in self._skipping:
            self._title_parts = []
            return
        if tag in _SKIPPED:
            self._skipping.append(tag)
        if self._skipping:
            return
        self._block_boundary(tag, opening=True)
        if tag == "pre":
            self._preformatted += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title_parts is not None:
            self.title = " ".join("".join(self._title_parts).split()) or None
            self._title_parts = None
            return
        if self._skipping:
            if tag in self._skipping:
                del self._skipping[len(self._skipping) - 1 - self._skipping[::-1].index(tag) :]
            return
        if tag != "br":
            self._block_boundary(tag, opening=False)
        if tag == "pre":
            self._preformatted = max(0, self._preformatted - 1)

    def handle_data(self, data: str) -> None:
        if self._title_parts is not None:
            self._title_parts.append(data)
        elif not self._skipping:
            self.builder.text(data, preformatted=self._preformatted > 0)

    def _block_boundary(self, tag: str, *, opening: bool) -> None:
        if tag in _CELL_ELEMENTS:
            if opening:
                self.builder.cell()
            self._in_cell = opening
        elif tag in ("tr", "table"):
            self._in_cell = False
        if self._in_cell and (tag in _PARAGRAPH_ELEMENTS or tag in _LINE_ELEMENTS):
            self.builder.text(" ")  # a <p> or <br> inside a cell must not split the row
        elif tag in _PARAGRAPH_ELEMENTS:
            self.builder.line_break(PARAGRAPH_BREAK)
        elif tag in _LINE_ELEMENTS:
            self.builder.line_break(LINE_BREAK)


def html_into(builder: PlainTextBuilder, markup: str) -> _TextExtractor:
    """Feed the text of ``markup`` into ``builder``; the returned parser holds title and lang."""
    parser = _TextExtractor(builder)
    parser.feed(_DOCTYPE_SUBSET.sub(r"\1", markup, count=1))
    parser.close()
    return parser


def read_html(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
    markup = read_text(path, limits)
    if not markup.strip():
        raise FileProblem("empty file")
    builder = PlainTextBuilder()
    parser = html_into(builder, markup)
    text = builder.result()
    if not text:
        raise FileProblem("no text in the document once markup is removed")
    meta: dict[str, object] = {}
    if parser.title:
        meta["title"] = parser.title
    if parser.language:
        meta["language"] = parser.language
    yield ImportRecord(text=text, source=str(path), line=1, meta=meta)
