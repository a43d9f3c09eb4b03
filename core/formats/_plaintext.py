"""Assembling readable plain text from markup: lines, paragraph breaks and table cells.

The Markdown and HTML readers walk their markup and tell a :class:`PlainTextBuilder` what they
see; it collapses whitespace, drops blank lines and separates paragraphs by one blank line.
"""

from __future__ import annotations

import re

LINE_BREAK = 1
PARAGRAPH_BREAK = 2

_CELL = "\x1f"  # stands for a table-cell boundary until the line is finished
_ASCII_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_AROUND_CELL = re.compile(" ?\x1f ?")


class PlainTextBuilder:
    """Collects text line by line; ``result()`` returns the document text."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._line: list[str] = []
        self._line_is_preformatted = False
        self._pending_break = 0

    def text(self, text: str, *, preformatted: bool = False) -> None:
        """Add running text; preformatted text keeps its spaces and line breaks."""
        text = text.replace(_CELL, "")
        if not preformatted:
            self._line.append(text)
            return
        for i, part in enumerate(text.split("\n")):
            if i:
                self.line_break(LINE_BREAK)
            self._line.append(part)
            self._line_is_preformatted = True

    def cell(self) -> None:
        """Start a new table cell on the current line (a tab between cells)."""
        if self._line:
            self._line.append(_CELL)

    def line_break(self, strength: int) -> None:
        """End the current line; ``PARAGRAPH_BREAK`` asks for a blank line before the next."""
        line = self._finish_line()
        if line:
            if self._chunks:
                self._chunks.append("\n" * max(self._pending_break, LINE_BREAK))
            self._chunks.append(line)
            self._pending_break = strength
        else:
            self._pending_break = max(self._pending_break, strength)

    def result(self) -> str:
        self.line_break(LINE_BREAK)
        return "".join(self._chunks)

    def _finish_line(self) -> str:
        line = "".join(self._line)
        preformatted = self._line_is_preformatted
        self._line.clear()
        self._line_is_preformatted = False
        if preformatted:
            line = line.replace(_CELL, "\t").rstrip()
        else:
            line = _ASCII_WHITESPACE.sub(" ", line)
            line = _AROUND_CELL.sub("\t", line).strip(" \t")
        # A line of only whitespace (non-breaking spaces included) carries nothing to annotate.
        return line if line.strip() else ""
