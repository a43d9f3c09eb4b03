"""Rules for text that every backend must be able to store: no NUL characters, and annotator
names that people can read and tell apart.

PostgreSQL refuses U+0000 in text and JSON, SQLite stores it; one rule for both keeps a
SQLite project mergeable into a team project. Annotator names are shown everywhere and
compared as written, so control and bidirectional-override characters are refused.
"""

from __future__ import annotations

import unicodedata
from typing import Any

MAX_NAME_CHARS = 100

# Characters that reorder or hide text: a name with them can look like another name.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


class InvalidNameError(ValueError):
    """An annotator name that cannot be used, with the reason."""


def nul_offset(value: Any) -> int | None:
    """The offset of the first NUL in a string (-1 for one inside a nested value), or None.

    Nested dicts and lists (record metadata) are searched too; for them the offset is -1.
    """
    if isinstance(value, str):
        found = value.find("\x00")
        return None if found < 0 else found
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return -1
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def check_annotator_name(name: str) -> str:
    """The name trimmed, or :class:`InvalidNameError` saying why it cannot be used."""
    trimmed = name.strip()
    if not trimmed:
        raise InvalidNameError("an annotator name must not be empty")
    if len(trimmed) > MAX_NAME_CHARS:
        raise InvalidNameError(
            f"an annotator name must be at most {MAX_NAME_CHARS} characters, not {len(trimmed)}"
        )
    for char in trimmed:
        if char in _BIDI_CONTROLS:
            raise InvalidNameError(
                f"annotator name {trimmed!r} contains the text-direction control "
                f"U+{ord(char):04X}, which can make one name look like another"
            )
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise InvalidNameError(
                f"annotator name {trimmed!r} contains the control character U+{ord(char):04X}"
            )
    return trimmed
