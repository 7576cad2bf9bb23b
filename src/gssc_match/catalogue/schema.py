"""Turn a loaded document into a record, mapping every pydantic error to a line and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from rapidfuzz import process

from ..errors import CatalogueError
from ..problems import Problem, error, printable
from .yamlsafe import Document, Key, load_file

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_record(document: Document, model: type[ModelT]) -> tuple[ModelT | None, list[Problem]]:
    """Validate a document against a model; every error becomes one located problem."""
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        details = exc.errors()
    # A misspelled key already says "did you mean 'x'?"; "missing 'x'" would repeat it.
    meant = {_meant(model, d) for d in details if d["type"] == "extra_forbidden"}
    kept = [d for d in details if not (d["type"] == "missing" and tuple(d["loc"]) in meant)]
    return None, sorted({_problem(document, model, detail) for detail in kept})


def _problem(document: Document, model: type[BaseModel], detail: ErrorDetails) -> Problem:
    loc: tuple[Key, ...] = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        line, col = document.position(loc[:-1])
        return error(document.path, line, col, f"missing required field '{_dotted(loc)}'")
    if kind == "extra_forbidden":
        line, col = document.position(loc, key=True)
        return error(document.path, line, col, _unknown_key(model, loc), "unknown-key")
    line, col = document.position(loc)
    reason = error_reason(detail) + _curly_quote_advice(detail.get("input"))
    # "'trl' must be at most 9", but "'country': 'XX' is not an ISO code"
    joiner = " " if reason.startswith("must") else ": "
    return error(document.path, line, col, f"'{_dotted(loc)}'{joiner}{reason}")


# Word processors and chat apps turn ' and " into these; YAML keeps them as part of the text.
CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb"


def _curly_quote_advice(given: object) -> str:
    """Why a value that looks quoted fails: its quotes are typographic, not YAML's."""
    if not isinstance(given, str) or not given.strip():
        return ""
    text = given.strip()
    if text[0] not in CURLY_QUOTES and text[-1] not in CURLY_QUOTES:
        return ""
    return (
        f"; the value is wrapped in typographic quotes ({text[0]}...{text[-1]}), which YAML"
        " keeps as part of the text: use straight quotes ' or \" or none"
    )


def _unknown_key(model: type[BaseModel], loc: tuple[Key, ...]) -> str:
    key = str(loc[-1])
    message = f"unknown field '{printable(key, ascii_only=True)}'"
    suggestion = _suggestion(model, loc)
    if suggestion:
        return f"{message}; did you mean '{suggestion}'?"
    fields = _fields_at(model, loc[:-1])
    return f"{message}; allowed: {', '.join(fields)}" if fields else message


def _suggestion(model: type[BaseModel], loc: tuple[Key, ...]) -> str | None:
    """The field an unknown key at `loc` was probably meant to be."""
    fields = _fields_at(model, loc[:-1])
    match = process.extractOne(str(loc[-1]).lower(), fields, score_cutoff=70) if fields else None
    return str(match[0]) if match else None


def _meant(model: type[BaseModel], detail: ErrorDetails) -> tuple[Key, ...] | None:
    loc: tuple[Key, ...] = tuple(detail["loc"])
    suggestion = _suggestion(model, loc)
    return (*loc[:-1], suggestion) if suggestion else None


def _fields_at(model: type[BaseModel], loc: tuple[Key, ...]) -> list[str]:
    """Field names of the (nested) model that a location points into."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        inner = _model_inside(info.annotation if info else None)
        if inner is None:
            return []
        current = inner
    return list(current.model_fields)


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_inside(arg)
        if found:
            return found
    return None


def _dotted(loc: tuple[Key, ...]) -> str:
    parts = [
        f"[{p + 1}]" if isinstance(p, int) else printable(str(p), ascii_only=True) for p in loc
    ]
    return ".".join(parts).replace(".[", "[")


def error_reason(detail: ErrorDetails) -> str:
    kind, given = detail["type"], detail.get("input")
    if (
        kind in ("string_type", "int_type", "list_type", "model_type", "dict_type")
        and given is None
    ):
        return "must not be empty"
    if kind in ("string_type", "int_type", "int_parsing") and isinstance(given, list | dict):
        shape = "a list" if isinstance(given, list) else "a mapping"
        return f"must be a single value, not {shape}"
    if kind in ("float_parsing", "float_type"):
        return _not_a_number(given)
    if kind == "list_type":
        return "must be a list (one item per line, each starting with '- ')"
    if kind in ("model_type", "dict_type"):
        return "must be a mapping of fields (key: value)"
    if kind == "too_short":
        return "must have at least one item"
    if kind == "enum" or kind == "literal_error":
        return f"must be one of: {detail.get('ctx', {}).get('expected', '')}".replace("'", "")
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = detail.get("ctx", {})
        return f"must be {'at least' if 'ge' in bound else 'at most'} " + str(
            bound.get("ge", bound.get("le"))
        )
    return printable(detail["msg"].removeprefix("Value error, "), limit=160)


def _not_a_number(given: object) -> str:
    """`0,45` is a decimal comma, which YAML and the schema read as text."""
    text = given if isinstance(given, str) else ""
    with_point = text.strip().replace(",", ".")
    if "," in text and _is_number(with_point):
        return (
            f"must be a number written with a decimal point: {printable(with_point)}, not a comma"
        )
    return "must be a number, like 0.45"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_record(path: Path, model: type[ModelT], what: str) -> ModelT:
    """Read one file as one record; raise CatalogueError with every located problem if invalid.

    For the tool's own inputs (weights, judgments), where a bad file stops the command.
    """
    document, problems = load_file(path, str(path))
    record, schema_problems = parse_record(document, model) if document else (None, [])
    if record is None:
        raise CatalogueError(problems + schema_problems, what)
    return record


def json_schema(model: type[BaseModel], references: dict[str, list[str]] | None = None) -> str:
    """The JSON Schema of a record file, for editors with a YAML language server.

    It accepts what `validate` accepts, field by field: each field type carries its own
    schema (see `models`), whole numbers may be digits as text (every YAML value reaches
    the validator as text), and `references` (field name to the taxonomy's ids, such as
    `cluster` or `country`) become enums. What no single file can show (the id equals the
    file name, ids unique across files, a need's folder) stays with `validate`.
    """
    schema = _whole_numbers(model.model_json_schema())
    for name, ids in (references or {}).items():
        if name in schema.get("properties", {}):
            described = schema["properties"][name]
            schema["properties"][name] = {
                "description": described.get("description", ""),
                "enum": sorted(ids),
                "title": described.get("title", name),
            }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _whole_numbers(node: Any) -> Any:
    """Every integer as JSON Schema says it, and also as digits in text: `trl: "7"` is valid.

    pydantic writes a field's bounds as `ge`/`le`, which JSON Schema does not know.
    """
    if isinstance(node, list):
        return [_whole_numbers(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _whole_numbers(value) for key, value in node.items()}
    if "anyOf" in node:  # `int | None`: one flat list of choices, not a list in a list
        node["anyOf"] = [c for a in node["anyOf"] for c in (a["anyOf"] if _only_any(a) else [a])]
    if node.get("type") != "integer":
        return node
    low = node.pop("ge", node.pop("minimum", 0))
    high = node.pop("le", node.pop("maximum", None))
    number = {"type": node.pop("type"), "minimum": low}
    if high is not None:
        number["maximum"] = high
    return {**node, "anyOf": [number, {"type": "string", "pattern": _digits(low, high)}]}


def _only_any(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"anyOf"}


SPELLED_OUT = 2_000
"""Ranges up to this many values are written out exactly in a pattern."""


def _digits(low: int, high: int | None) -> str:
    """Whole numbers as text, as `models._whole_number` reads them: 1-12 digits, then bounds.

    A bounded range is spelled out (`0*(?:1|2|...|9)`); past SPELLED_OUT values, or with
    no upper bound, only the lower bound is checked and `validate` keeps the upper one.
    """
    end = r"\s*(?![\s\S])"
    shape = rf"^\s*(?=[0-9]{{1,12}}{end})"
    if high is not None and high - low < SPELLED_OUT:
        return shape + f"0*(?:{'|'.join(str(n) for n in range(high, low - 1, -1))}){end}"
    too_small = "|".join(str(n) for n in range(low))
    below = f"(?!0*(?:{too_small}){end})" if low > 0 else ""
    return shape + below + rf"[0-9]+{end}"
