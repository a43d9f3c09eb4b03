"""Loading spaCy pipelines for suggestions: bundled models, installed packages, directories.

spaCy is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.suggesters.base import SuggesterError
from nlp.tokenizer import blank_pipeline

if TYPE_CHECKING:
    from spacy.language import Language

MODELS_DIR = Path(__file__).resolve().parents[2] / "resources" / "models"


def use_project_tokenizer(nlp: Language, lang: str) -> None:
    """Give ``nlp`` the project tokenizer's rules for ``lang`` (prefixes, suffixes, infixes,
    special cases), keeping the pipeline's own vocabulary.

    For pipelines trained on project tokens (``de-news``, project models) and the rules
    pipeline, so that they tokenize exactly like :func:`nlp.tokenizer.make_doc`.
    """
    from spacy.tokenizer import Tokenizer

    project, target = blank_pipeline(lang).tokenizer, nlp.tokenizer
    if not isinstance(project, Tokenizer) or not isinstance(target, Tokenizer):
        raise TypeError("the project tokenizer can only replace a spaCy Tokenizer's rules")
    target.from_bytes(project.to_bytes(exclude=["vocab"]), exclude=["vocab"])


def looks_like_path(target: str) -> bool:
    return "/" in target or "\\" in target or target.startswith(".") or Path(target).exists()


def load_pipeline(name: str, target: str | Path) -> Language:
    """Load a spaCy pipeline from a package name or directory.

    Kathode's own components (:mod:`nlp.gazetteer`) are registered first, so pipelines that
    use them load too. Every failure becomes a :class:`SuggesterError` naming the suggester
    ``name``.
    """
    import spacy

    importlib.import_module("nlp.gazetteer")  # registers the kathode_gazetteer factory

    target = str(target)
    if looks_like_path(target) and not Path(target).exists():
        raise SuggesterError(f"suggester {name!r}: no spaCy pipeline at {target} (path not found)")
    try:
        return spacy.load(target)
    except OSError as exc:
        raise SuggesterError(
            f"suggester {name!r}: cannot load spaCy pipeline {target!r}: {exc}"
        ) from exc
    except Exception as exc:  # a broken config or weights file can raise almost anything
        raise SuggesterError(
            f"suggester {name!r}: spaCy pipeline {target!r} is broken: {type(exc).__name__}: {exc}"
        ) from exc


def pipeline_fingerprint(path: Path) -> str:
    """A short hash of everything in a pipeline directory (file names and contents), so a
    pipeline retrained or replaced in place gets a new suggester version."""
    digest = hashlib.blake2b(digest_size=8)
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
