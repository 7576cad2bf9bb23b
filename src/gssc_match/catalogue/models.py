"""The records of a catalogue: frozen, strict pydantic models fed with plain strings.

Every scalar arrives as a string (see `yamlsafe`), so each field type below says how a
string becomes a value and gives the message an SME will read when it cannot.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    WithJsonSchema,
)

from .codes import COUNTRY_CODES, LANGUAGE_CODES, code_for_country_name

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_WHOLE = re.compile(r"[0-9]{1,12}")
_EMAIL = re.compile(r"[^\s@\"<>(),;:\\]+@[^\s@\"<>(),;:\\.]+(?:\.[^\s@\"<>(),;:\\.]+)+")
_FORMULA_START = ("=", "+", "-", "@")

LANGUAGES_OF_TAXONOMY = ("en", "es", "pt", "vi", "it", "pl")


def _slug(value: str) -> str:
    if len(value) > 64 or not _SLUG.fullmatch(value):
        raise ValueError("must be a lowercase slug: letters a-z, digits and single hyphens")
    return value


def _line(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line")
    if len(value) > 200:
        raise ValueError("must be at most 200 characters")
    return value.strip()


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > 20_000:
        raise ValueError("must be at most 20,000 characters")
    return value.strip()


def _name(value: str) -> str:
    value = _line(value)
    if value.startswith(_FORMULA_START):
        raise ValueError("must not start with =, +, - or @ (spreadsheets run it as a formula)")
    return value


def _country_code(value: str) -> str:
    if value.upper() not in COUNTRY_CODES:
        code = code_for_country_name(value)
        hint = f"; did you mean {code}?" if code else ", like ES or PL"
        raise ValueError(f"'{value[:20]}' is not an ISO 3166-1 alpha-2 country code{hint}")
    return value.upper()


def _language_code(value: str) -> str:
    if value.lower() not in LANGUAGE_CODES:
        raise ValueError(f"'{value[:20]}' is not an ISO 639-1 language code, like es or pl")
    return value.lower()


def _url(value: str) -> str:
    if len(value) > 500 or not _URL.fullmatch(value):
        raise ValueError("must be a web address starting with http:// or https://")
    return value


def _email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError("must be an e-mail address like name@example.com")
    if value.startswith(_FORMULA_START):
        raise ValueError("must not start with =, +, - or @ (spreadsheets run it as a formula)")
    return value


def _whole_number(value: object) -> object:
    if isinstance(value, str) and not _WHOLE.fullmatch(value.strip()):
        raise ValueError("must be a whole number written with digits only (no sign, dot or unit)")
    return value


# The JSON Schema of each type says what its validator accepts, for editors (see `schema`).
# Patterns are written for both ECMAScript and Python `re.search`: `(?![\s\S])` ends the
# text (Python's `$` also matches before a final newline), `[Ee][Ss]` ignores case.
_END = r"(?![\s\S])"
_ONE_LINE = r"^(?![\s\S]*[\r\n])"


def _any_case(codes: frozenset[str]) -> str:
    """A pattern for exactly these codes, in any case."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" for c in code) for code in sorted(codes))
    return f"^(?:{'|'.join(spelled)}){_END}"


def _string(pattern: str, max_length: int | None = None, **more: str) -> WithJsonSchema:
    schema: dict[str, object] = {"type": "string", "pattern": pattern, **more}
    if max_length is not None:
        schema["maxLength"] = max_length
    return WithJsonSchema(schema)


Slug = Annotated[str, AfterValidator(_slug), _string(f"^{_SLUG.pattern}{_END}", 64)]
Line = Annotated[str, AfterValidator(_line), _string(_ONE_LINE + r"\s*\S", 200)]
Text = Annotated[str, AfterValidator(_text), _string(r"\S", 20_000)]
Name = Annotated[str, AfterValidator(_name), _string(_ONE_LINE + r"\s*[^\s=+\-@]", 200)]
CountryCode = Annotated[str, AfterValidator(_country_code), _string(_any_case(COUNTRY_CODES))]
LanguageCode = Annotated[str, AfterValidator(_language_code), _string(_any_case(LANGUAGE_CODES))]
Url = Annotated[
    str, AfterValidator(_url), _string(r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#]\S*" + _END, 500)
]
# The same rule for editors: the JSON Schema carries it as a pattern.
_EMAIL_SCHEMA = {"type": "string", "maxLength": 254, "pattern": f"^(?![=+\\-@]){_EMAIL.pattern}$"}
Email = Annotated[str, AfterValidator(_email), WithJsonSchema(_EMAIL_SCHEMA)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""In the JSON Schema: an integer, or digits as text (see `schema._whole_numbers`)."""


class Record(BaseModel):
    """Base for every file schema: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Contact(Record):
    """Who to invite from an SME; left out of every export unless asked for."""

    name: Name = Field(description="A person's name, on one line.")
    email: Email = Field(description="Their e-mail address.")


class Sme(Record):
    """An SME's profile: what it offers, in its own words."""

    id: Slug = Field(description="Lowercase slug; equals the file name without .yaml.")
    name: Name = Field(description="Company name as it should appear in a shortlist.")
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 code of the home country.")
    cluster: Slug = Field(description="One of the clusters in the taxonomy file.")
    description: Text = Field(description="What the company does, in any language.")
    offerings: list[Line] = Field(min_length=1, description="Short lines, one per product.")
    tags: list[Line] = Field(default_factory=list, description="Free keywords, any language.")
    languages: list[LanguageCode] = Field(min_length=1, description="ISO 639-1 codes.")
    markets: list[CountryCode] = Field(default_factory=list, description="Where it operates.")
    trl: WholeNumber | None = Field(default=None, ge=1, le=9, description="1-9.")
    website: Url | None = None
    contact: Contact | None = Field(
        default=None, description="Name and e-mail for invitations (exported with --with-contacts)."
    )


class Priority(StrEnum):
    """How urgent a need is for the city."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Need(Record):
    """A city's need, written as the city would put it."""

    id: Slug = Field(description="Lowercase slug; equals the file name without .yaml.")
    country: Slug = Field(description="Target country id; equals the folder name.")
    city: Line
    title: Line
    title_en: Line | None = Field(
        default=None, description="The title in English, for a need written in another language."
    )
    description: Text
    language: LanguageCode = Field(description="ISO 639-1 code of the title and description.")
    tags: list[Line] = Field(default_factory=list)
    priority: Priority
    budget_eur: WholeNumber | None = Field(default=None, ge=0)
    sources: list[Url] = Field(default_factory=list, description="Public facts behind the need.")


class Synonyms(Record):
    """A concept's words in each language of the mission."""

    en: list[Line] = Field(min_length=1)
    es: list[Line] = Field(min_length=1)
    pt: list[Line] = Field(min_length=1)
    vi: list[Line] = Field(min_length=1)
    it: list[Line] = Field(min_length=1)
    pl: list[Line] = Field(min_length=1)

    def all_terms(self) -> list[tuple[str, str]]:
        """(language, term) pairs in a fixed order."""
        return [(lang, term) for lang in LANGUAGES_OF_TAXONOMY for term in getattr(self, lang)]


class Concept(Record):
    """A smart-city concept with its words in six languages."""

    id: Slug
    name: Line
    synonyms: Synonyms
    abbreviations: list[Line] = Field(default_factory=list)


class Pillar(Record):
    """A theme of the mission grouping concepts."""

    id: Slug
    name: Line
    concepts: list[Concept] = Field(min_length=1)


class Cluster(Record):
    """One of the clusters an SME belongs to."""

    id: Slug
    name: Line
    organisation: Line | None = None
    country: CountryCode | None = None


class TargetCountry(Record):
    """A country the mission travels to, with the spellings people use for it."""

    id: Slug
    name: Line
    iso: CountryCode
    aliases: list[Line] = Field(default_factory=list)
    languages: list[LanguageCode] = Field(default_factory=list)


class RemedyKind(Record):
    """A kind of remedy (monitor, treat, build civil works, finance...) and its cue words.

    A need that uses a cue asks for this kind; an SME that uses one offers it.
    """

    id: Slug
    name: Line = Field(description="What a need asks for, as a noun: 'civil works'.")
    verb: Line = Field(description="What an SME does, as a verb: 'build civil works'.")
    cues: Synonyms


class Remedies(Record):
    """The remedy vocabulary: kinds with cues, and the words that cancel a cue nearby.

    `negations` open a scope that runs to the end of the clause or to a `contrasts` word
    ("we do not need sensors but a law"); `done` words cancel their whole clause ("early
    warning already exists"). `requests` ("we need") mark where a need starts asking: a
    cue before them in a sentence of the description is the need's story, not its request.
    `conjunctions` ("and", "y") join the things a request asks for: `teams` cuts a request
    there, and at `; , :`, into the parts a team must cover (optional: without them a
    need's parts are its taxonomy concepts).
    """

    kinds: list[RemedyKind] = Field(min_length=1)
    negations: Synonyms
    contrasts: Synonyms
    done: Synonyms
    requests: Synonyms
    conjunctions: Synonyms | None = None


class TaxonomyFile(Record):
    """The taxonomy file: clusters, target countries, concepts by pillar, remedy kinds."""

    clusters: list[Cluster] = Field(min_length=1)
    countries: list[TargetCountry] = Field(min_length=1)
    pillars: list[Pillar] = Field(min_length=1)
    remedies: Remedies | None = None
    accepted_tags: list[Line] = Field(
        default_factory=list,
        description="Tags kept on purpose although they look like a misspelled synonym: "
        "`validate` does not warn about them.",
    )


class Judgment(Record):
    """An expert's graded shortlist for one need."""

    why: Text
    grades: dict[Slug, Annotated[WholeNumber, Field(ge=1, le=3)]] = Field(default_factory=dict)


class JudgmentsFile(RootModel[dict[Slug, Judgment]]):
    """The judgments file: need id to graded shortlist."""

    model_config = ConfigDict(frozen=True)
