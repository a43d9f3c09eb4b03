"""Suggesters backed by trained spaCy pipelines: ``de-news``, ``spacy:<package-or-path>`` and
``project-model:<path>``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.spans import Span
from nlp.patterns import LABELS
from nlp.suggesters.base import SuggesterError
from nlp.suggesters.chunking import pieces_of
from nlp.suggesters.pipelines import (
    MODELS_DIR,
    load_pipeline,
    looks_like_path,
    pipeline_fingerprint,
    use_project_tokenizer,
)
from nlp.tokenizer import TOKENIZER_VERSION, make_doc

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DE_NEWS_DIR = MODELS_DIR / "de-news"

# Foreign label -> Kathode label for pipelines trained elsewhere (OntoNotes, WikiNER, …).
# Labels missing here (NORP, MISC, EVENT, WORK_OF_ART, LANGUAGE, TIME, CARDINAL, ORDINAL …)
# are dropped. Bump LABEL_MAP_VERSION when this changes.
FOREIGN_LABELS: Mapping[str, str] = {
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "FAC": "FACILITY",
    "PER": "PERSON",
    "PERSON": "PERSON",
    "PRODUCT": "PRODUCT",
    "MONEY": "MONEY",
    "DATE": "DATE",
    "QUANTITY": "QUANTITY",
    "PERCENT": "QUANTITY",
    "LAW": "POLICY",
}
LABEL_MAP_VERSION = "1"


class ModelSuggester:
    """Entities of a spaCy pipeline, as Kathode spans.

    ``project_tokens=True`` is for pipelines trained on project tokens (``de-news``, project
    models): they get the project tokenizer at load time and their entities are project-token
    spans already. Otherwise the pipeline keeps its own tokenizer and each entity is re-aligned
    to the project tokens with ``char_span(..., alignment_mode="contract")``: a suggestion never
    claims characters the model did not mark (a foreign entity ending inside a project token
    loses that token; one that covers no whole project token is dropped).

    The pipeline is loaded by ``load`` when it is first needed (a suggestion, its labels), not
    when the suggester is built: name and version come from the pipeline's ``meta.json``, so a
    document whose suggestions are cached never loads the model. ``label_map`` None takes the
    pipeline's entity labels as they are.
    """

    def __init__(
        self,
        name: str,
        load: Callable[[], Language],
        lang: str,
        label_map: Mapping[str, str] | None,
        *,
        version: str,
        source: str,
        project_tokens: bool,
        batch_size: int = 64,
    ) -> None:
        self.name = name
        self.lang = lang
        self.version = version
        self.source = source
        self.project_tokens = project_tokens
        self.batch_size = batch_size
        self._load = load
        self._wanted = label_map
        self._nlp: Language | None = None
        self._label_map: dict[str, str] = {}
        self._max_length: int | None = None

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def nlp(self) -> Language:
        """The pipeline, loaded on first use; :class:`SuggesterError` if none of its entity
        labels maps to a Kathode label."""
        if self._nlp is None:
            nlp = self._load()
            if self.project_tokens:
                use_project_tokenizer(nlp, self.lang)
            known = entity_labels(nlp)
            wanted = self._wanted if self._wanted is not None else {k: k for k in known}
            label_map = {k: v for k, v in wanted.items() if k in known}
            if not label_map:
                raise SuggesterError(
                    f"suggester {self.name!r}: none of the pipeline's entity labels "
                    f"({', '.join(sorted(known)) or 'none'}) maps to a Kathode label "
                    f"({', '.join(sorted(LABELS))})"
                )
            self._nlp, self._label_map = nlp, label_map
        return self._nlp

    @property
    def label_map(self) -> dict[str, str]:
        self.nlp  # noqa: B018  (loads it)
        return self._label_map

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self.label_map.values())

    @property
    def max_length(self) -> int:
        """Texts longer than this are cut into pieces (the pipeline's own limit by default)."""
        return self._max_length if self._max_length is not None else int(self.nlp.max_length)

    @max_length.setter
    def max_length(self, value: int) -> None:
        self._max_length = value

    def suggest(self, texts: Sequence[str]) -> list[list[Span]]:
        results: list[list[Span]] = [[] for _ in texts]
        pieces = pieces_of(texts, self.max_length)
        for doc, (index, offset) in self.nlp.pipe(
            pieces, as_tuples=True, batch_size=self.batch_size
        ):
            if doc.ents:
                results[index].extend(self.spans_of(doc, offset))
        for spans in results:
            spans.sort()
        return results

    def spans_of(self, doc: Doc, offset: int = 0) -> list[Span]:
        label_map, source = self.label_map, self.source
        spans = []
        project_doc = None
        for ent in doc.ents:
            label = label_map.get(ent.label_)
            if label is None:
                continue
            start, end = ent.start_char, ent.end_char
            if not self.project_tokens:
                project_doc = project_doc or make_doc(doc.text, self.lang)
                aligned = project_doc.char_span(start, end, alignment_mode="contract")
                if aligned is None or not aligned.text.strip():
                    continue
                start, end = aligned.start_char, aligned.end_char
            spans.append(Span(start + offset, end + offset, label, source))
        return spans


def entity_labels(nlp: Language) -> frozenset[str]:
    """The entity labels a pipeline can predict (its ``ner``, ``beam_ner`` and
    ``entity_ruler`` components)."""
    labels: set[str] = set()
    for component, pipe_labels in nlp.pipe_labels.items():
        factory = nlp.get_pipe_meta(component).factory
        if factory in ("ner", "beam_ner", "entity_ruler"):
            labels.update(pipe_labels)
    return frozenset(labels)


def de_news_suggester(lang: str, path: Path = DE_NEWS_DIR) -> ModelSuggester:
    """The bundled German news model (PERSON, ORG, LOC)."""
    name = "de-news"
    if lang != "de":
        raise SuggesterError(f"suggester {name!r} is German-only; it cannot suggest for {lang!r}")
    if not (path / "meta.json").is_file():
        raise SuggesterError(
            f"suggester {name!r}: the bundled model is missing at {path} "
            "(train it with `uv run python -m nlp.train_de_news`)"
        )
    meta_version = _meta(path).get("version", "0.0.0")
    return ModelSuggester(
        name,
        lambda: load_pipeline(name, path),
        lang,
        {label: label for label in LABELS},
        version=f"{meta_version}+{TOKENIZER_VERSION}+{pipeline_fingerprint(path)}",
        source=f"model:de-news@{meta_version}",
        project_tokens=True,
    )


def spacy_suggester(target: str, lang: str) -> ModelSuggester:
    """Any installed spaCy package or pipeline directory, with its labels mapped to ours."""
    name = f"spacy:{target}"
    nlp = load_pipeline(name, target)
    _check_language(name, nlp, lang)
    meta = nlp.meta
    model = f"{meta.get('lang', nlp.lang)}_{meta.get('name', 'pipeline')}"
    model_version = f"{model}@{meta.get('version', '0.0.0')}"
    fingerprint = pipeline_fingerprint(Path(target)) if looks_like_path(target) else "package"
    suggester = ModelSuggester(
        name,
        lambda: nlp,
        lang,
        {**FOREIGN_LABELS, **{label: label for label in LABELS}},
        version=f"{model_version}+{fingerprint}+{TOKENIZER_VERSION}+m{LABEL_MAP_VERSION}",
        source=f"model:{model_version}",
        project_tokens=False,
    )
    suggester.nlp  # noqa: B018  (loaded already: check its labels map now)
    return suggester


def project_model_suggester(path: str, lang: str) -> ModelSuggester:
    """A pipeline the project trained on its own annotations; its labels are the project's
    (the scheme may have labels of its own), taken as they are. Loaded when first needed,
    unless its ``meta.json`` cannot be read: then now, so the error names it at once."""
    name = f"project-model:{path}"
    meta = _meta(Path(path))
    if not meta:
        nlp = load_pipeline(name, Path(path))  # raises SuggesterError for a broken one
        meta = dict(nlp.meta)
    if meta.get("lang") not in (lang, "xx"):
        raise SuggesterError(
            f"suggester {name!r}: the pipeline is for language {meta.get('lang')!r}, not {lang!r}"
        )
    model_version = f"{meta.get('name', Path(path).name)}@{meta.get('version', '0.0.0')}"
    fingerprint = pipeline_fingerprint(Path(path))
    return ModelSuggester(
        name,
        lambda: load_pipeline(name, Path(path)),
        lang,
        None,
        version=f"{model_version}+{fingerprint}+{TOKENIZER_VERSION}",
        source=f"model:{model_version}",
        project_tokens=True,
    )


def _meta(path: Path) -> dict[str, Any]:
    """A pipeline directory's ``meta.json``, or {} when it cannot be read."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _check_language(name: str, nlp: Language, lang: str) -> None:
    if nlp.lang not in (lang, "xx"):
        raise SuggesterError(
            f"suggester {name!r}: the pipeline is for language {nlp.lang!r}, not {lang!r}"
        )
