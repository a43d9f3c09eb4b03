"""The CoNLL/IOB reader (``.conll``, ``.iob``, ``.tsv``): one sentence becomes one document.

Three layouts are recognised: GermEval 2014 (``#`` comment lines, then
``index<TAB>token<TAB>outer-tag<TAB>nested-tag``; the outer tag is used), plain
``token<TAB or spaces>tag``, both with sentences separated by blank lines, and the CSV-quoted
``Sentence<TAB>Slot`` layout (one sentence a line, tokens and tags space-separated). The text is
the tokens joined by single spaces, so every token is exact. Tags are IOB2 or IOB1 (BIOES and
BILOU prefixes are accepted too); labels are kept as written (``LOCderiv``, ``ORGpart``). A bad
line makes the whole sentence a ``RecordError``; the reader goes on at the next sentence.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.formats._io import Limits, Line, iter_lines
from core.records import ImportRecord, RecordError
from core.spans import Span, Token

_TAG = re.compile(r"O|([BIESLU])-(\S+)")
_URL = re.compile(r"https?://\S+")
_DATE = re.compile(r"\[(\d{4}-\d{2}-\d{2})\]")
_CSV_HEADER = ("sentence", "slot")
_GERMEVAL = "GermEval (index, token, tag, nested tag)"
_PAIRS = "token and tag"


class _BadSentence(ValueError):
    """A line that spoils its sentence; the message says why."""


@dataclass
class _Sentence:
    first_line: int | None = None
    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    failed: bool = False


def read_conll(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
    lines = iter_lines(path, limits)
    first = next(lines, None)
    if isinstance(first, tuple) and tuple(first[1].lower().split("\t")) == _CSV_HEADER:
        yield from _read_csv_layout(path, lines, limits)
    elif first is not None:
        yield from _read_column_layout(path, itertools.chain([first], lines), limits)


def _read_column_layout(
    path: Path, lines: Iterator[Line | RecordError], limits: Limits
) -> Iterator[ImportRecord | RecordError]:
    layout: str | None = None  # fixed by the first good line
    sentence = _Sentence()
    for item in lines:
        if isinstance(item, RecordError):  # a line too long spoils its sentence
            yield item
            sentence.failed = True
            continue
        number, line = item
        line = line.rstrip(" \t")
        if not line:
            yield from _finish(path, sentence, limits)
            sentence = _Sentence()
            continue
        if sentence.failed:
            continue
        if sentence.first_line is None:
            sentence.first_line = number
        # Only tabs or ASCII spaces separate columns: a token may hold U+00A0 or U+0085.
        parts = line.split("\t") if "\t" in line else [p for p in line.split(" ") if p]
        if line.startswith("#") and not (len(parts) == 2 and _TAG.fullmatch(parts[1])):
            sentence.comments.append(line[1:].strip())
            continue
        if parts[0] == "-DOCSTART-":  # CoNLL-2003 document marker: not a token
            continue
        try:
            shape = _shape(parts, layout)
            word, tag = (parts[1], parts[2]) if shape == _GERMEVAL else (parts[0], parts[1])
            _check_token(word, tag)
        except _BadSentence as error:
            yield RecordError(path, number, f"{error}; sentence skipped")
            sentence.failed = True
            continue
        layout = shape
        sentence.words.append(word)
        sentence.tags.append(tag)
    yield from _finish(path, sentence, limits)


def _shape(parts: Sequence[str], layout: str | None) -> str:
    if len(parts) in (3, 4) and parts[0].isdigit():
        shape = _GERMEVAL
    elif len(parts) == 2:
        shape = _PAIRS
    else:
        expected = f"the {layout} columns" if layout else "token and tag, or GermEval's 4 columns"
        raise _BadSentence(f"{len(parts)} columns where {expected} were expected: {parts!r:.80}")
    if layout is not None and shape != layout:
        raise _BadSentence(f"{shape} columns in a file of {layout} columns")
    return shape


def _check_token(word: str, tag: str) -> None:
    if not word.strip():
        raise _BadSentence(f"empty or whitespace-only token {word!r}")
    if not _TAG.fullmatch(tag):
        raise _BadSentence(
            f"invalid tag {tag!r}; expected O, B-<label> or I-<label> "
            "(E-, S-, L- and U- are accepted too)"
        )


def _finish(
    path: Path, sentence: _Sentence, limits: Limits
) -> Iterator[ImportRecord | RecordError]:
    if sentence.failed or not sentence.words or sentence.first_line is None:
        return
    meta = _comment_meta(sentence.comments)
    yield _record(path, sentence.first_line, sentence.words, sentence.tags, meta, limits)


def _comment_meta(comments: list[str]) -> dict[str, Any]:
    """GermEval's ``#<TAB>url<TAB>[date]`` lines: the comment, its URL and date if any."""
    meta: dict[str, Any] = {}
    if not comments:
        return meta
    meta["comment"] = "\n".join(comments)
    for comment in comments:
        if "source_url" not in meta and (url := _URL.search(comment)):
            meta["source_url"] = url.group()
        if "date" not in meta and (date := _DATE.search(comment)):
            meta["date"] = date.group(1)
    return meta


def _read_csv_layout(
    path: Path, lines: Iterator[Line | RecordError], limits: Limits
) -> Iterator[ImportRecord | RecordError]:
    """``Sentence<TAB>Slot``: a row whose two fields are both empty is a blank line."""
    for item in lines:
        if isinstance(item, RecordError):
            yield item
            continue
        number, line = item
        if not line.strip(" \t"):
            continue
        try:
            row = next(csv.reader([line], delimiter="\t"))
            if len(row) != 2:
                raise _BadSentence(f"{len(row)} fields where sentence and tags were expected")
            words, tags = row[0].split(" "), row[1].split(" ")
            if len(words) != len(tags):
                raise _BadSentence(f"{len(words)} tokens but {len(tags)} tags")
            for word, tag in zip(words, tags, strict=True):
                _check_token(word, tag)
        except (_BadSentence, csv.Error) as error:
            yield RecordError(path, number, f"{error}; sentence skipped")
            continue
        yield _record(path, number, words, tags, {}, limits)


def _record(
    path: Path,
    line: int,
    words: Sequence[str],
    tags: Sequence[str],
    meta: dict[str, Any],
    limits: Limits,
) -> ImportRecord | RecordError:
    tokens = []
    offset = 0
    for index, word in enumerate(words):
        last = index == len(words) - 1
        tokens.append(Token(word, offset, offset + len(word), ws=not last))
        offset += len(word) + 1
    text = " ".join(words)
    if len(text) > limits.max_text_chars:
        return RecordError(
            path,
            line,
            f"sentence too long: {len(text):,} characters; the limit is {limits.max_text_chars:,}",
        )
    return ImportRecord(
        text=text,
        source=str(path),
        line=line,
        meta=meta,
        spans=spans_from_tags(tokens, tags),
        tokens=tokens,
    )


def spans_from_tags(tokens: Sequence[Token], tags: Sequence[str]) -> list[Span]:
    """Entities from IOB2/IOB1/BIOES tags: B-, S- or U- start one; I-, E- or L- continue one
    of the same label, else start one; E-, L-, S- and U- end theirs."""
    spans: list[Span] = []
    label: str | None = None
    first = 0

    def close(last: int) -> None:
        nonlocal label
        if label is not None:
            spans.append(Span(tokens[first].start, tokens[last].end, label))
            label = None

    for index, tag in enumerate(tags):
        match = _TAG.fullmatch(tag)
        if match is None or tag == "O":
            close(index - 1)
            continue
        prefix, tag_label = match.group(1), match.group(2)
        if not (prefix in "IEL" and tag_label == label):
            close(index - 1)
            label, first = tag_label, index
        if prefix in "ESLU":
            close(index)
    close(len(tags) - 1)
    return spans
