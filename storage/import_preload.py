"""Imported once by the import workers' fork server: the preparing functions and both project
tokenizers (their rules compiled), so that every worker forked from it starts ready (see
``storage.import_pool``). No spaCy: ``nlp.rule_tokenizer`` runs the tokenizer without it."""

from __future__ import annotations

import storage.import_prepare  # noqa: F401  (the workers' functions)
from nlp.language import detect_language
from nlp.rule_tokenizer import rule_tokenizer
from nlp.tokenizer import LANGUAGES

for _lang in LANGUAGES:
    rule_tokenizer(_lang)
detect_language("warm")
