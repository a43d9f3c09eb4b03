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

Version history: ``kathode-tok-1`` first rules; ``kathode-tok-2`` splits ``2030.`` and
``1.5bn``; ``kathode-tok-3`` splits elision hyphens (``Elektrolyt- und``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

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


def _customise(nlp: Language) -> None:
    from spacy.lang.char_classes import ALPHA
    from spacy.symbols import ORTH
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    infixes = [*(nlp.Defaults.infixes or ()), rf"(?<=[{ALPHA}0-9])[{HYPHENS}](?=[{ALPHA}0-9])"]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    prefixes = [*(nlp.Defaults.prefixes or ()), rf"[{HYPHENS}](?=[{ALPHA}])"]  # -verarbeitung
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    units = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    suffixes = [
        *(nlp.Defaults.suffixes or ()),
        r"(?<=[A-Z][A-Z])s",  # GMs -> GM s, CATLs -> CATL s
        rf"(?<=[0-9])(?:{units})",
        rf"(?<=[{ALPHA}0-9])[{HYPHENS}]",  # Elektrolyt- und -> Elektrolyt - und
        r"(?<=[0-9]{4})\.",  # a year ends the sentence: "bis 2030." -> 2030 . (German)
    ]
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
    """The project tokens of ``text``; whitespace tokens are left out."""
    return [
        Token(t.text, t.idx, t.idx + len(t.text), bool(t.whitespace_))
        for t in make_doc(text, lang)
        if not t.is_space
    ]


def token_offsets(text: str, lang: str) -> list[int]:
    """The project tokens of ``text`` as the flat ``[start, end, ws, …]`` list a document
    stores, read from the ``Doc``'s arrays without a ``Token`` object per token (an import
    tokenizes every document: this is several times cheaper than :func:`tokenize`)."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SPACY

    flat: list[int] = []
    for start, length, ws, is_space in (
        make_doc(text, lang).to_array([IDX, LENGTH, SPACY, IS_SPACE]).tolist()
    ):
        if not is_space:
            flat.extend((start, start + length, ws))
    return flat
