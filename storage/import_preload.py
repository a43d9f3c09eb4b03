"""Imported once by the import workers' fork server: spaCy and both project tokenizers, so
that every worker forked from it starts ready (see ``storage.import_pool``)."""

from __future__ import annotations

import storage.import_prepare  # noqa: F401  (the workers' functions)
from nlp.language import detect_language
from nlp.tokenizer import LANGUAGES, blank_pipeline

for _lang in LANGUAGES:
    blank_pipeline(_lang)
detect_language("warm")
