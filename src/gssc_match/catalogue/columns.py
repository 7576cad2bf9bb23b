"""The columns of a registration sheet, derived from the record models.

Every field of `Sme` and `Need` (nested models flattened: `contact.email`) becomes a column.
What a column accepts comes from the field's type; only the human header and the aliases
people write in the six mission languages live in the table below. A field added to a model
appears in the sheets on its own, with a header made from its name until an entry is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from typing import Annotated, Any, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .models import CountryCode, LanguageCode, Need, Sme, Url, WholeNumber
from .text import fold


class RecordKind(StrEnum):
    """What one row of a sheet describes."""

    SME = "sme"
    NEED = "need"

    @property
    def model(self) -> type[Sme] | type[Need]:
        return Sme if self is RecordKind.SME else Need


class ValueKind(StrEnum):
    """How a cell's text becomes a field value."""

    TEXT = "text"
    ID = "id"
    COUNTRY = "country"
    LANGUAGE = "language"
    NUMBER = "number"
    URL = "url"
    CHOICE = "choice"
    CLUSTER = "cluster"
    TARGET_COUNTRY = "target country"


@dataclass(frozen=True)
class Header:
    """A column's English header, its help text, and the other names people give it."""

    text: str
    aliases: tuple[str, ...] = ()
    help: str = ""


# The English header first, then aliases in es, pt, it, pl and vi (and common English ones).
HEADERS: dict[str, Header] = {
    "id": Header(
        "ID",
        ("Identifier", "Identificador", "Identificativo", "Identyfikator", "Mã", "Mã định danh"),
        "Leave empty to make one from the name; lowercase letters, digits and hyphens.",
    ),
    "name": Header(
        "Company name",
        (
            "Company",
            "Name",
            "Organisation",
            "Organization",
            "SME",
            "SME name",
            "Nombre de la empresa",
            "Empresa",
            "Nombre",
            "Razón social",
            "Nome da empresa",
            "Nome",
            "Nome dell'azienda",
            "Azienda",
            "Ragione sociale",
            "Nazwa firmy",
            "Firma",
            "Nazwa",
            "Tên công ty",
            "Tên doanh nghiệp",
            "Doanh nghiệp",
        ),
    ),
    "country": Header(
        "Country",
        ("Home country", "País", "Paese", "Nazione", "Kraj", "Państwo", "Quốc gia", "Nước"),
    ),
    "cluster": Header("Cluster", ("Clúster", "Distretto", "Klaster", "Cụm ngành", "Cụm liên kết")),
    "description": Header(
        "Description", ("Descripción", "Descrição", "Descrizione", "Opis", "Mô tả")
    ),
    "offerings": Header(
        "Offerings",
        (
            "Products",
            "Products and services",
            "Solutions",
            "Productos y servicios",
            "Oferta",
            "Soluciones",
            "Produtos e serviços",
            "Soluções",
            "Prodotti e servizi",
            "Offerta",
            "Soluzioni",
            "Produkty i usługi",
            "Rozwiązania",
            "Sản phẩm và dịch vụ",
            "Sản phẩm",
            "Giải pháp",
        ),
    ),
    "tags": Header(
        "Tags",
        (
            "Keywords",
            "Etiquetas",
            "Palabras clave",
            "Palavras-chave",
            "Etichette",
            "Parole chiave",
            "Tagi",
            "Słowa kluczowe",
            "Thẻ",
            "Từ khóa",
        ),
    ),
    "languages": Header(
        "Languages",
        ("Working languages", "Idiomas", "Lenguas", "Línguas", "Lingue", "Języki", "Ngôn ngữ"),
    ),
    "markets": Header("Markets", ("Export markets", "Mercados", "Mercati", "Rynki", "Thị trường")),
    "trl": Header(
        "TRL",
        (
            "Technology readiness level",
            "Nivel de madurez tecnológica",
            "Nível de maturidade tecnológica",
            "Livello di maturità tecnologica",
            "Poziom gotowości technologicznej",
            "Mức độ sẵn sàng công nghệ",
        ),
        "Technology readiness level of the main offering.",
    ),
    "website": Header(
        "Website",
        (
            "Web",
            "URL",
            "Web site",
            "Sitio web",
            "Página web",
            "Site",
            "Sítio web",
            "Sito web",
            "Sito",
            "Strona internetowa",
            "Strona www",
            "Trang web",
        ),
    ),
    "contact.name": Header(
        "Contact name",
        (
            "Contact person",
            "Persona de contacto",
            "Nombre de contacto",
            "Pessoa de contacto",
            "Nome do contacto",
            "Persona di contatto",
            "Referente",
            "Osoba kontaktowa",
            "Người liên hệ",
        ),
        "Who to invite (optional; left out of exports unless --with-contacts).",
    ),
    "contact.email": Header(
        "Contact email",
        (
            "E-mail",
            "Email",
            "Correo electrónico",
            "Correo",
            "Email de contacto",
            "E-mail de contacto",
            "Endereço de e-mail",
            "Indirizzo email",
            "Adres e-mail",
            "Thư điện tử",
        ),
        "Their e-mail address (needed with a contact name).",
    ),
    "city": Header(
        "City",
        (
            "Municipality",
            "Ciudad",
            "Municipio",
            "Comuna",
            "Cidade",
            "Município",
            "Concelho",
            "Città",
            "Comune",
            "Miasto",
            "Gmina",
            "Thành phố",
            "Đô thị",
        ),
    ),
    "title": Header(
        "Title",
        (
            "Need",
            "Título",
            "Necesidad",
            "Necessidade",
            "Titolo",
            "Esigenza",
            "Tytuł",
            "Potrzeba",
            "Tiêu đề",
            "Nhu cầu",
        ),
    ),
    "title_en": Header(
        "Title in English",
        (
            "English title",
            "Título en inglés",
            "Título em inglês",
            "Titolo in inglese",
            "Tytuł po angielsku",
            "Tiêu đề tiếng Anh",
        ),
    ),
    "language": Header("Language", ("Idioma", "Língua", "Lingua", "Język", "Ngôn ngữ")),
    "priority": Header(
        "Priority", ("Prioridad", "Prioridade", "Priorità", "Priorytet", "Mức ưu tiên", "Ưu tiên")
    ),
    "budget_eur": Header(
        "Budget (EUR)",
        ("Budget", "Presupuesto", "Orçamento", "Bilancio", "Budżet", "Ngân sách"),
        "What the city expects to spend, in euros.",
    ),
    "sources": Header("Sources", ("Source links", "Fuentes", "Fontes", "Fonti", "Źródła", "Nguồn")),
}

# Words people write for the members of a closed list (today: a need's priority).
CHOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "high": ("alta", "alto", "elevata", "wysoki", "wysoka", "cao", "urgent", "urgente"),
    "medium": ("media", "medio", "média", "médio", "średni", "średnia", "trung bình"),
    "low": ("baja", "bajo", "baixa", "baixo", "bassa", "basso", "niski", "niska", "thấp"),
}

# Fields about people, left out of every export unless asked for (`--with-contacts`).
PRIVATE_FIELDS = frozenset({"contact"})

# Fields that name an entry of the taxonomy rather than a free value.
REFERENCES: dict[tuple[str, str], ValueKind] = {
    ("Sme", "cluster"): ValueKind.CLUSTER,
    ("Need", "country"): ValueKind.TARGET_COUNTRY,
}


def _check(annotated: Any) -> Any:
    """The validator function of an `Annotated[type, Validator(func)]` alias."""
    return get_args(annotated)[1].func


_VALIDATOR_KINDS = {
    id(_check(CountryCode)): ValueKind.COUNTRY,
    id(_check(LanguageCode)): ValueKind.LANGUAGE,
    id(_check(WholeNumber)): ValueKind.NUMBER,
    id(_check(Url)): ValueKind.URL,
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the field it fills and how its cells are read."""

    path: tuple[str, ...]
    header: str
    aliases: tuple[str, ...]
    kind: ValueKind
    many: bool
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None

    @property
    def private(self) -> bool:
        return self.path[0] in PRIVATE_FIELDS

    @property
    def key(self) -> str:
        """The field's dotted name (`contact.email`), as `--map` files write it."""
        return ".".join(self.path)


@cache
def columns_for(kind: RecordKind) -> tuple[Column, ...]:
    """The columns of a sheet of SMEs or needs, in the model's field order."""
    return tuple(_columns(kind.model, (), required=True))


def _columns(model: type[BaseModel], prefix: tuple[str, ...], required: bool) -> list[Column]:
    found: list[Column] = []
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        inner = _model_inside(info.annotation)
        if inner is not None:
            found += _columns(inner, path, required and info.is_required())
        else:
            found.append(_column(model, path, info, required and info.is_required()))
    return found


def _column(
    model: type[BaseModel], path: tuple[str, ...], info: FieldInfo, required: bool
) -> Column:
    key = ".".join(path)
    header = HEADERS.get(key) or Header(key.replace("_", " ").replace(".", " ").capitalize())
    bare = _unwrap(info.annotation)
    many = get_origin(bare) is list
    element = get_args(bare)[0] if many else bare
    low, high = _bounds(info)
    choices = _choices(element)
    kind = REFERENCES.get((model.__name__, path[-1])) or _kind(path, info, choices)
    help_text = header.help or (info.description or "")
    aliases = tuple(dict.fromkeys((key, *header.aliases)))
    # An id may be left empty in a sheet: it is then made from the name.
    required = required and kind is not ValueKind.ID
    return Column(path, header.text, aliases, kind, many, required, help_text, choices, low, high)


def _kind(path: tuple[str, ...], info: FieldInfo, choices: tuple[str, ...]) -> ValueKind:
    if path == ("id",):
        return ValueKind.ID
    if choices:
        return ValueKind.CHOICE
    for func in _validators(info.annotation, info.metadata):
        found = _VALIDATOR_KINDS.get(id(func))
        if found:
            return found
    return ValueKind.TEXT


def _validators(annotation: Any, metadata: list[Any]) -> list[Any]:
    """Validator functions attached to a field, at any depth of its annotation."""
    funcs = [m.func for m in metadata if hasattr(m, "func")]
    if get_origin(annotation) is Annotated:
        funcs += [m.func for m in annotation.__metadata__ if hasattr(m, "func")]
    for arg in get_args(annotation):
        if not isinstance(arg, str | int):
            funcs += _validators(arg, [])
    return funcs


def _choices(annotation: Any) -> tuple[str, ...]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(member.value) for member in annotation)
    return ()


def _bounds(info: FieldInfo) -> tuple[int | None, int | None]:
    low = high = None
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = int(item.ge)  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Le):
            high = int(item.le)  # type: ignore[call-overload]
    return low, high


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` as X."""
    if get_origin(annotation) is Annotated:
        return _unwrap(get_args(annotation)[0])
    args = [a for a in get_args(annotation) if a is not type(None)]
    if type(None) in get_args(annotation) and len(args) == 1:
        return _unwrap(args[0])
    return annotation


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    bare = _unwrap(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return bare
    return None


_PARENTHESES = re.compile(r"\([^)]*\)")


def header_key(text: str) -> str:
    """A header compared without case, accents, spacing, punctuation or `(notes)`."""
    return "".join(ch for ch in _PARENTHESES.sub("", fold(text)) if ch.isalnum())
