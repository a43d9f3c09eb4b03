"""Counted nouns for the windows' messages: "1 document", "2 documents"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with the noun in the singular for exactly one, else in the plural."""
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"
