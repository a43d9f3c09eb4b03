"""CoNLL (IOB2) from export records: ``token<TAB>tag`` per line, a blank line after each document.

Tokens are the document's stored tokens. A CoNLL line cannot hold whitespace, so a
whitespace-only token (a stored newline token, say) is skipped and counted, and a token with
whitespace inside is written as its pieces, the later pieces continuing the first one's entity.
IOB cannot express overlapping entities: those are resolved by
:func:`core.exports.overlaps.non_overlapping` and the dropped spans reported. Whitespace inside
a label becomes ``_``.

A version's note (comment and flag) comes first as ``# flag = …`` and ``# comment = …``
lines, which CoNLL readers (Kathode's too) pass over as comments.

With ``sentences=True`` a blank line also separates sentences: a sentence ends after a token
``.``, ``!`` or ``?`` followed by a token that starts with an upper-case letter, or wherever the
text between two tokens holds a newline, but never inside an entity.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.exports.overlaps import non_overlapping
from core.exports.record import ExportRecord, Written, token_range
from core.notes import META_KEY as NOTE_META_KEY
from core.spans import Span

SENTENCE_ENDS = frozenset({".", "!", "?"})


def conll_block(record: ExportRecord, *, sentences: bool = False) -> tuple[str, Written]:
    """The record's lines (ending in the blank line that closes it) and what was written."""
    text, flat = record.text, record.token_offsets
    kept, dropped = non_overlapping(record.spans)
    tags = _tags(record, kept)
    lines: list[str] = []
    skipped = 0
    previous_end: int | None = None
    previous_word = ""
    for index, tag in enumerate(tags):
        start, end = flat[3 * index], flat[3 * index + 1]
        pieces = text[start:end].split()
        if not pieces:
            skipped += 1
            nxt = index + 1
            if tag.startswith("B-") and nxt < len(tags) and tags[nxt] == "I-" + tag[2:]:
                tags[nxt] = tag  # the entity begins at its first token that can be written
            continue
        if (
            sentences
            and previous_end is not None
            and not tag.startswith("I-")
            and _sentence_break(previous_word, pieces[0], text[previous_end:start])
        ):
            lines.append("")
        lines.append(f"{pieces[0]}\t{tag}")
        inside = "O" if tag == "O" else "I-" + tag[2:]
        lines.extend(f"{piece}\t{inside}" for piece in pieces[1:])
        previous_end, previous_word = end, pieces[-1]
    block = "\n".join(lines) + "\n\n" if lines else ""
    if block:
        block = _note_lines(record) + block
    return block, Written(len(kept), tuple(dropped), skipped)


def _note_lines(record: ExportRecord) -> str:
    note = record.meta.get(NOTE_META_KEY)
    if not isinstance(note, dict):
        return ""
    return "".join(
        f"# {key} = {' '.join(str(note[key]).split())}\n"
        for key in ("flag", "comment")
        if key in note
    )


def _tags(record: ExportRecord, kept: Sequence[Span]) -> list[str]:
    """One IOB2 tag per stored token, from non-overlapping spans."""
    flat = record.token_offsets
    starts, ends = flat[0::3], flat[1::3]
    tags = ["O"] * len(starts)
    for span in kept:
        first, last = token_range(starts, ends, span, record.text)
        label = "_".join(span.label.split())
        tags[first] = f"B-{label}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{label}"
    return tags


def _sentence_break(previous_word: str, word: str, between: str) -> bool:
    if "\n" in between:
        return True
    return previous_word in SENTENCE_ENDS and word[:1].isupper()
