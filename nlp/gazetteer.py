"""Name lists as features for the bundled German model: the ``kathode_gazetteer`` component.

Most entities a news model misses are names its training data never showed. This component
marks every token that begins (``B``) or continues (``I``) a listed name of up to
:data:`MAX_TOKENS` tokens, also in the genitive (``Kanadas``, ``Merkels``): a first name
(``FIRST``), surname (``LAST``), place (``LOC``), company (``ORG``) … — the lists and their
names come with the model. The marks go into the token's ``TAG`` (e.g.
``BFIRST|BLOC``), which the pipeline's ``tok2vec`` embeds like any other token attribute,
so the model learns from the data how far to trust each list. The model stays a statistical
model: a listed word is a hint, not a suggestion.

The lists are saved with the pipeline (``kathode_gazetteer/lists.json.gz``). They are built
for training by :mod:`nlp.gazetteer_sources`; at run time nothing but this module is needed.
Loading a pipeline with this component needs this module imported first (it registers the
factory): :func:`nlp.suggesters.pipelines.load_pipeline` does so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import srsly
from spacy.language import Language

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

FACTORY = "kathode_gazetteer"
_KIND = re.compile(r"[A-Z][A-Z0-9_]*")
MAX_TOKENS = 5
LISTS_FILE = "lists.json.gz"


class Gazetteer:
    """Marks tokens covered by listed names in ``token.tag_`` (see the module docstring)."""

    def __init__(self, vocab: Vocab, name: str = FACTORY) -> None:
        self.vocab = vocab
        self.name = name
        self.lists: dict[str, list[str]] = {}
        self._index: dict[str, str] = {}

    def set_lists(self, lists: Mapping[str, Iterable[str]]) -> None:
        """Replace the name lists, e.g. ``{"FIRST": [...], "LOC": [...]}``. A list's name (its
        kind) is written in capitals, digits and ``_``; the marks are ``B``/``I`` + kind."""
        bad = sorted(kind for kind in lists if not _KIND.fullmatch(kind))
        if bad:
            raise ValueError(f"{FACTORY}: list names must be like 'LOC' or 'FIRST', not {bad}")
        self.lists = {kind: sorted(set(names)) for kind, names in sorted(lists.items())}
        index: dict[str, str] = {}
        for kind, names in self.lists.items():  # kinds in order, so joined kinds are sorted
            for entry in names:
                known = index.get(entry)
                index[entry] = kind if known is None else f"{known}|{kind}"
        self._index = index

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        path: str | None = None,
    ) -> None:
        """spaCy's initialization hook: read the lists from ``path`` (JSON, optionally gzip)."""
        if path is not None:
            self.set_lists(_read_lists(Path(path)))

    def matches(self, doc: Doc) -> list[tuple[int, int, str]]:
        """``(start, end, kinds)`` token ranges of listed names in ``doc``, longest first
        from each start; ``kinds`` is ``"|"``-joined."""
        index, text = self._index, doc.text
        found = []
        n = len(doc)
        for i in range(n):
            first = doc[i]
            if not first.text[:1].isupper():
                continue
            start = first.idx
            for j in range(min(n, i + MAX_TOKENS) - 1, i - 1, -1):
                last = doc[j]
                surface = text[start : last.idx + len(last.text)]
                kinds = index.get(surface)
                if kinds is None and surface.endswith("s") and len(surface) > 3:
                    kinds = index.get(surface[:-1])  # genitive: Kanadas, Merkels
                if kinds is not None:
                    found.append((i, j + 1, kinds))
                    break
        return found

    def __call__(self, doc: Doc) -> Doc:
        marks: dict[int, set[str]] = {}
        for start, end, kinds in self.matches(doc):
            for kind in kinds.split("|"):
                marks.setdefault(start, set()).add("B" + kind)
                for i in range(start + 1, end):
                    marks.setdefault(i, set()).add("I" + kind)
        for i, tags in marks.items():
            doc[i].tag_ = "|".join(sorted(tags))
        return doc

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        data: bytes = srsly.msgpack_dumps(self.lists)
        return data

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> Gazetteer:
        self.set_lists(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_gzip_json(path / LISTS_FILE, self.lists, indent=0)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Gazetteer:
        self.set_lists(_read_lists(Path(path) / LISTS_FILE))
        return self


def _read_lists(path: Path) -> dict[str, list[str]]:
    data = srsly.read_gzip_json(path) if path.suffix == ".gz" else srsly.read_json(path)
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError(f"{path}: expected an object of name lists, e.g. {{'LOC': [...]}}")
    return data


@Language.factory(FACTORY)
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    return Gazetteer(nlp.vocab, name)
