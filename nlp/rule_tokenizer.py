"""The project tokenizer without spaCy: spaCy's tokenizer algorithm over rules exported from it.

Importing spaCy takes about half a second, and building its blank pipelines another 0.15 s;
an import of a few records waited for that. The algorithm of ``spacy.Tokenizer`` is small
and fully specified by its rules — a prefix, a suffix and an infix regular expression, a URL
match, special cases — so this module runs it over those rules in plain Python: the rules
are written by :func:`nlp.tokenizer.export_rules` to ``resources/tokenizer/<lang>.json``,
and tests keep that file equal to what spaCy builds and these tokens equal to spaCy's on
real German and English text and on generated text.

The steps, as in spaCy 3.8's ``Tokenizer.__call__``:

1. the text is cut into runs of whitespace and of other characters; one plain space after a
   token is that token's trailing whitespace, any other whitespace is a token of its own;
2. each run is a special case, or has prefixes and suffixes taken off it in turn (stopping
   where the rest is a special case), and the rest is a special case, a URL, or split at its
   infixes;
3. special cases that span several of those tokens (``Wh/kg`` after ``(``) are found as token
   sequences and merged, longest first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parents[1] / "resources" / "tokenizer"
_RUNS = re.compile(r"\S+|\s+")
_CACHE_SIZE = 200_000
# Taking affixes off a run copies what is left each time (spaCy's algorithm), so a long run
# of punctuation without whitespace is quadratic: 20,000 "(" take 30 s in spaCy (whose
# suffix expression scans the whole rest each time). Here the suffix scan is short, and a
# text may take affixes off this many characters in all (about a second); beyond that it is
# refused instead of holding the import up for minutes. Natural text stays far below it.
AFFIX_WORK_LIMIT = 100_000_000


class TokenizerLimitError(ValueError):
    """A text whose whitespace-free runs hold too many affixes to tokenize in good time."""


class _Budget:
    """The affix work one text may still do (one per call: the tokenizer is shared)."""

    def __init__(self, left: float) -> None:
        self.left = left

    def spend(self, characters: int) -> None:
        self.left -= characters
        if self.left < 0:
            raise TokenizerLimitError


def rules_path(lang: str) -> Path:
    return RULES_DIR / f"{lang}.json"


def _compiled(rule: Mapping[str, Any] | None) -> re.Pattern[str] | None:
    return None if rule is None else re.compile(rule["pattern"], rule["flags"])


class RuleTokenizer:
    """Tokens of a text by one language's exported rules (see the module's docstring)."""

    def __init__(self, rules: Mapping[str, Any]) -> None:
        self.version: str = rules["tokenizer_version"]
        prefix, suffix = _compiled(rules["prefix"]), _compiled(rules["suffix"])
        infix = _compiled(rules["infix"])
        token_match, url_match = _compiled(rules["token_match"]), _compiled(rules["url_match"])
        self._prefix = prefix.search if prefix else None
        self._suffix = suffix.search if suffix else None
        # A suffix ends the run, so those of at most ``width`` characters need only be
        # looked for at its end: a long run costs a short scan, not one over all of it.
        widths: Mapping[str, Any] | None = rules.get("suffix_widths")
        self._suffix_width: int | None = None
        if widths is not None and suffix is not None:
            self._suffix_width = widths["width"]
            flags = rules["suffix"]["flags"]
            bounded, unbounded = widths["bounded"], widths["unbounded"]
            self._bounded_suffix = re.compile(bounded, flags).search if bounded else None
            self._unbounded_suffix = re.compile(unbounded, flags).search if unbounded else None
        self._infixes = infix.finditer if infix else None
        self._token_match = token_match.match if token_match else None
        self._url_match = url_match.match if url_match else None
        self._specials: dict[str, tuple[str, ...]] = {
            string: tuple(orths) for string, orths in rules["specials"].items()
        }
        self._cache: dict[str, tuple[str, ...]] = {}
        # Special cases whose text the affix rules would cut (``Wh/kg``, ``(Dr.``) are also
        # looked for as token sequences after the runs are split: first token -> sequences.
        self._sequences: dict[str, list[tuple[str, ...]]] = {}
        for string in sorted(self._specials):
            if not rules["faster_heuristics"] or self._cuts(string) or " " in string:
                plain = self._tokens(string, _Budget(float("inf")), specials=False)
                sequence = tuple(piece for piece, _ in plain)
                self._sequences.setdefault(sequence[0], []).append(sequence)

    def _cuts(self, string: str) -> bool:
        return bool(
            self._affix_length(self._prefix, string)
            or (self._infixes and any(True for _ in self._infixes(string)))
            or self._affix_length(self._suffix, string)
        )

    @staticmethod
    def _affix_length(search: Callable[[str], re.Match[str] | None] | None, string: str) -> int:
        match = search(string) if search else None
        return match.end() - match.start() if match else 0

    def _suffix_length(self, string: str) -> int:
        """``suffix_search``'s match length: the suffixes of at most ``width`` characters are
        looked for in the run's last ``width`` characters (each ends the run, so it starts no
        earlier), the few that may be longer (``\\.\\.+``) in all of it. The leftmost start
        wins, as in the one expression: every suffix ends at the run's end (a run with a
        newline, where ``$`` also matches before it, takes the one expression)."""
        width = self._suffix_width
        if width is None or len(string) <= 4 * width + 16 or "\n" in string:
            return self._affix_length(self._suffix, string)
        starts = []
        bounded = (
            self._bounded_suffix(string, len(string) - width) if self._bounded_suffix else None
        )
        if bounded:
            starts.append(bounded.start())
        unbounded = self._unbounded_suffix(string) if self._unbounded_suffix else None
        if unbounded:
            starts.append(unbounded.start())
        return len(string) - min(starts) if starts else 0

    def offsets(self, text: str) -> list[int]:
        """The flat ``[start, end, ws, …]`` triples of the tokens that are not whitespace.
        Raises :class:`TokenizerLimitError` for a text past :data:`AFFIX_WORK_LIMIT`."""
        tokens = self._tokens(text, _Budget(AFFIX_WORK_LIMIT), specials=True)
        flat: list[int] = []
        start = 0
        for piece, space in tokens:
            end = start + len(piece)
            if not piece.isspace():
                flat.extend((start, end, space))
            start = end + space
        return flat

    def _tokens(self, text: str, budget: _Budget, *, specials: bool) -> list[tuple[str, int]]:
        """Every token (whitespace tokens too) as ``(text, trailing space 0/1)``."""
        tokens: list[tuple[str, int]] = []
        split = self._split_cached if specials else self._split_plain
        for match in _RUNS.finditer(text):
            run = match.group()
            if run[0] == " " and tokens:  # the space after a token is its trailing space
                tokens[-1] = (tokens[-1][0], 1)
                run = run[1:]
                if not run:
                    continue
            try:
                tokens.extend((piece, 0) for piece in split(run, budget))
            except TokenizerLimitError:
                raise TokenizerLimitError(
                    f"the {len(run):,} characters without whitespace at character "
                    f"{match.start():,} ({run[:12]!r}…) hold too many punctuation affixes to "
                    "tokenize in good time; break them up with spaces or remove them"
                ) from None
        if specials and self._sequences:
            tokens = self._merge_special_sequences(tokens)
        return tokens

    def _split_cached(self, run: str, budget: _Budget) -> tuple[str, ...]:
        pieces = self._cache.get(run)
        if pieces is None:
            pieces = self._split(run, self._specials, budget)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[run] = pieces
        return pieces

    def _split_plain(self, run: str, budget: _Budget) -> tuple[str, ...]:
        return self._split(run, {}, budget)

    def _split(
        self, run: str, specials: Mapping[str, tuple[str, ...]], budget: _Budget
    ) -> tuple[str, ...]:
        """One run's tokens: affixes off the ends until none is left, then the rest."""
        if run in specials:
            return specials[run]
        prefixes: list[str] = []
        suffixes: list[str] = []
        string, last_length = run, 0
        while string and len(string) != last_length:
            if (self._token_match and self._token_match(string)) or string in specials:
                break
            last_length = len(string)
            budget.spend(last_length)
            pre = self._affix_length(self._prefix, string)
            if pre and len(string) > pre and string[pre:] in specials:
                prefixes.append(string[:pre])
                string = string[pre:]
                break
            suf = self._suffix_length(string[pre:])
            if suf and len(string) > suf and string[:-suf] in specials:
                suffixes.append(string[-suf:])
                string = string[:-suf]
                break
            if pre and suf and pre + suf <= len(string):
                prefixes.append(string[:pre])
                suffixes.append(string[-suf:])
                string = string[pre:-suf]
            elif pre:
                prefixes.append(string[:pre])
                string = string[pre:]
            elif suf:
                suffixes.append(string[-suf:])
                string = string[:-suf]
        pieces = prefixes
        if string:
            pieces.extend(self._core(string, specials))
        pieces.extend(reversed(suffixes))
        return tuple(pieces)

    def _core(self, string: str, specials: Mapping[str, tuple[str, ...]]) -> Iterator[str]:
        """What is left of a run without its affixes: a special case, a URL, or the parts
        between its infixes and the infixes themselves (an infix at the very start is not
        split off; an empty infix splits without a token of its own)."""
        if string in specials:
            yield from specials[string]
            return
        if (self._token_match and self._token_match(string)) or (
            self._url_match and self._url_match(string)
        ):
            yield string
            return
        start = 0
        for match in self._infixes(string) if self._infixes else ():
            infix_start, infix_end = match.span()
            if infix_start == 0:
                continue
            if infix_start != start:
                yield string[start:infix_start]
            if infix_start != infix_end:
                yield string[infix_start:infix_end]
            start = infix_end
        if string[start:]:
            yield string[start:]

    def _merge_special_sequences(self, tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Special cases found as token sequences, merged: the longest first, then the
        earliest; a sequence whose first or last token an earlier one took is skipped (as
        spaCy's ``_filter_special_spans`` does); one whose text has whitespace inside that
        its special case has not stays as it was."""
        found: list[tuple[int, int]] = []
        for i, (piece, _) in enumerate(tokens):
            for sequence in self._sequences.get(piece, ()):
                end = i + len(sequence)
                if end <= len(tokens) and all(
                    tokens[i + k][0] == sequence[k] for k in range(1, len(sequence))
                ):
                    found.append((i, end))
        if not found:
            return tokens
        found.sort(key=lambda span: (span[0] - span[1], span[0]))
        seen: set[int] = set()
        chosen: dict[int, int] = {}
        for start, end in found:
            if start not in seen and end - 1 not in seen:
                chosen[start] = end
            seen.update(range(start, end))
        merged: list[tuple[str, int]] = []
        i = 0
        while i < len(tokens):
            if i not in chosen:
                merged.append(tokens[i])
                i += 1
                continue
            end = chosen[i]
            text = "".join(p + " " * s for p, s in tokens[i : end - 1]) + tokens[end - 1][0]
            special = self._specials.get(text)
            if special is None:
                merged.extend(tokens[i:end])
            else:
                merged.extend((piece, 0) for piece in special[:-1])
                merged.append((special[-1], tokens[end - 1][1]))
            i = end
        return merged


@cache
def rule_tokenizer(lang: str) -> RuleTokenizer:
    """The project tokenizer of ``lang`` from its rules file (cached per language)."""
    path = rules_path(lang)
    try:
        rules = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no tokenizer rules for language {lang!r} ({path})") from None
    return RuleTokenizer(rules)
