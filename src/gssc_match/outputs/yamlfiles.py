"""Records to YAML files written like the bundled ones, a file a person would edit next.

Keys in the model's order, descriptions folded (`>-`) at 84 columns, short code lists in
flow style (`languages: [es, en]`), other lists one item per line, text quoted only where
YAML would misread it. Every file is read back through the safe loader and compared with
the record before it is written: what lands on disk loads to the same record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..catalogue.intake import Imported
from ..catalogue.loader import same_file
from ..catalogue.models import Need, Text
from ..catalogue.sheets import SheetProblem
from ..catalogue.yamlsafe import load_text
from ..errors import OutputError
from .export import atomic_write

WIDTH = 84
INDENT = "  "
# Lists written on one line, as the bundled files do: codes, and a need's few tags.
FLOW_LISTS = frozenset({("Sme", "languages"), ("Sme", "markets"), ("Need", "tags")})
_TEXT_CHECK = get_args(Text)[1].func
_YAML11_WORDS = re.compile(r"y|n|yes|no|true|false|on|off|null|~|[-+]?\.?(inf|nan)", re.IGNORECASE)
_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9_,.:eE+-]*|[-+]?\.[0-9]+|0[xXoObB][0-9a-fA-F_]+")
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_BREAK = re.compile(r"(?<=\S) (?=\S)")


def record_yaml(record: BaseModel) -> str:
    """The YAML text of a record; raises OutputError if it would not load back equal."""
    text = "\n".join(_mapping(record, "")) + "\n"
    if _loads_back(text, record):
        return text
    quoted = "\n".join(_mapping(record, "", quote_all=True)) + "\n"
    if _loads_back(quoted, record):
        return quoted
    raise OutputError(f"cannot write '{getattr(record, 'id', '?')}' as YAML that loads back")


def _loads_back(text: str, record: BaseModel) -> bool:
    document, problems = load_text(text, "<written>")
    if document is None or problems:
        return False
    try:
        return type(record).model_validate(document.data) == record
    except ValueError:
        return False


def _mapping(record: BaseModel, indent: str, *, quote_all: bool = False) -> list[str]:
    lines: list[str] = []
    owner = type(record).__name__
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        if value is None:
            continue
        lead = f"{indent}{name}:"
        if isinstance(value, BaseModel):
            lines += [lead, *_mapping(value, indent + INDENT, quote_all=quote_all)]
        elif isinstance(value, list):
            lines += _list(lead, value, indent, (owner, name) in FLOW_LISTS, quote_all)
        elif isinstance(value, str) and not isinstance(value, Enum) and _is_text(info):
            lines += _block_text(lead, value, indent + INDENT, quote_all)
        else:
            lines.append(f"{lead} {_scalar(value, flow=False, quote_all=quote_all)}")
    return lines


def _is_text(info: FieldInfo) -> bool:
    return any(getattr(item, "func", None) is _TEXT_CHECK for item in info.metadata)


def _list(lead: str, items: list[Any], indent: str, flow: bool, quote_all: bool) -> list[str]:
    if not items:
        return [f"{lead} []"]
    if flow:
        inner = ", ".join(_scalar(item, flow=True, quote_all=quote_all) for item in items)
        return [f"{lead} [{inner}]"]
    return [lead, *(f"{indent}{INDENT}- {_scalar(i, False, quote_all)}" for i in items)]


def _block_text(lead: str, text: str, indent: str, quote_all: bool) -> list[str]:
    """`>-` folded at WIDTH for one paragraph; `|-` literal when the text has line breaks."""
    if quote_all or text != text.strip() or "\t" in text:
        return [f"{lead} {_quoted(text)}"]
    if "\n" in text:
        return [f"{lead} |-", *(f"{indent}{line}" if line else "" for line in text.split("\n"))]
    lines: list[str] = []
    current = ""
    for chunk in _BREAK.split(text):
        if current and len(indent) + len(current) + 1 + len(chunk) > WIDTH:
            lines.append(indent + current)
            current = chunk
        else:
            current = f"{current} {chunk}" if current else chunk
    lines.append(indent + current)
    return [f"{lead} >-", *lines]


def _scalar(value: object, flow: bool, quote_all: bool = False) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool | int):
        return str(int(value))
    text = str(value)
    if quote_all or _needs_quotes(text, flow):
        return _quoted(text)
    return text


def _needs_quotes(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return True
    if _YAML11_WORDS.fullmatch(text) or _NUMBER_LIKE.fullmatch(text):
        return True
    if ": " in text or " #" in text or text.endswith(":") or not text.isprintable():
        return True
    return flow and any(ch in text for ch in ",[]{}")


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar with the same escapes.
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class PlannedFile:
    """A YAML file to write for one imported row."""

    path: Path
    content: bytes
    row: int


def plan_files(imported: Sequence[Imported], out: Path) -> list[PlannedFile]:
    """One file per record: `OUT/<id>.yaml` for SMEs, `OUT/<country>/<id>.yaml` for needs."""
    planned = []
    for item in imported:
        record = item.record
        folder = out / record.country if isinstance(record, Need) else out
        content = record_yaml(record).encode("utf-8")
        planned.append(PlannedFile(folder / f"{record.id}.yaml", content, item.row))
    return planned


def check_targets(
    planned: Sequence[PlannedFile], display: str, force: bool, protected: Sequence[Path] = ()
) -> list[SheetProblem]:
    """An existing file is kept unless `force`; an input file is never a target."""
    problems = []
    for item in planned:
        if any(same_file(item.path, p) for p in protected):
            msg = f"refusing to write over the input file '{item.path}'"
            problems.append(SheetProblem(display, item.row, message=msg))
        elif item.path.is_dir():
            problems.append(SheetProblem(display, item.row, message=f"'{item.path}' is a folder"))
        elif item.path.exists() and not force:
            msg = f"'{item.path}' already exists; use --force to replace it"
            problems.append(SheetProblem(display, item.row, message=msg))
    return problems


def write_files(planned: Sequence[PlannedFile], out: Path) -> None:
    """Write each file atomically; folders made as needed."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for folder in sorted({item.path.parent for item in planned}):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make folder in '{out}': {exc.strerror}") from exc
    for item in planned:
        atomic_write(item.path, item.content)
