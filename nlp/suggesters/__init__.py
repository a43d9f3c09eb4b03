"""Entity suggestions for Kathode: one :class:`Suggester` interface and its built-ins.

``get_suggester(name, lang)`` knows:

* ``rules`` — the language's pattern set (``resources/patterns/<lang>.jsonl``);
* ``de-news`` — the bundled German news model (``resources/models/de-news``), German only;
* ``spacy:<package-or-path>`` — any installed spaCy package or pipeline directory, its labels
  mapped to ours (GPE→LOC, FAC→FACILITY, LAW→POLICY …);
* ``project-model:<path>`` — a pipeline the project trained on its own annotations
  (``project-model:latest``, the project's newest, is resolved by ``storage.suggest``);
* ``default`` — :func:`default_suggester`: rules + de-news for German, rules for English
  (``storage.suggest`` ranks the project model first when it beat them).

Every suggester returns, per text, sorted non-overlapping spans on project tokens, each with
its ``source`` (``rules:<lang>-patterns``, ``model:<name>@<version>``). Texts longer than a
pipeline's ``max_length`` are cut at paragraph/sentence boundaries and the spans shifted back.
Importing this package does not import spaCy; building a suggester does (a second or two for a
model). A suggester holds spaCy pipelines, which are not thread-safe: use one from one thread
at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from nlp.suggesters.base import Suggester, SuggesterError
from nlp.suggesters.combine import CombinedSuggester
from nlp.tokenizer import LANGUAGES

__all__ = [
    "CombinedSuggester",
    "Suggester",
    "SuggesterError",
    "build_suggesters",
    "default_suggester",
    "get_suggester",
]

log = logging.getLogger(__name__)

DEFAULT_MEMBERS = {"de": ("rules", "de-news"), "en": ("rules",)}
KNOWN_NAMES = "rules, de-news, default, spacy:<package-or-path>, project-model:<path>"


def get_suggester(name: str, lang: str) -> Suggester:
    """The suggester called ``name`` for texts in ``lang``; raises :class:`SuggesterError`
    (naming it) when it cannot be built."""
    if lang not in LANGUAGES:
        raise SuggesterError(f"suggester {name!r}: unsupported language {lang!r}")
    if name == "rules":
        from nlp.patterns import PatternError
        from nlp.suggesters.rules import RuleSuggester

        try:
            return RuleSuggester.for_language(lang)
        except PatternError as exc:
            raise SuggesterError(f"suggester 'rules': {exc}") from exc
    if name == "default":
        return default_suggester(lang)
    if name == "de-news":
        from nlp.suggesters.models import de_news_suggester

        return de_news_suggester(lang)
    kind, _, target = name.partition(":")
    if kind == "spacy" and target:
        from nlp.suggesters.models import spacy_suggester

        return spacy_suggester(target, lang)
    if kind == "project-model" and target:
        from nlp.suggesters.models import project_model_suggester

        return project_model_suggester(target, lang)
    raise SuggesterError(f"unknown suggester {name!r}; known: {KNOWN_NAMES}")


def default_suggester(
    lang: str, *, first: Sequence[str] = (), extra: Sequence[str] = ()
) -> Suggester:
    """The default combination for ``lang``: any ``first`` suggester names (a project model
    that beat the built-ins), then ``rules`` + ``de-news`` for German, ``rules`` for English,
    then any ``extra`` names, ranked in that order (see :mod:`nlp.suggesters.combine` for the
    overlap rule). Raises :class:`SuggesterError` if a member cannot be built; use
    :func:`build_suggesters` to keep going without it."""
    if lang not in DEFAULT_MEMBERS:
        raise SuggesterError(f"suggester 'default': unsupported language {lang!r}")
    names = (*first, *DEFAULT_MEMBERS[lang], *extra)
    members = [get_suggester(name, lang) for name in names]
    return CombinedSuggester(members, name="default")


def build_suggesters(
    names: Iterable[str], lang: str
) -> tuple[list[Suggester], list[SuggesterError]]:
    """Build every named suggester that loads; return those and the errors of the others, so
    a caller can keep working with what it has."""
    built: list[Suggester] = []
    errors: list[SuggesterError] = []
    for name in names:
        try:
            built.append(get_suggester(name, lang))
        except SuggesterError as exc:
            log.warning("%s", exc)
            errors.append(exc)
    return built, errors
