"""Import orchestration: files and folders in, documents and annotations stored.

Readers in ``core.formats`` turn files into records; here each record gets its language and
tokens (from the record, or from the project tokenizer), its spans are checked against those
tokens, and records are stored in batches, one transaction per batch and a savepoint per
record, so a bad record is refused alone and nothing is ever half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.documents import ANSWER_STATUS, Status
from core.formats import SUPPORTED_SUFFIXES, Limits, read_file
from core.records import ImportRecord, RecordError
from core.spans import Span, Token
from core.text_rules import check_annotator_name, nul_offset
from core.tokens import split_at
from storage.bulk import AnnotationOutcome, ImportEntry, NewAnnotation
from storage.repository import ProjectRepository, StorageFullError
from storage.review import ReservedNameError, is_reserved_name
from storage.rows import NewDocument

log = logging.getLogger(__name__)

DEFAULT_ANNOTATOR = "imported"
BATCH_SIZE = 1000
RECORD_TOKENIZER = "record"


@dataclass
class ImportSummary:
    """What an import did: counts, and every file or record it skipped or refused."""

    files: int = 0
    documents_added: int = 0
    duplicates: int = 0
    annotations: int = 0
    merged: int = 0
    spans: int = 0
    skipped_files: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Why the import stopped early (a full disk, a read-only project), or None.
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        return not self.refused and self.stopped is None

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "documents_added": self.documents_added,
            "duplicates": self.duplicates,
            "annotations": self.annotations,
            "merged": self.merged,
            "spans": self.spans,
            "skipped_files": self.skipped_files,
            "refused": self.refused,
            "notes": self.notes,
            "stopped": self.stopped,
        }


@dataclass(frozen=True, slots=True)
class _Prepared:
    record: ImportRecord
    document: NewDocument


def expand_paths(paths: Iterable[Path], summary: ImportSummary) -> Iterator[Path]:
    """Files to read: files as given, folders recursively in name order, others skipped."""
    for path in paths:
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.is_file())
            for child in children:
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
                elif not child.name.startswith("."):
                    summary.skipped_files.append(f"{child}: not a supported file type")
        elif not path.exists():
            summary.refused.append(f"{path}: no such file or folder")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            summary.skipped_files.append(f"{path}: not a supported file type")
        else:
            yield path


def import_paths(
    repo: ProjectRepository,
    paths: Iterable[Path],
    *,
    annotator: str | None = None,
    limits: Limits | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import files and folders into the project and say what happened.

    Raises ``InvalidNameError`` (a ``ValueError``) for an unusable ``annotator`` name before
    anything is read.
    """
    if annotator is not None:
        annotator = check_annotator_name(annotator)
    summary = ImportSummary()
    try:
        _import_into(repo, paths, annotator, limits or Limits(), batch_size, progress, summary)
    except StorageFullError as exc:
        # Every later batch would fail the same way: stop with one message; what was
        # stored before stays stored (each batch is its own transaction).
        summary.stopped = f"import stopped: {exc}"
    if progress:
        progress(summary)
    return summary


def _import_into(
    repo: ProjectRepository,
    paths: Iterable[Path],
    annotator: str | None,
    limits: Limits,
    batch_size: int,
    progress: Callable[[ImportSummary], None] | None,
    summary: ImportSummary,
) -> None:
    batch: list[_Prepared] = []
    for path in expand_paths(paths, summary):
        summary.files += 1
        for item in read_file(path, limits):
            if isinstance(item, RecordError):
                summary.refused.append(str(item))
                continue
            try:
                batch.append(prepare(item, summary))
            except RecordError as exc:
                summary.refused.append(str(exc))
                continue
            if len(batch) >= batch_size:
                _store(repo, batch, annotator, summary)
                batch.clear()
                if progress:
                    progress(summary)
    if batch:
        _store(repo, batch, annotator, summary)


def prepare(record: ImportRecord, summary: ImportSummary) -> _Prepared:
    """Give a record its language and tokens and check its spans against them.

    Tokens a record brings (checked against its text by the reader) are kept, and a span
    off them refuses the record. Otherwise the project tokenizer makes the tokens; where a
    span edge falls inside one of them, the token is split there and a note says so, so
    that the file's offsets are kept exactly.
    """
    from nlp.language import detect_language
    from nlp.tokenizer import TOKENIZER_VERSION, tokenize

    _refuse_nul(record)
    language = record.meta.get("language")
    if language not in ("de", "en"):
        language = detect_language(record.text)
    spans = record.spans or []
    if record.tokens is not None:
        tokens, version = record.tokens, RECORD_TOKENIZER
    else:
        tokens, version = tokenize(record.text, language), TOKENIZER_VERSION
    edges = _Boundaries(tokens)
    misaligned = [s for s in spans if not edges.fit(s)]
    if misaligned and record.tokens is None:
        tokens = split_at(tokens, record.text, [x for s in misaligned for x in (s.start, s.end)])
        shown = ", ".join(f"[{s.start}, {s.end}) {s.label}" for s in misaligned[:3])
        summary.notes.append(
            f"{record.source}:{record.line}: {len(misaligned)} span(s) fall inside "
            f"project tokens ({shown}); tokens split there, span offsets kept"
        )
        edges = _Boundaries(tokens)
        misaligned = [s for s in spans if not edges.fit(s)]
    if misaligned:
        span = misaligned[0]
        raise RecordError(
            record.source,
            record.line,
            f"span [{span.start}, {span.end}) {span.label} "
            f"{record.text[span.start : span.end]!r} does not align with the record's tokens",
        )
    document = NewDocument(
        text=record.text,
        tokens=tokens,
        tokenizer_version=version,
        language=language,
        source=record.source,
        meta=record.meta,
    )
    return _Prepared(record, document)


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
        )
    others = {
        "meta": record.meta,
        "annotator": record.annotator,
        "session": record.session,
        "span labels": [span.label for span in record.spans or ()],
    }
    for part, value in others.items():
        if nul_offset(value) is not None:
            raise RecordError(
                record.source,
                record.line,
                f"the record's {part} contain a NUL character (U+0000); Kathode does not "
                "store NUL (PostgreSQL cannot)",
            )


class _Boundaries:
    """Token starts and ends as sets: a span is aligned when both its edges are in them."""

    __slots__ = ("ends", "starts")

    def __init__(self, tokens: list[Token]) -> None:
        self.starts = {t.start for t in tokens}
        self.ends = {t.end for t in tokens}

    def fit(self, span: Span) -> bool:
        return span.start < span.end and span.start in self.starts and span.end in self.ends


def _store(
    repo: ProjectRepository,
    batch: list[_Prepared],
    annotator: str | None,
    summary: ImportSummary,
) -> None:
    stored: list[_Prepared] = []
    entries: list[ImportEntry] = []
    for item in batch:
        entry = ImportEntry(item.document, _annotation(item.record, annotator))
        if entry.annotation is not None and is_reserved_name(entry.annotation.annotator):
            refusal = ReservedNameError(entry.annotation.annotator)
            summary.refused.append(f"{item.record.source}:{item.record.line}: {refusal}")
            continue
        stored.append(item)
        entries.append(entry)
    if not entries:
        return
    for item, entry, outcome in zip(stored, entries, repo.import_batch(entries), strict=True):
        record = item.record
        if isinstance(outcome, str):
            summary.refused.append(f"{record.source}:{record.line}: {outcome}")
            continue
        summary.documents_added += outcome.added
        summary.duplicates += not outcome.added
        if outcome.annotation is AnnotationOutcome.CONFLICT:
            assert entry.annotation is not None
            summary.refused.append(
                f"{record.source}:{record.line}: {entry.annotation.annotator} already has a "
                f"version of this text with another answer; it was kept, and this record's "
                f"{entry.annotation.status.value} version was not stored"
            )
        else:
            summary.annotations += outcome.annotation is AnnotationOutcome.STORED
            summary.merged += outcome.annotation is AnnotationOutcome.MERGED
            summary.spans += outcome.spans_added


def _status_of(record: ImportRecord) -> Status:
    """The answer's status; a record with spans but no answer is accepted work (doccano),
    unless it is an unanswered Prodigy task, which stays open."""
    if record.answer:
        return ANSWER_STATUS[record.answer]
    return Status.OPEN if record.unanswered else Status.ACCEPTED


def _annotation(record: ImportRecord, annotator: str | None) -> NewAnnotation | None:
    if record.spans is None and record.answer is None:
        return None
    return NewAnnotation(
        annotator=record.annotator or annotator or DEFAULT_ANNOTATOR,
        status=_status_of(record),
        spans=record.spans or [],
        session=record.session,
    )
