"""The project tokenizers: spaCy's blank German/English tokenizers with rules of our own.

Every stored span is aligned to these tokens, so the rules are versioned: a document
remembers ``TOKENIZER_VERSION`` of the tokens its spans were made with.

Rules on top of spaCy's defaults, in both languages:

* hyphenated compounds split at every hyphen between letters or digits
  (``Lithium-Eisenphosphat-Batterien`` -> ``Lithium - Eisenphosphat - Batterien``,
  ``4680er-Zellen`` -> ``4680er - Zellen``), so a part can be marked on its own;
* German elision hyphens (Ergänzungsstrich) are their own token, trailing or leading
  (``Separatoren-, Elektrolyt- und Anodenmaterial`` -> ``Separatoren - , Elektrolyt - und``;
  ``Förderung und -verarbeitung`` -> ``- verarbeitung``), so the word before or after them
  can be marked without the hyphen;
* acronym genitives and plurals split off their ``s`` (``GMs`` -> ``GM s``, ``CATLs``);
* a number glued to a unit splits (``40GWh`` -> ``40 GWh``, ``$1.5bn`` -> ``1.5 bn``), while
  compound units stay one token (``Wh/kg``, ``kWh/kg``, ``km/h``, ``€/kWh``) and German
  abbreviations keep their period (``1,5 Mrd. Euro``);
* a period after a four-digit number is split off (``bis 2030.``, ``am 14.03.2026.``): German
  keeps ordinals such as ``23.`` whole, but a year with a period ends a sentence.

Stored tokens come from ``nlp.rule_tokenizer``, which runs the same tokenizer without
spaCy over these rules as exported to ``resources/tokenizer/<lang>.json``. After a change of
the rules here, or of spaCy, run ``uv run python -m nlp.tokenizer`` to write them again
(``tests/nlp/test_rule_tokenizer.py`` fails until then).

Version history: ``kathode-tok-1`` first rules; ``kathode-tok-2`` splits ``2030.`` and
``1.5bn``; ``kathode-tok-3`` splits elision hyphens (``Elektrolyt- und``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.spans import Token

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

TOKENIZER_VERSION = "kathode-tok-3"
LANGUAGES = ("de", "en")

HYPHENS = r"\-–‑"
UNITS = (
    "GWh", "MWh", "kWh", "Wh", "GW", "MW", "kW", "W", "Ah", "mAh", "kV", "V",
    "Mt", "kt", "t", "kg", "g", "km", "m", "mm", "µm", "nm", "%", "°C", "bn", "mn",
)  # fmt: skip
COMPOUND_UNITS = (
    "Wh/kg", "Wh/l", "Wh/L", "kWh/kg", "km/h", "mAh/g", "€/kWh", "$/kWh", "USD/kWh",
    "EUR/kWh", "t/a", "GWh/a",
)  # fmt: skip
GERMAN_ABBREVIATIONS = (
    "Mrd.", "Mio.", "Tsd.", "bzw.", "ca.", "Nr.", "Dr.", "Prof.", "Inc.", "Ltd.", "Co.",
    "z.B.", "u.a.", "d.h.", "rd.", "gem.", "Abs.", "Art.", "Jan.", "Feb.", "Aug.", "Sept.",
    "Okt.", "Nov.", "Dez.",
)  # fmt: skip
ENGLISH_ABBREVIATIONS = ("Inc.", "Ltd.", "Co.", "Corp.", "Dr.", "Prof.", "bn.", "mn.", "approx.")


def _affixes(nlp: Language) -> tuple[list[str], list[str], list[str]]:
    """The prefix, suffix and infix expressions: spaCy's defaults and ours."""
    from spacy.lang.char_classes import ALPHA

    def strings(items: Any) -> list[str]:  # spaCy's lists may hold compiled expressions
        return [item if isinstance(item, str) else item.pattern for item in items or ()]

    prefixes = [*strings(nlp.Defaults.prefixes), rf"[{HYPHENS}](?=[{ALPHA}])"]  # -verarbeitung
    units = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    suffixes = [
        *strings(nlp.Defaults.suffixes),
        r"(?<=[A-Z][A-Z])s",  # GMs -> GM s, CATLs -> CATL s
        rf"(?<=[0-9])(?:{units})",
        rf"(?<=[{ALPHA}0-9])[{HYPHENS}]",  # Elektrolyt- und -> Elektrolyt - und
        r"(?<=[0-9]{4})\.",  # a year ends the sentence: "bis 2030." -> 2030 . (German)
    ]
    infixes = [*strings(nlp.Defaults.infixes), rf"(?<=[{ALPHA}0-9])[{HYPHENS}](?=[{ALPHA}0-9])"]
    return prefixes, suffixes, infixes


def _suffix_widths(suffixes: list[str]) -> dict[str, Any]:
    """The suffix expressions split by how long a match can be, for the rule tokenizer's
    scan of long runs: every suffix ends the run, so one of at most ``width`` characters
    starts no earlier than that from the end. (Python's own parser measures the widths;
    this runs only when the rules are exported.)"""
    import re._parser as parser

    pieces = [p for p in suffixes if p.strip()]  # as spaCy's compile_suffix_regex keeps them
    width = {p: parser.parse(p).getwidth()[1] for p in pieces}
    bounded = [p for p in pieces if width[p] < parser.MAXREPEAT]
    return {
        "width": max((width[p] for p in bounded), default=0),
        "bounded": "|".join(p + "$" for p in bounded) or None,
        "unbounded": "|".join(p + "$" for p in pieces if p not in bounded) or None,
    }


def _customise(nlp: Language) -> None:
    from spacy.symbols import ORTH
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    prefixes, suffixes, infixes = _affixes(nlp)
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    abbreviations = GERMAN_ABBREVIATIONS if nlp.lang == "de" else ENGLISH_ABBREVIATIONS
    for special in (*COMPOUND_UNITS, *abbreviations):
        tokenizer.add_special_case(special, [{ORTH: special}])


@cache
def blank_pipeline(lang: str) -> Language:
    """A blank spaCy pipeline for ``lang`` with the project tokenizer (cached per language)."""
    import spacy

    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; Kathode knows {', '.join(LANGUAGES)}")
    nlp = spacy.blank(lang)
    _customise(nlp)
    return nlp


def make_doc(text: str, lang: str) -> Doc:
    """Tokenize ``text`` into a spaCy ``Doc`` with the project tokenizer."""
    nlp = blank_pipeline(lang)
    if len(text) > nlp.max_length:
        nlp.max_length = len(text) + 1  # the tokenizer alone is linear; the limit guards parsers
    return nlp.make_doc(text)


def tokenize(text: str, lang: str) -> list[Token]:
    """The project tokens of ``text``; whitespace tokens are left out. No spaCy: the same
    tokens as :func:`make_doc`'s, from the exported rules (``nlp.rule_tokenizer``)."""
    flat = token_offsets(text, lang)
    return [
        Token(text[flat[i] : flat[i + 1]], flat[i], flat[i + 1], bool(flat[i + 2]))
        for i in range(0, len(flat), 3)
    ]


def token_offsets(text: str, lang: str) -> list[int]:
    """The project tokens of ``text`` as the flat ``[start, end, ws, …]`` list a document
    stores, by ``nlp.rule_tokenizer`` (the same tokens as :func:`make_doc`, without loading
    spaCy: an import of a few records no longer waits half a second for it)."""
    from nlp.rule_tokenizer import rule_tokenizer

    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; Kathode knows {', '.join(LANGUAGES)}")
    tokenizer = rule_tokenizer(lang)
    if tokenizer.version != TOKENIZER_VERSION:  # documents would name rules they were not made by
        raise RuntimeError(
            f"resources/tokenizer/{lang}.json holds the rules of {tokenizer.version}, the code "
            f"is {TOKENIZER_VERSION}: run `uv run python -m nlp.tokenizer`"
        )
    return tokenizer.offsets(text)


def export_rules(lang: str) -> dict[str, Any]:
    """The rules of the project tokenizer of ``lang`` as ``nlp.rule_tokenizer`` reads them:
    the affix and match expressions (pattern and flags) and the special cases' token texts."""
    from spacy import about
    from spacy.attrs import ORTH, intify_attrs
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_suffix_regex

    nlp = blank_pipeline(lang)
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    suffixes = _affixes(nlp)[1]
    assert compile_suffix_regex(suffixes).pattern == tokenizer.suffix_search.__self__.pattern

    def expression(bound: Any) -> dict[str, Any] | None:
        if bound is None:
            return None
        return {"pattern": bound.__self__.pattern, "flags": bound.__self__.flags}

    return {
        "tokenizer_version": TOKENIZER_VERSION,
        "spacy_version": about.__version__,
        "lang": lang,
        "prefix": expression(tokenizer.prefix_search),
        "suffix": expression(tokenizer.suffix_search),
        "suffix_widths": _suffix_widths(suffixes),
        "infix": expression(tokenizer.infix_finditer),
        "token_match": expression(tokenizer.token_match),
        "url_match": expression(tokenizer.url_match),
        "faster_heuristics": tokenizer.faster_heuristics,
        "specials": {
            string: [intify_attrs(spec, _do_deprecated=True)[ORTH] for spec in specs]
            for string, specs in sorted(tokenizer.rules.items())
        },
    }


def write_rules() -> list[Path]:
    """Write ``resources/tokenizer/<lang>.json`` for every language (after a change of the
    rules above or of spaCy: ``uv run python -m nlp.tokenizer``)."""
    from nlp.rule_tokenizer import rules_path

    written = []
    for lang in LANGUAGES:
        path = rules_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(export_rules(lang), ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_rules():
        print(f"wrote {written_path}")
