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
    reason = _reason(detail)
    # "'trl' must be at most 9", but "'country': 'XX' is not an ISO code"
    joiner = " " if reason.startswith("must") else ": "
    return error(document.path, line, col, f"'{_dotted(loc)}'{joiner}{reason}")


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


def _reason(detail: ErrorDetails) -> str:
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


def json_schema(model: type[BaseModel]) -> str:
    """The JSON Schema of a record file, for editors with a YAML language server."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
