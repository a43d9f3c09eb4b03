"""Preparing import records, in this process or in worker processes: reading one-document
files, language, tokens and span alignment — everything an import does before storing.

Nothing here touches the database (the parent process stores), and nothing here imports
spaCy: ``nlp.rule_tokenizer`` makes the project tokens without it. Results are
small and picklable: the record (without its token objects), the language, the tokens as
the flat ``[start, end, ws, …]`` list the database keeps, and a note when tokens were split.
Errors travel as their message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.formats import Limits, ReadOptions, read_file
from core.records import ImportRecord, RecordError
from core.spans import Span, Token
from core.text_rules import nul_offset
from core.tokens import split_at

RECORD_TOKENIZER = "record"
# Names the suggesters cache under (``nlp.suggesters``): an imported source may not take one.
SUGGESTER_NAMES = frozenset({"rules", "de-news", "default"})
SUGGESTER_PREFIXES = ("spacy:", "project-model:")


@dataclass(frozen=True)
class ImportOptions:
    """How files are read and records prepared.

    ``label_map`` renames labels (a ``None`` target drops the label's spans) of spans and
    suggestions alike; ``as_suggestions`` names a source whose cached suggestions the
    records' spans become, instead of annotations.
    """

    limits: Limits = field(default_factory=Limits)
    read: ReadOptions = field(default_factory=ReadOptions)
    label_map: Mapping[str, str | None] = field(default_factory=dict)
    as_suggestions: str | None = None

    def __post_init__(self) -> None:
        name = self.as_suggestions
        if name is None:
            return
        if not name.strip() or name != name.strip() or len(name) > 200:
            raise ValueError(f"suggestion source {name!r}: give a name of 1 to 200 characters")
        if name in SUGGESTER_NAMES or name.startswith(SUGGESTER_PREFIXES):
            raise ValueError(
                f"suggestion source {name!r} is a suggester's name, whose cache it would "
                "overwrite; name the source yourself, e.g. their-model or label-studio:v1"
            )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record ready to store (its spans mapped and aligned to ``tokens``)."""

    record: ImportRecord
    language: str
    tokens: list[int]
    tokenizer_version: str
    note: str | None = None


Outcome = Prepared | str
"""A prepared record, or the message of a record that cannot be imported."""


def prepare_files(paths: Sequence[Path], options: ImportOptions) -> list[list[Outcome]]:
    """Read and prepare one-document files (a worker's task): outcomes per file."""
    return [prepare_items(read_file(path, options.limits, options.read), options) for path in paths]


def prepare_items(
    items: Iterable[ImportRecord | RecordError | Outcome], options: ImportOptions
) -> list[Outcome]:
    """Prepare records in order; errors (as read) pass through as their message, and
    outcomes prepared already as they are."""
    outcomes: list[Outcome] = []
    for item in items:
        if isinstance(item, RecordError | str):
            outcomes.append(str(item))
            continue
        if isinstance(item, Prepared):
            outcomes.append(item)
            continue
        try:
            outcomes.append(prepare(item, options))
        except RecordError as exc:
            outcomes.append(str(exc))
    return outcomes


def prepare(record: ImportRecord, options: ImportOptions) -> Prepared:
    """Give a record its language and tokens and check its spans against them.

    Tokens a record brings (checked against its text by the reader) are kept, and a span
    off them refuses the record. Otherwise the project tokenizer makes the tokens; where a
    span edge falls inside one of them, the token is split there and a note says so, so
    that the file's offsets are kept exactly. Suggestions are held to the same tokens.
    """
    from nlp.language import detect_language
    from nlp.rule_tokenizer import TokenizerLimitError
    from nlp.tokenizer import TOKENIZER_VERSION, token_offsets

    record = _mapped(record, options)
    _refuse_nul(record)
    language = record.meta.get("language")
    if language not in ("de", "en"):
        language = detect_language(record.text)
    spans = [*(record.spans or ()), *(s for found in record.suggestions.values() for s in found)]
    if record.tokens is not None:
        flat, version = _flat(record.tokens), RECORD_TOKENIZER
    else:
        try:
            flat, version = token_offsets(record.text, language), TOKENIZER_VERSION
        except TokenizerLimitError as exc:
            raise RecordError(
                record.source, record.line, str(exc), numbered=record.numbered
            ) from None
    edges = _Boundaries(flat)
    misaligned = [s for s in spans if not edges.fit(s)]
    note = None
    if misaligned and record.tokens is None:
        tokens = split_at(
            _tokens(flat, record.text),
            record.text,
            [x for s in misaligned for x in (s.start, s.end)],
        )
        flat = _flat(tokens)
        shown = ", ".join(f"[{s.start}, {s.end}) {s.label}" for s in misaligned[:3])
        note = (
            f"{record.where}: {len(misaligned)} span(s) fall inside project tokens ({shown}); "
            "tokens split there, span offsets kept"
        )
        edges = _Boundaries(flat)
        misaligned = [s for s in spans if not edges.fit(s)]
    if misaligned:
        span = misaligned[0]
        raise RecordError(
            record.source,
            record.line,
            f"span [{span.start}, {span.end}) {span.label} "
            f"{record.text[span.start : span.end]!r} does not align with the record's tokens",
            numbered=record.numbered,
        )
    return Prepared(dataclasses.replace(record, tokens=None), language, flat, version, note)


def _flat(tokens: Sequence[Token]) -> list[int]:
    flat: list[int] = []
    for t in tokens:
        flat.extend((t.start, t.end, int(t.ws)))
    return flat


def _tokens(flat: Sequence[int], text: str) -> list[Token]:
    return [
        Token(text[flat[i] : flat[i + 1]], flat[i], flat[i + 1], bool(flat[i + 2]))
        for i in range(0, len(flat), 3)
    ]


def _mapped(record: ImportRecord, options: ImportOptions) -> ImportRecord:
    """The record with its labels mapped and, with ``as_suggestions``, its spans turned into
    suggestions of that source (and no annotation)."""
    label_map = options.label_map
    if not label_map and options.as_suggestions is None:
        return record
    spans = None if record.spans is None else _relabel(record.spans, label_map)
    suggestions = {name: _relabel(found, label_map) for name, found in record.suggestions.items()}
    if options.as_suggestions is None:
        return dataclasses.replace(record, spans=spans, suggestions=suggestions)
    source = options.as_suggestions
    if spans:
        theirs = [Span(s.start, s.end, s.label, source) for s in spans]
        suggestions[source] = sorted({*suggestions.get(source, ()), *theirs})
    return dataclasses.replace(
        record,
        spans=None,
        answer=None,
        unanswered=False,
        annotator=None,
        session=None,
        suggestions=suggestions,
    )


def _relabel(spans: Sequence[Span], label_map: Mapping[str, str | None]) -> list[Span]:
    if not label_map:
        return list(spans)
    relabelled = []
    for span in spans:
        label = label_map.get(span.label, span.label)
        if label:
            relabelled.append(
                span if label == span.label else dataclasses.replace(span, label=label)
            )
    return sorted(set(relabelled))


def _refuse_nul(record: ImportRecord) -> None:
    """One rule for every backend: a NUL character (which PostgreSQL cannot store) refuses
    the record, with where it is, instead of a database error later."""
    at = nul_offset(record.text)
    if at is not None:
        raise RecordError(
            record.source,
            record.line,
            f"the text contains a NUL character (U+0000) at offset {at}; Kathode does not "
            "store NUL (PostgreSQL cannot): remove it, e.g. tr -d '\\000'",
            numbered=record.numbered,
        )
    others = {
        "meta": record.meta,
        "annotator": record.annotator,
        "session": record.session,
        "span labels": [span.label for span in record.spans or ()],
        "suggestions": {
            name: [span.label for span in found] for name, found in record.suggestions.items()
        },
    }
    for part, value in others.items():
        if nul_offset(value) is not None:
            raise RecordError(
                record.source,
                record.line,
                f"the record's {part} contain a NUL character (U+0000); Kathode does not "
                "store NUL (PostgreSQL cannot)",
                numbered=record.numbered,
            )


class _Boundaries:
    """Token starts and ends as sets: a span is aligned when both its edges are in them."""

    __slots__ = ("ends", "starts")

    def __init__(self, flat: Sequence[int]) -> None:
        self.starts = set(flat[0::3])
        self.ends = set(flat[1::3])

    def fit(self, span: Span) -> bool:
        return span.start < span.end and span.start in self.starts and span.end in self.ends
