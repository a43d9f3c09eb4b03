"""A comment and a flag on one version of a document (an annotator's or the gold one):
what an annotator wants a reviewer to know ("unsure", "bad text")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.text_rules import nul_offset

FLAGS = ("unsure", "bad text", "duplicate", "off topic")
MAX_COMMENT = 2000
META_KEY = "version_note"  # where exports put it in a record's meta


class NoteError(ValueError):
    """A comment or flag that cannot be stored; nothing was written."""


@dataclass(frozen=True, slots=True)
class VersionNote:
    """``comment`` is free text (empty: none); ``flag`` one of :data:`FLAGS` or None."""

    comment: str = ""
    flag: str | None = None

    def __post_init__(self) -> None:
        if self.flag is not None and self.flag not in FLAGS:
            raise NoteError(f"unknown flag {self.flag!r}; choose one of {', '.join(FLAGS)}")
        if len(self.comment) > MAX_COMMENT:
            raise NoteError(f"the comment is {len(self.comment)} characters; at most {MAX_COMMENT}")
        if nul_offset(self.comment) is not None:
            raise NoteError("the comment holds a NUL character")

    @property
    def empty(self) -> bool:
        return not self.comment and self.flag is None

    def as_meta(self) -> dict[str, Any]:
        """The note as export meta: only what is set."""
        meta: dict[str, Any] = {}
        if self.flag is not None:
            meta["flag"] = self.flag
        if self.comment:
            meta["comment"] = self.comment
        return meta

    def describe(self) -> str:
        """One line for a window: ``⚑ unsure — “check the figure”``."""
        parts = [f"⚑ {self.flag}"] if self.flag else []
        if self.comment:
            parts.append(f"“{' '.join(self.comment.split())}”")
        return " — ".join(parts)
