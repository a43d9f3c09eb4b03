"""spaCy training files from export records: ``train.spacy`` and ``dev.spacy`` (``DocBin``).

Every ``Doc`` is built on the document's own stored tokens, never re-tokenized, so each span,
aligned to those tokens when it was made, becomes an entity with
``doc.char_span(..., alignment_mode="strict")`` and spaCy has nothing to drop (its warning W030).
Text between two tokens that is not a single space becomes whitespace tokens the way spaCy's
own tokenizer makes them (a first space is the previous token's trailing space, the rest is a
token of its own), so ``doc.text`` is exactly the document text; this is checked per document.
Overlapping spans, which ``doc.ents`` cannot hold, are resolved by
:func:`core.exports.overlaps.non_overlapping` and reported by the caller. Tokens outside the
entities are marked ``O`` (not missing): an accepted annotation is complete.

Training on these files with spaCy's CLI should use the project tokenizer too, so that the
predicted tokens are the exported ones (otherwise ``spacy debug data`` reports misaligned
tokens and entities on part of a German compound are lost to training). This file is its own
``--code`` module for that: loaded by spaCy from its path, it registers
``kathode.project_tokenizer.v1`` for the config's ``[nlp.tokenizer]`` block (see
``docs/export.md``).

spaCy is imported inside the functions: it is heavy, and only this export needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.exports.atomic import AtomicFile, commit_all
from core.exports.overlaps import non_overlapping
from core.exports.record import ExportRecord, Written
from core.notes import META_KEY as NOTE_META_KEY
from core.spans import Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

TRAIN_FILE = "train.spacy"
DEV_FILE = "dev.spacy"
_ATTRS = ["ENT_IOB", "ENT_TYPE"]  # ORTH and SPACY are always stored
PROJECT_TOKENIZER = "kathode.project_tokenizer.v1"


class DocTextMismatch(ValueError):
    """The stored tokens do not rebuild the document text (a broken document row)."""


def words_and_spaces(text: str, token_offsets: Sequence[int]) -> tuple[list[str], list[bool]]:
    """``Doc`` words and trailing-space flags whose concatenation is exactly ``text``.

    ``token_offsets`` are flat ``start, end, ws`` triples, sorted and not overlapping; the
    ``ws`` flags are not used, the text itself says what follows each token.
    """
    words: list[str] = []
    spaces: list[bool] = []

    def add_gap(gap: str) -> None:
        if not gap:
            return
        if words and not spaces[-1] and gap[0] == " ":
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)

    position = 0
    for i in range(0, len(token_offsets), 3):
        start, end = token_offsets[i], token_offsets[i + 1]
        add_gap(text[position:start])
        words.append(text[start:end])
        spaces.append(False)
        position = end
    add_gap(text[position:])
    return words, spaces


def training_doc(
    vocab: Vocab, text: str, token_offsets: Sequence[int], spans: Sequence[Span]
) -> Doc:
    """A ``Doc`` of ``text`` on its stored tokens, with ``spans`` (not overlapping) as entities."""
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(text, token_offsets)
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != text:
        raise DocTextMismatch("the stored tokens do not rebuild the document text")
    entities = []
    for span in spans:
        entity = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        if entity is None:
            raise ValueError(
                f"span [{span.start}, {span.end}) {span.text_in(text)!r} ({span.label}) "
                "does not align with the document's tokens"
            )
        entities.append(entity)
    doc.ents = entities  # every other token becomes O
    return doc


class DocBinWriter:
    """Accepted annotations into ``train.spacy`` and ``dev.spacy`` in ``folder`` (created when
    the files are written).

    The ``DocBin`` objects are held in memory until :meth:`commit` (spaCy serialises a
    ``DocBin`` as a whole); then both files are written to temporary names and moved into
    place only after both are complete.
    """

    def __init__(self, folder: Path, dev_documents: Collection[int]) -> None:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        self.folder = Path(folder)
        self._dev_documents = dev_documents
        self._vocab = Vocab()
        # user_data carries a version's note (core.notes), when it has one.
        self._train = DocBin(attrs=_ATTRS, store_user_data=True)
        self._dev = DocBin(attrs=_ATTRS, store_user_data=True)
        self.train_docs = 0
        self.dev_docs = 0

    def add(self, record: ExportRecord) -> Written:
        kept, dropped = non_overlapping(record.spans)
        doc = training_doc(self._vocab, record.text, record.token_offsets, kept)
        note = record.meta.get(NOTE_META_KEY)
        if note:
            doc.user_data[NOTE_META_KEY] = dict(note)
        if record.document_id in self._dev_documents:
            self._dev.add(doc)
            self.dev_docs += 1
        else:
            self._train.add(doc)
            self.train_docs += 1
        return Written(len(kept), tuple(dropped))

    def commit(self) -> list[Path]:
        contents = {TRAIN_FILE: self._train.to_bytes(), DEV_FILE: self._dev.to_bytes()}
        self.folder.mkdir(parents=True, exist_ok=True)
        files: list[AtomicFile] = []
        try:
            for name, data in contents.items():
                files.append(AtomicFile(self.folder / name, binary=True))
                files[-1].write(data)
        except BaseException:
            for file in files:
                file.discard()
            raise
        return commit_all(files)

    def abort(self) -> None:
        """Nothing is on disk before :meth:`commit`, so there is nothing to undo."""


def create_project_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy registry function: a tokenizer factory with the project tokenizer's rules for
    the pipeline's language, on the pipeline's own vocabulary."""
    from spacy.language import create_tokenizer
    from spacy.tokenizer import Tokenizer

    from nlp.tokenizer import blank_pipeline

    make_default = create_tokenizer()

    def make(nlp: Language) -> Tokenizer:
        tokenizer = make_default(nlp)
        project = blank_pipeline(nlp.lang).tokenizer
        assert isinstance(project, Tokenizer)
        tokenizer.from_bytes(project.to_bytes(exclude=["vocab"]), exclude=["vocab"])
        return tokenizer

    return make


def register_project_tokenizer() -> None:
    """Make ``@tokenizers = "kathode.project_tokenizer.v1"`` usable in spaCy configs."""
    from spacy.util import registry

    registry.tokenizers.register(PROJECT_TOKENIZER, func=create_project_tokenizer)


if __name__ != "nlp.docbin":  # loaded from its path by spaCy's ``--code`` option
    register_project_tokenizer()
