"""Plain helpers shared by the repository and bulk import: document identity and tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.spans import PackedTokens, Token

TITLE_CHARS = 200


def content_hash(text: str) -> str:
    """The identity of a document's text: the same text twice is one document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def title_of(text: str, meta: dict[str, Any]) -> str:
    """A document's title: its meta title, else its first non-blank line."""
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()[:TITLE_CHARS]
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:TITLE_CHARS]


def pack_tokens(tokens: Sequence[Token]) -> list[int]:
    """Tokens as the flat ``[start, end, ws, ...]`` list stored with a document."""
    if isinstance(tokens, PackedTokens):
        return list(tokens.flat)
    flat: list[int] = []
    for t in tokens:
        flat.extend((t.start, t.end, int(t.ws)))
    return flat


def unpack_tokens(text: str, flat: Sequence[int]) -> PackedTokens:
    """The stored tokens, made into ``Token`` objects only as they are read."""
    return PackedTokens(text, flat)


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document about to be stored, with its tokens already made."""

    text: str
    tokens: Sequence[Token]
    tokenizer_version: str
    language: str
    source: str = ""
    meta: dict[str, Any] | None = None
    # The tokens already packed (import workers send these: far cheaper to pickle than
    # Token objects); when given, ``tokens`` is not read.
    packed_tokens: list[int] | None = None

    def token_offsets(self) -> list[int]:
        """The tokens as stored: the flat ``[start, end, ws, …]`` list."""
        if self.packed_tokens is not None:
            return self.packed_tokens
        return pack_tokens(self.tokens)
