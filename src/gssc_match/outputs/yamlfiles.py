"""Records to YAML files written like the bundled ones, a file a person would edit next.

Keys in the model's order, descriptions folded (`>-`) at 84 columns, short code lists in
flow style (`languages: [es, en]`), other lists one item per line, text quoted only where
YAML would misread it, and anything unprintable written as an escape. That every record
loads back equal through the catalogue loader is tested on the whole bundled catalogue and
on arbitrary text (a property test), not re-parsed at run time: that would double the cost
of an import.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..catalogue.intake import Imported, Intake
from ..catalogue.loader import same_file
from ..catalogue.models import Need, Text
from ..catalogue.sheets import SheetProblem
from ..errors import OutputError
from ..problems import Level
from .export import atomic_write

WIDTH = 84
INDENT = "  "
# Lists written on one line, as the bundled files do: codes, and a need's few tags.
FLOW_LISTS = frozenset({("Sme", "languages"), ("Sme", "markets"), ("Need", "tags")})
_TEXT_CHECK = get_args(Text)[1].func
_YAML11_WORDS = re.compile(r"y|n|yes|no|true|false|on|off|null|~|[-+]?\.?(inf|nan)", re.IGNORECASE)
_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9_,.:eE+-]*|[-+]?\.[0-9]+|0[xXoObB][0-9a-fA-F_]+")
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"


def record_yaml(record: BaseModel) -> str:
    """The YAML text of a record."""
    return "\n".join(_mapping(record, "")) + "\n"


def _mapping(record: BaseModel, indent: str) -> list[str]:
    lines: list[str] = []
    owner = type(record).__name__
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        if value is None:
            continue
        lead = f"{indent}{name}:"
        if isinstance(value, BaseModel):
            lines += [lead, *_mapping(value, indent + INDENT)]
        elif isinstance(value, list):
            lines += _list(lead, value, indent, (owner, name) in FLOW_LISTS)
        elif isinstance(value, str) and not isinstance(value, Enum) and _is_text(info):
            lines += _block_text(lead, value, indent + INDENT)
        else:
            lines.append(f"{lead} {_scalar(value, flow=False)}")
    return lines


def _is_text(info: FieldInfo) -> bool:
    return any(getattr(item, "func", None) is _TEXT_CHECK for item in info.metadata)


def _list(lead: str, items: list[Any], indent: str, flow: bool) -> list[str]:
    if not items:
        return [f"{lead} []"]
    if flow:
        return [f"{lead} [{', '.join(_scalar(item, flow=True) for item in items)}]"]
    return [lead, *(f"{indent}{INDENT}- {_scalar(item, flow=False)}" for item in items)]


def _block_text(lead: str, text: str, indent: str) -> list[str]:
    """`>-` folded at WIDTH for one paragraph; `|-` literal when the text has line breaks."""
    if text != text.strip() or "\t" in text or not text.replace("\n", " ").isprintable():
        return [f"{lead} {_quoted(text)}"]
    if "\n" in text:
        return [f"{lead} |-", *(f"{indent}{line}" if line else "" for line in text.split("\n"))]
    room = max(20, WIDTH - len(indent))
    lines = [indent + line for line in _fold(text, room)]
    return [f"{lead} >-", *lines]


def _fold(text: str, room: int) -> list[str]:
    """Lines of at most `room` characters, broken only at a single space between words.

    Folding turns each line break back into one space; a break next to another space or a
    tab would change the text, so a word longer than `room` stays whole on its line.
    """
    lines = []
    position = 0
    while position < len(text):
        found = _FOLD_LINE[room].match(text, position) or _LONG_LINE.match(text, position)
        assert found is not None  # _LONG_LINE matches any rest of a stripped text
        lines.append(found.group(1))
        position = found.end()
    return lines


class _LinePatterns(dict[int, re.Pattern[str]]):
    def __missing__(self, room: int) -> re.Pattern[str]:
        pattern = re.compile(rf"(.{{1,{room}}}(?<=\S))(?: (?=\S)|$)", re.DOTALL)
        self[room] = pattern
        return pattern


_FOLD_LINE = _LinePatterns()
_LONG_LINE = re.compile(r"(.+?(?<=\S))(?: (?=\S)|$)", re.DOTALL)


def _scalar(value: object, flow: bool) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool | int):
        return str(int(value))
    text = str(value)
    return _quoted(text) if _needs_quotes(text, flow) else text


def _needs_quotes(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return True
    if _YAML11_WORDS.fullmatch(text) or _NUMBER_LIKE.fullmatch(text):
        return True
    if ": " in text or " #" in text or text.endswith(":") or not text.isprintable():
        return True
    return flow and any(ch in text for ch in ",[]{}")


def _quoted(text: str) -> str:
    """A double-quoted scalar; characters a YAML file may not hold raw become escapes.

    A JSON string is a valid YAML double-quoted scalar with the same escapes; JSON leaves
    some unprintable characters raw (NEL, LS, PS, BOM), so those are escaped here.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in quoted)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


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


@dataclass(frozen=True)
class ImportPlan:
    """An import, decided before anything is written: the files of the valid rows, and why
    the others (or the whole sheet) cannot be written."""

    files: tuple[PlannedFile, ...]
    problems: tuple[SheetProblem, ...]
    bad_rows: tuple[int, ...]
    sheet_failed: bool
    """A problem with the sheet itself (its header, its bytes): no row may be written."""
    rows: int


def plan_import(intake: Intake, out: Path, force: bool, source: Path) -> ImportPlan:
    """The files to write for the valid rows of an intake; existing files are problems too."""
    planned = plan_files(intake.records, out)
    targets = check_targets(planned, intake.path, force, (source,))
    problems = tuple(sorted(set(intake.problems) | set(targets)))
    bad = sorted({p.row for p in problems if p.level is Level.ERROR})
    sheet_failed = any(row <= intake.header_row for row in bad)
    files = tuple(item for item in planned if item.row not in bad)
    return ImportPlan(files, problems, tuple(bad), sheet_failed, intake.rows)


def check_targets(
    planned: Sequence[PlannedFile], display: str, force: bool, protected: Sequence[Path] = ()
) -> list[SheetProblem]:
    """An existing file is kept unless `force`; an input file is never a target."""
    problems = []
    for item in planned:
        if not os.path.lexists(item.path):
            continue  # a new file: nothing to keep, and it cannot be an input
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
    """Write every file atomically; folders made as needed.

    Like `export.atomic_write`, each file reaches the disk before it appears under its name,
    but the disk is synced once for the whole batch: one fsync per file made an import of
    10,000 rows spend most of its time waiting on the disk. A new `out` folder is filled
    beside its final name and renamed into place in one step (all files or none appear);
    in an existing folder each file goes to a temporary beside it, then is renamed.
    """
    if len(planned) <= 1 or not hasattr(os, "sync"):
        _make_folders(planned, out)
        for item in planned:
            atomic_write(item.path, item.content)
    elif not out.exists() and not out.is_symlink():
        _write_new_folder(planned, out)
    else:
        _make_folders(planned, out)
        _write_beside(planned)


def _make_folders(planned: Sequence[PlannedFile], out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        for folder in sorted({item.path.parent for item in planned}):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make folder in '{out}': {exc.strerror}") from exc


def _write_new_folder(planned: Sequence[PlannedFile], out: Path) -> None:
    staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staged = [replace(item, path=staging / item.path.relative_to(out)) for item in planned]
        _make_folders(staged, staging)
        for item in staged:
            _create(item.path, item.content)
        os.sync()
        os.rename(staging, out)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write '{exc.filename}': {exc.strerror}") from exc
        raise


def _write_beside(planned: Sequence[PlannedFile]) -> None:
    temporaries: list[Path] = []
    try:
        for item in planned:
            temporary = item.path.with_name(f".{item.path.name}.{os.getpid()}.tmp")
            _create(temporary, item.content)
            temporaries.append(temporary)
        os.sync()
        for item, temporary in zip(planned, temporaries, strict=True):
            os.replace(temporary, item.path)
    except BaseException as exc:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write '{exc.filename}': {exc.strerror}") from exc
        raise


def _create(path: Path, content: bytes) -> None:
    # 0o666 less the umask, as any file the user makes (mkstemp would force 0600).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
