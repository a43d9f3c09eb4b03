"""The ``rules`` suggester: a language's pattern set run by spaCy's SpanRuler on project tokens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.spans import Span
from nlp.patterns import PatternSet, load_language_patterns, load_patterns
from nlp.suggesters.base import SuggesterError, keep_longest
from nlp.suggesters.chunking import pieces_of
from nlp.suggesters.pipelines import use_project_tokenizer
from nlp.tokenizer import LANGUAGES, TOKENIZER_VERSION

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPANS_KEY = "kathode_rules"
# Bump when the way matches become spans changes (trimming, overlap rule).
RULES_ENGINE_VERSION = "1"


def rules_pipeline(patterns: PatternSet, lang: str) -> Language:
    """A blank ``lang`` pipeline with the project tokenizer and one ``span_ruler`` holding
    ``patterns``.

    Phrase patterns are tokenized by that pipeline, so they match project tokens
    (``Lithium-Eisenphosphat`` is three tokens in both the pattern and the text). Every
    pattern's ``id`` on the ruler is its index in ``patterns``, so a match leads back to
    its line.
    """
    import spacy

    nlp = spacy.blank(lang)
    use_project_tokenizer(nlp, lang)
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": SPANS_KEY, "annotate_ents": False, "overwrite": True},
    )
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": p.label, "pattern": p.pattern, "id": str(i)}
            for i, p in enumerate(patterns.patterns)
        ]
    )
    return nlp


class RuleSuggester:
    """Suggestions from a pattern set (``Span.source`` = ``rules:<set name>``).

    Overlaps among the matches are resolved by :func:`nlp.suggesters.base.keep_longest`: the
    longer match wins, then the earlier one, then the pattern earlier in the file.
    """

    def __init__(
        self, lang: str, patterns: PatternSet, *, name: str = "rules", batch_size: int = 256
    ) -> None:
        self.name = name
        self.lang = lang
        self.patterns = patterns
        self.labels = patterns.labels
        self.version = (
            f"{patterns.name}@{patterns.version}+{TOKENIZER_VERSION}+r{RULES_ENGINE_VERSION}"
        )
        self.source = f"rules:{patterns.name}"
        self.batch_size = batch_size
        self.nlp = rules_pipeline(patterns, lang)
        self.max_length = self.nlp.max_length
        self._trims = [p.trim_start for p in patterns.patterns]

    @classmethod
    def for_language(cls, lang: str) -> RuleSuggester:
        """The bundled pattern set of ``lang``."""
        if lang not in LANGUAGES:
            raise SuggesterError(f"suggester 'rules': no pattern set for language {lang!r}")
        return cls(lang, load_language_patterns(lang))

    @classmethod
    def from_file(cls, lang: str, path: Path) -> RuleSuggester:
        return cls(lang, load_patterns(path))

    def suggest(self, texts: Sequence[str]) -> list[list[Span]]:
        results: list[list[Span]] = [[] for _ in texts]
        pieces = pieces_of(texts, self.max_length)
        for doc, (index, offset) in self.nlp.pipe(
            pieces, as_tuples=True, batch_size=self.batch_size
        ):
            spans = self.spans_of(doc, offset)
            results[index] = spans if not results[index] else sorted([*results[index], *spans])
        return results

    def spans_of(self, doc: Doc, offset: int = 0) -> list[Span]:
        """The non-overlapping rule spans of a doc the ruler has run over."""
        found = []
        source = self.source
        for match in doc.spans[SPANS_KEY]:
            rank = int(match.id_)
            start = match.start + self._trims[rank]
            first = doc[start]
            span = Span(first.idx + offset, match.end_char + offset, match.label_, source)
            found.append((span, match.end - start, rank))
        return keep_longest(found)
