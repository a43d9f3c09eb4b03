"""Pattern sets: the rule files behind the ``rules`` suggester, loaded with validation.

A pattern file is JSON Lines in spaCy's EntityRuler/SpanRuler format, one pattern a line
(see ``resources/patterns/README.md``). A broken line raises :class:`PatternError` naming the
file and line. A set's version is a hash of the file's bytes, so editing a pattern file
invalidates every suggestion cached under the old version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PATTERNS_DIR = Path(__file__).resolve().parents[1] / "resources" / "patterns"

# Kathode's label scheme: the labels a pattern, and so a suggestion, may carry (the names in
# resources/labels/battery.json; a test keeps the two equal).
LABELS = frozenset(
    {
        "ORG", "PERSON", "LOC", "FACILITY", "PRODUCT", "CHEMISTRY", "MATERIAL", "COMPONENT",
        "QUANTITY", "MONEY", "DATE", "POLICY",
    }
)  # fmt: skip

_KEYS = frozenset({"label", "pattern", "id", "trim_start"})

TokenPattern = list[dict[str, Any]]


class PatternError(ValueError):
    """A pattern file that cannot be used; the message names the file and, where it can, the
    line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class Pattern:
    """One line of a pattern file.

    ``pattern`` is a phrase (matched on project tokens) or a token pattern. ``trim_start`` is a
    Kathode extension: that many leading tokens must match but stay outside the suggested span
    (``bis 2030`` suggests ``2030``). ``line`` is the 1-based line number in the file.
    """

    label: str
    pattern: str | TokenPattern
    id: str = ""
    trim_start: int = 0
    line: int = 0


@dataclass(frozen=True, slots=True)
class PatternSet:
    """The validated patterns of one file, with the file's content hash as ``version``."""

    name: str
    path: Path
    version: str
    patterns: tuple[Pattern, ...]

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(p.label for p in self.patterns)


def pattern_file(lang: str) -> Path:
    """The bundled pattern file for ``lang`` (``resources/patterns/<lang>.jsonl``)."""
    return PATTERNS_DIR / f"{lang}.jsonl"


def content_version(data: bytes) -> str:
    """The version of a pattern file: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


def load_language_patterns(lang: str) -> PatternSet:
    """The bundled pattern set for ``lang``, named ``<lang>-patterns``."""
    return load_patterns(pattern_file(lang), name=f"{lang}-patterns")


def load_patterns(
    path: Path, *, name: str | None = None, labels: frozenset[str] = LABELS
) -> PatternSet:
    """Read and validate a pattern file.

    Raises :class:`PatternError` for a missing or unreadable file, a line that is not a JSON
    object, a missing or unknown key, a label outside ``labels``, an empty phrase, an invalid
    token pattern (checked with spaCy's own pattern schema) or a bad ``trim_start``. Blank
    lines are allowed.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PatternError(path, None, f"cannot read pattern file: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PatternError(path, None, f"not UTF-8: {exc}") from exc
    patterns = [
        _parse_line(path, number, line, labels)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    return PatternSet(
        name=name or path.stem,
        path=path,
        version=content_version(data),
        patterns=tuple(patterns),
    )


def _parse_line(path: Path, number: int, line: str, labels: frozenset[str]) -> Pattern:
    def fail(message: str) -> PatternError:
        return PatternError(path, number, message)

    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(entry, dict):
        raise fail(f"expected a JSON object, got {type(entry).__name__}")
    for key in ("label", "pattern"):
        if key not in entry:
            raise fail(f"missing {key!r}")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {sorted(_KEYS)}")
    label = entry["label"]
    if label not in labels:
        raise fail(f"label {label!r} is not in the label scheme ({', '.join(sorted(labels))})")
    ident = entry.get("id", "")
    if not isinstance(ident, str):
        raise fail("'id' must be a string")
    pattern = entry["pattern"]
    trim_start = entry.get("trim_start", 0)
    if isinstance(pattern, str):
        if not pattern.strip():
            raise fail("empty phrase pattern")
        if trim_start:
            raise fail("'trim_start' is only allowed with token patterns")
    elif isinstance(pattern, list):
        _check_token_pattern(pattern, fail)
        if not isinstance(trim_start, int) or isinstance(trim_start, bool):
            raise fail("'trim_start' must be an integer")
        if not 0 <= trim_start < len(pattern):
            raise fail(f"'trim_start' must be between 0 and {len(pattern) - 1}")
        if any(t.get("OP") in ("?", "*", "!") for t in pattern[:trim_start]):
            raise fail("the tokens cut off by 'trim_start' must not be optional")
    else:
        raise fail(f"'pattern' must be a string or a list of token dicts, not {pattern!r}")
    return Pattern(label, pattern, ident, trim_start, number)


def _check_token_pattern(pattern: list[Any], fail: Any) -> None:
    from spacy.schemas import validate_token_pattern

    if not pattern:
        raise fail("empty token pattern")
    if not all(isinstance(token, dict) for token in pattern):
        raise fail("a token pattern must be a list of objects, one per token")
    errors = validate_token_pattern(pattern)
    if errors:
        raise fail(f"invalid token pattern: {'; '.join(errors)}")
