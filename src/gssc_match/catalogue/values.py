"""Cell text to field values, the way a person means it.

`España`, `Polska` and `ES` are all Spain's or Poland's ISO code; `Español` and `spanish`
are `es`; `TRL 7` is 7; `a; b` and one item per line are lists. A value that cannot be read
raises `Unreadable` with the sentence the organiser will see, with a did-you-mean when one
is close.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from ..errors import UnknownCountryError
from .codes import COUNTRY_CODES, LANGUAGE_CODES
from .columns import CHOICE_ALIASES, Column, ValueKind
from .taxonomy import Taxonomy
from .text import fold

# Names are also looked up in these languages: the mission's six, and those of the
# countries whose clusters and partners fill the sheets (local names: Polska, Deutschland).
NAME_LANGUAGES = (
    "es", "pt", "it", "pl", "vi", "fr", "de", "ca", "nl", "ro", "cs", "sk", "hu", "el",
    "sv", "da", "fi", "et", "lv", "lt", "sl", "hr", "bg", "uk",
)  # fmt: skip
# Autonyms that no translation file gives.
LANGUAGE_EXTRA = {"castellano": "es", "valencia": "ca", "valenciano": "ca", "kriolu": "pt"}
_LEGAL_FORMS = re.compile(
    r"(?:[\s,]+(?:s\.?\s?l\.?\s?u?|s\.?\s?a\.?|s\.?\s?r\.?\s?l\.?|s\.?\s?p\.?\s?a\.?|lda\.?"
    r"|ltda\.?|ltd\.?|limited|llc|inc\.?|gmbh|ag|bv|b\.v\.|nv|sas|sarl|plc|jsc|co\.?"
    r"|sp\.?\s?z\s?o\.?\s?o\.?|s\.?\s?a\.?\s?s\.?|spółka z o\.?\s?o\.?|cong ty|tnhh))+\.?\s*$",
    re.IGNORECASE,
)
_LEGAL_PREFIX = re.compile(r"^\s*công ty(?:\s+(?:tnhh|cổ phần|cp))?\s+", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?:(?:trl|eur|€)\s*[-:]?\s*)?(\d{1,3}(?:[ .,\u00a0\u202f']\d{3})+|\d+)(?:[.,]0+)?"
    r"\s*(?:eur|euros?|€)?"
)
_SLUG_RUN = re.compile(r"[^a-z0-9]+")
MAX_ID = 48


class Unreadable(ValueError):
    """A cell whose text is not a value of its column; the message says why."""


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """A name compared without case, accents, spaces or punctuation."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def split_items(text: str, kind: ValueKind) -> list[str]:
    """A list cell's items: one per line, else separated by `;` (and `,` for codes)."""
    if "\n" in text:
        parts = text.split("\n")
    elif kind in (ValueKind.COUNTRY, ValueKind.LANGUAGE):
        parts = re.split(r"[;,]", text)
    else:
        parts = text.split(";")
    return [part.strip() for part in parts if part.strip()]


def normalise(text: str, column: Column, taxonomy: Taxonomy | None) -> str:
    """One item of a cell as the model expects it; raises Unreadable."""
    kind = column.kind
    if kind is ValueKind.COUNTRY:
        return country_code(text)
    if kind is ValueKind.LANGUAGE:
        return language_code(text)
    if kind is ValueKind.NUMBER:
        return whole_number(text)
    if kind is ValueKind.CHOICE:
        return choice(text, column)
    if kind is ValueKind.CLUSTER and taxonomy is not None:
        return cluster_id(text, taxonomy)
    if kind is ValueKind.TARGET_COUNTRY and taxonomy is not None:
        return target_country(text, taxonomy)
    return text.strip()


def country_code(text: str) -> str:
    """`ES`, `esp`, `Spain`, `España`, `Hiszpania` -> `ES`."""
    if text.strip().upper() in COUNTRY_CODES:
        return text.strip().upper()  # the common case: no need to load the names
    names = _country_names()
    found = names.get(key(text))
    if found:
        return found
    hint = _did_you_mean(text, names, _country_label) or "write its name or ISO code, like ES or PL"
    raise Unreadable(f"'{_shown(text)}' is not a country; {hint}")


def language_code(text: str) -> str:
    """`es`, `spa`, `Spanish`, `Español`, `hiszpański` -> `es`."""
    if text.strip().lower() in LANGUAGE_CODES:
        return text.strip().lower()
    names = _language_names()
    found = names.get(key(text))
    if found:
        return found
    hint = (
        _did_you_mean(text, names, _language_label) or "write its name or ISO code, like es or pl"
    )
    raise Unreadable(f"'{_shown(text)}' is not a language; {hint}")


def whole_number(text: str) -> str:
    """`TRL 7` -> `7`, `90 000 €` -> `90000`, `7.0` -> `7`; anything else is left to the model."""
    match = _NUMBER.fullmatch(fold(text.strip()))
    if match is None:
        return text.strip()
    return re.sub(r"\D", "", match.group(1)).lstrip("0") or "0"


def choice(text: str, column: Column) -> str:
    """A member of a closed list, by its value or a word for it in one of the six languages."""
    wanted = key(text)
    for value in column.choices:
        if wanted in {key(value), *map(key, CHOICE_ALIASES.get(value, ()))}:
            return value
    allowed = ", ".join(column.choices)
    raise Unreadable(f"'{_shown(text)}' is not a {column.header.lower()}; choose one of: {allowed}")


def cluster_id(text: str, taxonomy: Taxonomy) -> str:
    """A cluster by its id, its name or its organisation's name."""
    table = _cluster_spellings(taxonomy)
    found = table.get(key(text))
    if found:
        return found

    def label(cluster: str) -> str:
        return f"{taxonomy.clusters[cluster].name} ({cluster})"

    hint = _did_you_mean(text, table, label) or "choose one of: " + ", ".join(
        sorted(taxonomy.clusters)
    )
    raise Unreadable(f"'{_shown(text)}' is not a cluster; {hint}")


# Per taxonomy (kept alive beside its table, so that an id is never reused): a sheet of
# 10,000 rows must not rebuild the table for every cell.
_CLUSTER_TABLES: dict[int, tuple[Taxonomy, dict[str, str]]] = {}


def _cluster_spellings(taxonomy: Taxonomy) -> dict[str, str]:
    cached = _CLUSTER_TABLES.get(id(taxonomy))
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    table: dict[str, str] = {}
    for cluster in taxonomy.clusters.values():
        for spelling in (cluster.id, cluster.name, cluster.organisation or ""):
            if spelling:
                table.setdefault(key(spelling), cluster.id)
    _CLUSTER_TABLES[id(taxonomy)] = (taxonomy, table)
    return table


def target_country(text: str, taxonomy: Taxonomy) -> str:
    """A mission country by its id, name, ISO code or alias (`Cabo Verde` -> `cape-verde`)."""
    try:
        return taxonomy.resolve_country(text).id
    except UnknownCountryError:
        pass
    table = {
        key(spelling): country.id
        for country in taxonomy.countries.values()
        for spelling in (country.id, country.name, country.iso, *country.aliases)
    }

    def label(country: str) -> str:
        return f"{taxonomy.countries[country].name} ({country})"

    hint = _did_you_mean(text, table, label) or "choose one of: " + ", ".join(
        sorted(taxonomy.countries)
    )
    raise Unreadable(f"'{_shown(text)}' is not a target country; {hint}")


def slug_from(*parts: str) -> str:
    """An id made from names: ASCII-folded, legal forms dropped, at most 48 characters.

    Why drop legal forms: `Acequia Solar S.L.` and `Acequia Solar SL` are one company, and
    an id outlives a change of legal form.
    """
    words = [_LEGAL_PREFIX.sub("", _LEGAL_FORMS.sub("", part)) for part in parts]
    slug = _SLUG_RUN.sub("-", fold(" ".join(words))).strip("-")
    if len(slug) <= MAX_ID:
        return slug
    cut = slug[: MAX_ID + 1].rsplit("-", 1)[0]
    return cut if cut else slug[:MAX_ID]


def _did_you_mean(text: str, table: dict[str, str], label: Callable[[str], str]) -> str | None:
    if not key(text) or not table:
        return None
    best = process.extractOne(key(text), list(table), scorer=fuzz.ratio, score_cutoff=75)
    if best is None:
        return None
    return f"did you mean {label(table[best[0]])}?"


def _shown(text: str) -> str:
    from ..problems import printable

    return printable(text.strip(), limit=40)


@cache
def _country_names() -> dict[str, str]:
    """Folded spelling -> ISO code: codes, English names, and names in NAME_LANGUAGES."""
    import pycountry

    table: dict[str, str] = {}
    countries = [c for c in pycountry.countries if c.alpha_2 in COUNTRY_CODES]
    for country in countries:
        table.setdefault(key(country.alpha_2), country.alpha_2)
    for country in countries:
        for name in _english_names(country):
            table.setdefault(key(name), country.alpha_2)
    for language in NAME_LANGUAGES:
        translate = _translator("iso3166-1", language)
        for country in countries:
            for name in _english_names(country):
                table.setdefault(key(translate(name)), country.alpha_2)
    for country in countries:
        table.setdefault(key(country.alpha_3), country.alpha_2)
    return table


def _english_names(record: object) -> Iterable[str]:
    for attribute in ("common_name", "name", "official_name"):
        value = getattr(record, attribute, None)
        if isinstance(value, str):
            yield value


@cache
def _language_names() -> dict[str, str]:
    """Folded spelling -> ISO 639-1 code, like `_country_names`."""
    import pycountry

    table: dict[str, str] = {}
    languages = [
        lang for lang in pycountry.languages if getattr(lang, "alpha_2", None) in LANGUAGE_CODES
    ]
    for language in languages:
        table.setdefault(key(language.alpha_2), language.alpha_2)
    for language in languages:
        for name in _english_names(language):
            table.setdefault(key(name), language.alpha_2)
            table.setdefault(key(name.split(";")[0]), language.alpha_2)
    for locale in NAME_LANGUAGES:
        translate = _translator("iso639-3", locale)
        for language in languages:
            table.setdefault(key(translate(language.name)), language.alpha_2)
    for language in languages:
        table.setdefault(key(language.alpha_3), language.alpha_2)
    for name, code in LANGUAGE_EXTRA.items():
        table.setdefault(key(name), code)
    return table


def _translator(domain: str, language: str) -> Callable[[str], str]:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, [language], fallback=True).gettext


def _country_label(code: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or getattr(country, "name", code)
    return f"{name} ({code})"


def _language_label(code: str) -> str:
    import pycountry

    language = pycountry.languages.get(alpha_2=code)
    return f"{getattr(language, 'name', code)} ({code})"
