"""Pre-annotation: run a suggester over a project's documents and cache what it proposes.

Suggestions are cached per (document, suggester name) together with the suggester's version;
a new version (edited patterns, a retrained model, another tokenizer) makes every cached row
stale, and only stale or missing documents are computed again. Works per language, since
each language has its own suggesters; a suggester that cannot be built is reported by name
and the other languages go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from core.spans import Span, Token
from core.tokens import snap_to_tokens
from storage import project_models
from storage.repository import ProjectRepository

if TYPE_CHECKING:
    from nlp.suggesters import Suggester

log = logging.getLogger(__name__)

DEFAULT_SUGGESTER = "default"
PROJECT_MODEL_LATEST = "project-model:latest"
BATCH_SIZE = 32


class SuggestCancelled(Exception):
    """The caller asked to stop; what was computed so far is stored."""


@dataclass
class SuggestSummary:
    documents: int = 0
    spans: int = 0
    errors: list[str] = field(default_factory=list)


def fit_to_tokens(spans: Sequence[Span], tokens: Sequence[Token]) -> list[Span]:
    """Suggestions on a document's own tokens (a document may keep a file's tokens)."""
    fitted: list[Span] = []
    for span in spans:
        snapped = snap_to_tokens(tokens, span.start, span.end)
        if snapped is None:
            continue
        moved = Span(snapped[0], snapped[1], span.label, span.source)
        if not fitted or fitted[-1].end <= moved.start:
            fitted.append(moved)
    return fitted


def suggester_for(url: URL, name: str, language: str) -> Suggester:
    """The suggester ``name`` for ``language`` in the project at ``url``.

    ``project-model:latest`` is the project's newest model of the language; ``default`` is
    the built-in combination, with that model ranked first when its dev F1 beat the built-in
    one's (see ``storage.training``). Suggesters are built once per process and model.
    """
    model = project_models.latest(url, language)
    path = str(model.path) if model is not None else None
    return _built(name, language, path, model.joins_default if model is not None else False)


@lru_cache(maxsize=16)
def _built(name: str, language: str, model_path: str | None, joins_default: bool) -> Suggester:
    from nlp.suggesters import SuggesterError, default_suggester, get_suggester

    if name == PROJECT_MODEL_LATEST:
        if model_path is None:
            raise SuggesterError(
                f"suggester {name!r}: the project has no {language} model yet; train one "
                f"with `uv run main.py train --project P --lang {language}`"
            )
        return get_suggester(f"project-model:{model_path}", language)
    if name == DEFAULT_SUGGESTER and joins_default and model_path is not None:
        return default_suggester(language, first=(f"project-model:{model_path}",))
    return get_suggester(name, language)


def suggestions_for(
    repo: ProjectRepository, document_id: int, name: str = DEFAULT_SUGGESTER
) -> list[Span]:
    """One document's suggestions: from the cache when current, else computed and cached;
    suggestions imported with the document (``IMPORTED_VERSION`` runs) rank first, the
    suggester's fill in where they leave room (one overlap rule: ``merge_ranked``).

    Raises ``SuggesterError`` when the suggester cannot be built for the document's language.
    """
    document = repo.document(document_id)
    imported = repo.imported_suggestions(document_id)
    suggester = suggester_for(repo.url, name, document.language)
    spans = repo.cached_suggestions(document_id, name, suggester.version)
    if spans is None:
        [found] = suggester.suggest([document.text])
        spans = fit_to_tokens(found, document.tokens)
        repo.store_suggestions([(document_id, spans)], name, suggester.version)
    if not imported:
        return spans
    from nlp.suggesters.combine import merge_ranked

    return merge_ranked([*imported.values(), spans])


@dataclass
class ProjectRun:
    """A pre-annotation in steps of one batch, so a caller can do other work in between."""

    summary: SuggestSummary
    total: int
    steps: Iterator[list[tuple[int, list[Span]]]]
    done: int = 0


def start_project_run(
    repo: ProjectRepository,
    name: str = DEFAULT_SUGGESTER,
    *,
    document_ids: Sequence[int] | None = None,
) -> ProjectRun:
    """Plan the documents that lack current suggestions of ``name``; iterate ``steps``."""
    from nlp.suggesters import SuggesterError

    summary = SuggestSummary()
    todo: list[tuple[Suggester, list[int]]] = []
    for language in repo.languages():
        try:
            suggester = suggester_for(repo.url, name, language)
        except SuggesterError as exc:
            summary.errors.append(f"{language}: {exc}")
            continue
        ids = repo.documents_needing_suggestions(name, suggester.version, language)
        if document_ids is not None:
            wanted = set(document_ids)
            ids = [i for i in ids if i in wanted]
        todo.append((suggester, ids))

    def steps() -> Iterator[list[tuple[int, list[Span]]]]:
        for suggester, ids in todo:
            for batch in _batches(ids, BATCH_SIZE):
                documents = [repo.document(i) for i in batch]
                found = suggester.suggest([d.text for d in documents])
                results = [
                    (d.id, fit_to_tokens(spans, d.tokens))
                    for d, spans in zip(documents, found, strict=True)
                ]
                repo.store_suggestions(results, name, suggester.version)
                run.done += len(batch)
                summary.documents += len(batch)
                summary.spans += sum(len(spans) for _, spans in results)
                yield results

    run = ProjectRun(summary, sum(len(ids) for _, ids in todo), steps())
    return run


def suggest_project(
    repo: ProjectRepository,
    name: str = DEFAULT_SUGGESTER,
    *,
    document_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    on_document: Callable[[int, list[Span]], None] | None = None,
) -> SuggestSummary:
    """Compute and cache suggestions of ``name`` for every document that lacks them.

    ``progress(done, total)`` is called after every batch, ``on_document`` for every document
    as soon as its suggestions are stored, and ``cancel()`` is polled between batches.
    """
    run = start_project_run(repo, name, document_ids=document_ids)
    if progress:
        progress(0, run.total)
    while True:
        if cancel and cancel():
            raise SuggestCancelled
        results = next(run.steps, None)
        if results is None:
            return run.summary
        if on_document:
            for document_id, spans in results:
                on_document(document_id, spans)
        if progress:
            progress(run.done, run.total)


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
