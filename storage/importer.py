"""Import orchestration: files and folders in, documents, annotations and suggestions stored.

Readers in ``core.formats`` turn files into records; each record gets its language and tokens
and its spans are checked against them (``storage.import_prepare``) — in worker processes
when ``jobs`` > 1 (``storage.import_pool``) — and the records are stored here, in file
order, in batches: one transaction per batch and a savepoint per record, so a bad record is
refused alone and nothing is ever half-written. The parallel import gives exactly what the
serial one gives: the same documents, tokens, spans, and the same summary in the same order.

At most a few chunks are in flight, so memory stays flat whatever the input's size.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.documents import ANSWER_STATUS, Status
from core.formats import DOCUMENT_SUFFIXES, SUPPORTED_SUFFIXES, Limits, read_file
from core.records import ImportRecord
from core.text_rules import check_annotator_name
from storage.bulk import AnnotationOutcome, ImportEntry, NewAnnotation
from storage.import_pool import PreparePool
from storage.import_prepare import (
    RECORD_TOKENIZER,
    ImportOptions,
    Outcome,
    Prepared,
    prepare_files,
    prepare_items,
)
from storage.repository import ProjectRepository, StorageFullError
from storage.review import ReservedNameError, is_reserved_name
from storage.rows import NewDocument

__all__ = [
    "RECORD_TOKENIZER",
    "ImportOptions",
    "ImportSummary",
    "import_paths",
]

log = logging.getLogger(__name__)

DEFAULT_ANNOTATOR = "imported"
BATCH_SIZE = 1000
# Records per task sent to a worker, and one-document files per task: large enough that
# the pickling is a small share, small enough that a few in flight are little memory.
CHUNK_RECORDS = 250
CHUNK_FILES = 16
CHUNK_CHARS = 1_000_000


@dataclass
class ImportSummary:
    """What an import did: counts, and every file or record it skipped or refused."""

    files: int = 0
    documents_added: int = 0
    duplicates: int = 0
    annotations: int = 0
    merged: int = 0
    spans: int = 0
    suggestions: int = 0
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
            "suggestions": self.suggestions,
            "skipped_files": self.skipped_files,
            "refused": self.refused,
            "notes": self.notes,
            "stopped": self.stopped,
        }


class _Skipped(str):
    """A file skipped (not a supported type): a line of ``skipped_files``."""


class _Refused(str):
    """A path refused before reading: a line of ``refused``."""


class _FileStarted:
    """A file begins: ``summary.files`` counts it where the serial import does."""


_FILE_STARTED = _FileStarted()
_Event = _Skipped | _Refused | _FileStarted
_Unit = _Event | list[Outcome]


def _expand(paths: Iterable[Path]) -> Iterator[Path | _Skipped | _Refused]:
    for path in paths:
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.is_file())
            for child in children:
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
                elif not child.name.startswith("."):
                    yield _Skipped(f"{child}: not a supported file type")
        elif not path.exists():
            yield _Refused(f"{path}: no such file or folder")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield _Skipped(f"{path}: not a supported file type")
        else:
            yield path


def import_paths(
    repo: ProjectRepository,
    paths: Iterable[Path],
    *,
    annotator: str | None = None,
    limits: Limits | None = None,
    options: ImportOptions | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportSummary], None] | None = None,
    jobs: int = 1,
    pool: PreparePool | None = None,
) -> ImportSummary:
    """Import files and folders into the project and say what happened.

    ``jobs`` > 1 reads and tokenizes in that many worker processes (or give a started
    ``pool``); the result is the same as with one. Raises ``InvalidNameError`` (a
    ``ValueError``) for an unusable ``annotator`` name before anything is read.
    """
    if annotator is not None:
        annotator = check_annotator_name(annotator)
    options = options or ImportOptions()
    if limits is not None:
        options = ImportOptions(limits, options.read, options.label_map, options.as_suggestions)
    summary = ImportSummary()
    own_pool = PreparePool(jobs).start() if pool is None and jobs > 1 else None
    try:
        units = _units(paths, options, pool or own_pool)
        _import_into(repo, units, annotator, batch_size, progress, summary)
    except StorageFullError as exc:
        # Every later batch would fail the same way: stop with one message; what was
        # stored before stays stored (each batch is its own transaction).
        summary.stopped = f"import stopped: {exc}"
    except BrokenProcessPool as exc:
        summary.stopped = (
            f"import stopped: a worker process ended unexpectedly ({exc}); try --jobs 1"
        )
    finally:
        if own_pool is not None:
            own_pool.close()
    if progress:
        progress(summary)
    return summary


def _units(
    paths: Iterable[Path], options: ImportOptions, pool: PreparePool | None
) -> Iterator[_Unit]:
    """Events and prepared records in input order; with a pool, a bounded number of tasks
    run ahead in the workers while the caller stores."""
    tasks = _tasks(paths, options)
    if pool is None:
        for task in tasks:
            yield from _run(task, options)
        return
    window: deque[tuple[_Task, Future[Any] | None]] = deque()
    ahead = 2 * pool.jobs
    for task in tasks:
        window.append((task, _submit(pool, task, options)))
        while len(window) > ahead or (window and window[0][1] is None):
            yield from _finish(*window.popleft())
    while window:
        yield from _finish(*window.popleft())


_Task = _Event | tuple[str, list[Any]]


def _tasks(paths: Iterable[Path], options: ImportOptions) -> Iterator[_Task]:
    """The work in order: events, groups of one-document files, chunks of read records."""
    files: list[Path] = []
    for item in _expand(paths):
        if not isinstance(item, Path):
            if files:
                yield ("files", files)
                files = []
            yield item
            continue
        if item.suffix.lower() in DOCUMENT_SUFFIXES:
            files.append(item)
            if len(files) >= CHUNK_FILES:
                yield ("files", files)
                files = []
            continue
        if files:
            yield ("files", files)
            files = []
        yield _FILE_STARTED
        chunk: list[Any] = []
        chars = 0
        for record in read_file(item, options.limits, options.read):
            if not isinstance(record, ImportRecord):
                chunk.append(str(record))
            elif record.tokens is not None:
                # It needs no tokenizer, and its Token objects would cost more to send to
                # a worker than preparing it here does.
                chunk.extend(prepare_items([record], options))
            else:
                chunk.append(record)
                chars += len(record.text)
            if len(chunk) >= CHUNK_RECORDS or chars >= CHUNK_CHARS:
                yield ("records", chunk)
                chunk, chars = [], 0
        if chunk:
            yield ("records", chunk)
    if files:
        yield ("files", files)


def _submit(pool: PreparePool, task: _Task, options: ImportOptions) -> Future[Any] | None:
    if not isinstance(task, tuple):
        return None
    kind, items = task
    if kind == "records" and not any(isinstance(item, ImportRecord) for item in items):
        return None  # all prepared (or refused) already
    if kind == "files":
        return pool.submit(prepare_files, items, options)
    return pool.submit(prepare_items, items, options)


def _run(task: _Task, options: ImportOptions) -> Iterator[_Unit]:
    if not isinstance(task, tuple):
        yield task
        return
    kind, items = task
    if kind == "files":
        for outcomes in prepare_files(items, options):
            yield _FILE_STARTED
            yield outcomes
    else:
        yield prepare_items(items, options)


def _finish(task: _Task, future: Future[Any] | None) -> Iterator[_Unit]:
    if future is None:
        if isinstance(task, tuple):  # records prepared here already
            yield task[1]
        else:
            yield task
        return
    kind, _ = task  # type: ignore[misc]
    result = future.result()
    if kind == "files":
        for outcomes in result:
            yield _FILE_STARTED
            yield outcomes
    else:
        yield result


def _import_into(
    repo: ProjectRepository,
    units: Iterator[_Unit],
    annotator: str | None,
    batch_size: int,
    progress: Callable[[ImportSummary], None] | None,
    summary: ImportSummary,
) -> None:
    batch: list[Prepared] = []
    for unit in units:
        if isinstance(unit, _FileStarted):
            summary.files += 1
        elif isinstance(unit, _Skipped):
            summary.skipped_files.append(str(unit))
        elif isinstance(unit, _Refused):
            summary.refused.append(str(unit))
        else:
            for outcome in unit:
                if isinstance(outcome, str):
                    summary.refused.append(outcome)
                    continue
                if outcome.note:
                    summary.notes.append(outcome.note)
                batch.append(outcome)
                if len(batch) >= batch_size:
                    _store(repo, batch, annotator, summary)
                    batch.clear()
                    if progress:
                        progress(summary)
    if batch:
        _store(repo, batch, annotator, summary)


def _document(item: Prepared) -> NewDocument:
    record = item.record
    return NewDocument(
        text=record.text,
        tokens=(),
        tokenizer_version=item.tokenizer_version,
        language=item.language,
        source=record.source,
        meta=record.meta,
        packed_tokens=item.tokens,
    )


def _store(
    repo: ProjectRepository,
    batch: list[Prepared],
    annotator: str | None,
    summary: ImportSummary,
) -> None:
    stored: list[Prepared] = []
    entries: list[ImportEntry] = []
    for item in batch:
        entry = ImportEntry(
            _document(item), _annotation(item.record, annotator), item.record.suggestions
        )
        if entry.annotation is not None and is_reserved_name(entry.annotation.annotator):
            refusal = ReservedNameError(entry.annotation.annotator)
            summary.refused.append(f"{item.record.where}: {refusal}")
            continue
        stored.append(item)
        entries.append(entry)
    if not entries:
        return
    for item, entry, outcome in zip(stored, entries, repo.import_batch(entries), strict=True):
        record = item.record
        if isinstance(outcome, str):
            summary.refused.append(f"{record.where}: {outcome}")
            continue
        summary.documents_added += outcome.added
        summary.duplicates += not outcome.added
        summary.suggestions += outcome.suggestions_added
        if outcome.annotation is AnnotationOutcome.CONFLICT:
            assert entry.annotation is not None
            summary.refused.append(
                f"{record.where}: {entry.annotation.annotator} already has a "
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
