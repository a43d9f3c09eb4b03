"""A small annotated battery-news corpus for the export tests, and the project built from it.

Entities are marked ``[text](LABEL)`` in sentences written for these tests; some sentences
have double spaces and line breaks, and several mark part of a hyphenated compound, which
only the project tokenizer makes markable (spaCy's own German tokenizer keeps it whole).
"""

from __future__ import annotations

import re
from pathlib import Path

from core.documents import Status
from core.spans import Span
from nlp.tokenizer import TOKENIZER_VERSION, tokenize
from storage.repository import ProjectRepository
from storage.rows import NewDocument

GERMAN = [
    "[CATL](ORG) baut in [Arnstadt](LOC) ein Werk für [LFP](CHEMISTRY)-Zellen.",
    "[Volkswagen](ORG) steigt bei [Gotion](ORG) ein und plant Zellen in [Salzgitter](LOC).",
    "[Northvolt](ORG) meldet Insolvenz an;  die Fabrik in [Heide](LOC) wackelt.",
    "Die [Natrium-Ionen](CHEMISTRY)-Batterie von [BYD](ORG) geht [2025](DATE) in Serie.",
    "[BMW](ORG) bestellt Rundzellen bei [CATL](ORG) und [EVE Energy](ORG).",
    "[Tesla](ORG) erweitert die [Gigafactory Grünheide](FACILITY) um [100 GWh](QUANTITY).",
    "[Umicore](ORG) verschiebt das Kathodenwerk in [Ontario](LOC).",
    "Der Preis für [Lithiumcarbonat](MATERIAL) fiel auf [10.000 Dollar](MONEY) je Tonne.",
    "[Mercedes-Benz](ORG) testet [Festkörper](CHEMISTRY)-Akkus von [Factorial](ORG).",
    "Die [EU-Batterieverordnung](POLICY) verlangt ab [2027](DATE) Recyclingquoten.",
    "[Porsche](ORG) übernimmt [Cellforce](ORG)\nund baut in [Kirchentellinsfurt](LOC).",
    "[SVOLT](ORG) gibt das Werk im [Saarland](LOC) auf.",
    "[Ford](ORG) nutzt [LFP](CHEMISTRY)-Zellen von [CATL](ORG) in [Michigan](LOC).",
    "[Stellantis](ORG) und [Samsung SDI](ORG) bauen eine zweite Fabrik in [Indiana](LOC).",
    "Der [Anodengraphit](MATERIAL) kommt künftig aus [Mosambik](LOC).",
    "[ACC](ORG) stoppt die Pläne für [Kaiserslautern](LOC) vorerst.",
    "[Varta](ORG) braucht frisches Geld von [Porsche](ORG).",
    "[GMs](ORG) Zellen kommen künftig von [LG Energy Solution](ORG).",
    "Das [Blade](PRODUCT)-Pack von [BYD](ORG) hält [150 Wh/kg](QUANTITY).",
    "[Leclanché](ORG) liefert Speicher für Fähren nach [Norwegen](LOC).",
]
ENGLISH = [
    "[CATL](ORG) unveils the [Shenxing](PRODUCT) battery with [LFP](CHEMISTRY) cells.",
    "[General Motors](ORG) will import [LFP](CHEMISTRY) packs from [China](LOC).",
    "[Panasonic](ORG) opens its plant in [De Soto](LOC), [Kansas](LOC).",
    "[Redwood Materials](ORG) recycles [nickel](MATERIAL) and [cobalt](MATERIAL) in [Nevada](LOC).",
    "[LG Energy Solution](ORG) signs a deal with [Toyota](ORG) worth [$1 billion](MONEY).",
    "[QuantumScape](ORG) ships  [solid-state](CHEMISTRY) samples to [Volkswagen](ORG).",
    "[Albemarle](ORG) pauses the [Kings Mountain](FACILITY) mine expansion.",
    "[SK On](ORG) and [Ford](ORG) split their [BlueOval SK](ORG) venture.",
    "[Rivian](ORG) switches to [LFP](CHEMISTRY) for the standard-range [R1T](PRODUCT) pickup.",
    "The [Inflation Reduction Act](POLICY) pays [$35](MONEY) per kWh of cells.",
    "[Northvolt](ORG) files for bankruptcy in [Sweden](LOC)\nafter losing [BMW](ORG).",
    "[Tesla](ORG) ramps the [4680](PRODUCT) cell at [Giga Texas](FACILITY).",
    "[Samsung SDI](ORG) plans [46-series](PRODUCT) cylindrical cells from [2025](DATE) on.",
    "[Lyten](ORG) buys the [Northvolt Dwa](FACILITY) factory in [Poland](LOC).",
    "[BYD](ORG) overtakes [Tesla](ORG) in battery-electric sales.",
    "[Piedmont Lithium](ORG) delays its [North Carolina](LOC) project.",
    "[Our Next Energy](ORG) cuts staff in [Michigan](LOC).",
    "[Sila](ORG) starts making silicon anodes in [Moses Lake](LOC).",
    "[CATL](ORG) says its sodium-ion cells reach [160 Wh/kg](QUANTITY).",
    "[Hyundai](ORG) and [SK On](ORG) build a [35 GWh](QUANTITY) plant in [Georgia](LOC).",
]
_MARK = re.compile(r"\[([^\]]+)\]\(([A-Z]+)\)")


def unmark(marked: str) -> tuple[str, list[Span]]:
    """The plain text and its spans of a sentence marked ``[text](LABEL)``."""
    text, spans, position = "", [], 0
    for match in _MARK.finditer(marked):
        text += marked[position : match.start()]
        spans.append(Span(len(text), len(text) + len(match.group(1)), match.group(2)))
        text += match.group(1)
        position = match.end()
    return text + marked[position:], spans


def corpus(*, pairs: bool = False) -> list[tuple[str, str, list[Span]]]:
    """``(language, text, spans)`` for every sentence, German first.

    With ``pairs``, also 80 two-sentence documents: each sentence followed by the next one
    and by the third one after it in its language (joined by a space, or by a blank line),
    for tests that need more documents than the 40 sentences.
    """
    items = [("de", *unmark(m)) for m in GERMAN] + [("en", *unmark(m)) for m in ENGLISH]
    if not pairs:
        return items
    for lang, sentences in (("de", GERMAN), ("en", ENGLISH)):
        for step, glue in ((1, " "), (3, "\n\n")):
            for i, first in enumerate(sentences):
                second = sentences[(i + step) % len(sentences)]
                items.append((lang, *unmark(first + glue + second)))
    return items


def build_project(path: Path, *, annotator: str = "ana", pairs: bool = False) -> ProjectRepository:
    """A project with every corpus document, accepted by ``annotator``."""
    repo = ProjectRepository.open(path)
    items = corpus(pairs=pairs)
    documents = [
        NewDocument(text, tokenize(text, lang), TOKENIZER_VERSION, lang, "corpus", {"n": i})
        for i, (lang, text, _) in enumerate(items)
    ]
    ids = [doc_id for doc_id, _ in repo.add_documents(documents)]
    for doc_id, (_, _, spans) in zip(ids, items, strict=True):
        for span in spans:
            repo.add_span(doc_id, annotator, span)
        repo.set_status(doc_id, annotator, Status.ACCEPTED)
    return repo


def test_export_corpus_spans_lie_on_project_tokens() -> None:
    for lang, text, spans in corpus(pairs=True):
        tokens = tokenize(text, lang)
        starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
        for span in spans:
            assert span.start in starts and span.end in ends, (text, span)
    assert len(corpus()) == 40
    assert len({text for _, text, _ in corpus(pairs=True)}) == 120


def test_export_corpus_marks_parts_of_compounds_spacy_would_keep_whole() -> None:
    import spacy

    text, [_, _, lfp] = unmark(GERMAN[0])
    assert lfp.text_in(text) == "LFP"
    doc = spacy.blank("de").make_doc(text)
    assert doc.char_span(lfp.start, lfp.end, alignment_mode="strict") is None
