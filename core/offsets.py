"""Python string offsets (code points) to and from Qt text positions (UTF-16 code units).

Qt counts a character outside the Basic Multilingual Plane (most emoji, some CJK) as two
positions; Python counts it as one. Every offset that crosses the boundary goes through here,
so a span drawn or selected after such a character still lands on the right text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets for one text; free of cost for texts without astral characters."""

    __slots__ = ("_astral", "_astral_qt")

    def __init__(self, text: str) -> None:
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        self._astral_qt = [i + n for n, i in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        if not self._astral:
            return offset
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        if not self._astral:
            return position
        # Each astral character before ``position`` adds one extra Qt position.
        return position - bisect_right(self._astral_qt, position - 1)
