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

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.documents import ANSWER_STATUS, Status
from core.formats import SUPPORTED_SUFFIXES, Limits, read_file
from core.records import ImportRecord, RecordError
from core.spans import Span, Token
from core.tokens import MisalignedSpanError, check_tokens, split_at, token_index
from storage.repository import NewDocument, ProjectRepository

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
    spans: int = 0
    skipped_files: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "documents_added": self.documents_added,
            "duplicates": self.duplicates,
            "annotations": self.annotations,
            "spans": self.spans,
            "skipped_files": self.skipped_files,
            "refused": self.refused,
            "notes": self.notes,
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
    """Import files and folders into the project and say what happened."""
    summary = ImportSummary()
    limits = limits or Limits()
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
    if progress:
        progress(summary)
    return summary


def prepare(record: ImportRecord, summary: ImportSummary) -> _Prepared:
    """Give a record its language and tokens and check its spans against them."""
    from nlp.language import detect_language
    from nlp.tokenizer import TOKENIZER_VERSION, tokenize

    language = record.meta.get("language")
    if language not in ("de", "en"):
        language = detect_language(record.text)
    spans = record.spans or []
    tokens: list[Token]
    if record.tokens is not None:
        problem = check_tokens(record.tokens, record.text)
        if problem:
            raise RecordError(record.source, record.line, f"the record's tokens are wrong: {problem}")
        tokens, version = record.tokens, RECORD_TOKENIZER
        for span in spans:
            _require_aligned(record, tokens, span)
    else:
        tokens, version = tokenize(record.text, language), TOKENIZER_VERSION
        misaligned = [s for s in spans if not _aligned(tokens, s)]
        if misaligned:
            cuts = [x for s in misaligned for x in (s.start, s.end)]
            tokens = split_at(tokens, record.text, cuts)
            shown = ", ".join(f"[{s.start}, {s.end}) {s.label}" for s in misaligned[:3])
            summary.notes.append(
                f"{record.source}:{record.line}: {len(misaligned)} span(s) fall inside "
                f"project tokens ({shown}); tokens split there, span offsets kept"
            )
            for span in spans:
                _require_aligned(record, tokens, span)
    document = NewDocument(
        text=record.text,
        tokens=tokens,
        tokenizer_version=version,
        language=language,
        source=record.source,
        meta=record.meta,
    )
    return _Prepared(record, document)


def _aligned(tokens: list[Token], span: Span) -> bool:
    try:
        token_index(tokens, span.start, span.end)
    except MisalignedSpanError:
        return False
    return True


def _require_aligned(record: ImportRecord, tokens: list[Token], span: Span) -> None:
    if not _aligned(tokens, span):
        raise RecordError(
            record.source,
            record.line,
            f"span [{span.start}, {span.end}) {span.label} "
            f"{record.text[span.start : span.end]!r} does not align with the record's tokens",
        )


def _store(
    repo: ProjectRepository,
    batch: list[_Prepared],
    annotator: str | None,
    summary: ImportSummary,
) -> None:
    with repo.writing() as s:
        for item in batch:
            try:
                with s.begin_nested():
                    _store_one(repo, s, item, annotator, summary)
            except SQLAlchemyError as exc:
                record = item.record
                summary.refused.append(f"{record.source}:{record.line}: not stored: {exc}")


def _store_one(
    repo: ProjectRepository,
    s: Session,
    item: _Prepared,
    annotator: str | None,
    summary: ImportSummary,
) -> None:
    record = item.record
    document_id, added = repo.insert_document(s, item.document)
    saved = True
    spans = record.spans or []
    if record.spans is not None or record.answer is not None:
        name = record.annotator or annotator or DEFAULT_ANNOTATOR
        status = ANSWER_STATUS[record.answer] if record.answer else Status.ACCEPTED
        saved = repo.save_annotation(s, document_id, name, status, spans, record.session)
        if not saved:
            summary.refused.append(
                f"{record.source}:{record.line}: {name} already has a version of this text "
                f"with another status; the existing version was kept"
            )
    # Counted only here, after every write of the record went through.
    summary.documents_added += added
    summary.duplicates += not added
    if saved and (record.spans is not None or record.answer is not None):
        summary.annotations += 1
        summary.spans += len(spans)
