"""Registration sheets to records: headers matched, cells normalised, rows validated.

Each row goes through the same strict model as a YAML file (`Sme`, `Need`); every problem
names the file, the row as the spreadsheet numbers it and the column header:
`smes.xlsx:row 14:column 'Country': 'Spian' is not a country; did you mean Spain (ES)?`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process

from ..errors import CatalogueError
from ..problems import Level, Problem, error, printable
from .columns import Column, RecordKind, ValueKind, columns_for, header_key
from .models import Need, Sme
from .schema import error_reason
from .sheets import MAX_CELL, Cell, CellType, ReadOptions, Row, SheetProblem, bad_character
from .sheets import read_sheet as read_sheet_file
from .taxonomy import Taxonomy
from .values import Unreadable, normalise, slug_from, split_items
from .yamlsafe import load_file

HEADER_SEARCH = 10  # a title or a note may stand above the header row
IGNORE = ("-", "")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class IntakeOptions:
    """How to read the file (`--delimiter`, `--encoding`, `--sheet`) and `--map`."""

    read: ReadOptions = field(default_factory=ReadOptions)
    mapping: Path | None = None


@dataclass(frozen=True)
class Imported:
    """A valid record and the sheet row it came from."""

    row: int
    record: Sme | Need
    id_made: bool = False
    """The id was made from the name (or country, city and title), not given."""


@dataclass(frozen=True)
class Intake:
    """What a sheet gave: the valid records, every problem, and how many rows were read."""

    path: str
    kind: RecordKind
    records: tuple[Imported, ...]
    problems: tuple[SheetProblem, ...]
    rows: int
    header_row: int = 0
    """The header's row number: problems at or above it concern the whole sheet."""

    @property
    def errors(self) -> tuple[SheetProblem, ...]:
        return tuple(p for p in self.problems if p.level is Level.ERROR)

    @property
    def failed_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.errors if p.row}))


def read_records(
    path: Path,
    display: str,
    kind: RecordKind,
    taxonomy: Taxonomy | None,
    options: IntakeOptions = IntakeOptions(),
) -> Intake:
    """Read a CSV or XLSX sheet of SMEs or needs; raises CatalogueError only for a bad --map."""
    mapping = load_mapping(options.mapping, kind) if options.mapping else {}
    sheet = read_sheet_file(path, display, options.read)
    problems = list(sheet.problems)
    if not sheet.rows:
        if not problems:
            problems.append(SheetProblem(display, message="has no rows"))
        return Intake(display, kind, (), tuple(problems), 0)
    header_at = _header_row(sheet.rows, kind, mapping)
    header = sheet.rows[header_at]
    problems += _skipped_above(display, sheet.rows[:header_at])
    columns, header_problems = match_headers(display, header, kind, mapping)
    problems += header_problems
    if header_problems and not columns and len(sheet.sheet_names) > 1:
        names = ", ".join(f"'{printable(n)}'" for n in sheet.sheet_names)
        problems.append(SheetProblem(display, message=f"the sheets are {names}; pick one: --sheet"))
    body = sheet.rows[header_at + 1 :]
    problems += _values_without_header(display, header, body)
    if not body:
        message = "no rows below the header row"
        problems.append(SheetProblem(display, header.number, message=message, level=Level.WARNING))
    titles = {i: cell.text.strip() for i, cell in enumerate(header.cells) if cell is not None}
    reader = _RowReader(display, kind, taxonomy, columns, titles)
    kept, row_problems = _read_body(reader, body)
    problems_sorted = tuple(sorted(set(problems + row_problems)))
    return Intake(display, kind, kept, problems_sorted, len(body), header.number)


def _read_body(
    reader: _RowReader, body: Sequence[Row]
) -> tuple[tuple[Imported, ...], list[SheetProblem]]:
    """Every row read; then ids compared across all rows, valid or not."""
    imported = []
    ids: list[_RowId] = []
    problems: list[SheetProblem] = []
    for row in body:
        record, row_problems, row_id = reader.read(row)
        problems += row_problems
        if row_id is not None:
            ids.append(row_id)
        if record is not None:
            imported.append(Imported(row.number, record, row_id.made if row_id else False))
    duplicates = _duplicates(reader.display, ids, reader.columns, reader.titles, reader.kind)
    bad_rows = {p.row for p in duplicates}
    kept = tuple(item for item in imported if item.row not in bad_rows)
    return kept, problems + duplicates


# --- headers ---------------------------------------------------------------------------


def _lookup(kind: RecordKind) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in columns_for(kind):
        for name in (column.header, *column.aliases):
            table.setdefault(header_key(name), column)
    return table


def _header_row(rows: Sequence[Row], kind: RecordKind, mapping: dict[str, Column | None]) -> int:
    """The first of the top rows that names at least two known columns (else the first)."""
    known = {**_lookup(kind), **mapping}
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        texts = [cell.text for cell in row.cells if cell is not None]
        hits = sum(header_key(text) in known for text in texts)
        if hits >= min(2, len(texts)):
            return index
    return 0


def _skipped_above(display: str, rows: Sequence[Row]) -> list[SheetProblem]:
    message = "row above the header row skipped"
    return [SheetProblem(display, r.number, message=message, level=Level.WARNING) for r in rows]


def match_headers(
    display: str, header: Row, kind: RecordKind, mapping: dict[str, Column | None]
) -> tuple[dict[int, Column], list[SheetProblem]]:
    """Which column of the sheet fills which field; unknown, doubled and missing ones reported."""
    lookup = _lookup(kind)
    found: dict[int, Column] = {}
    first_of: dict[str, tuple[int, str]] = {}
    problems: list[SheetProblem] = []
    for index, cell in enumerate(header.cells):
        if cell is None:
            continue
        text = cell.text.strip()
        folded = header_key(text)
        if folded in mapping:
            column = mapping[folded]
            if column is None:
                continue
        elif folded in lookup:
            column = lookup[folded]
        else:
            problems.append(_unknown_header(display, header.number, index, text, lookup))
            continue
        if column.key in first_of:
            _, other = first_of[column.key]
            msg = f"fills '{column.header}' like column '{printable(other)}'; keep one (or --map)"
            problems.append(SheetProblem(display, header.number, index, text, msg))
            continue
        first_of[column.key] = (index, text)
        found[index] = column
    problems += _missing_columns(display, header.number, kind, found)
    return found, problems


def _unknown_header(
    display: str, row: int, index: int, text: str, lookup: dict[str, Column]
) -> SheetProblem:
    best = process.extractOne(header_key(text), list(lookup), scorer=fuzz.ratio, score_cutoff=75)
    if best:
        hint = f"did you mean '{lookup[best[0]].header}'?"
    else:
        hint = "name it in a --map file (or map it to '-' to leave it out)"
    return SheetProblem(display, row, index, text, f"unknown column; {hint}")


def _missing_columns(
    display: str, row: int, kind: RecordKind, found: dict[int, Column]
) -> list[SheetProblem]:
    present = {column.key for column in found.values()}
    return [
        SheetProblem(display, row, message=f"no column '{column.header}'; it is required")
        for column in columns_for(kind)
        if column.required and column.key not in present
    ]


def _values_without_header(display: str, header: Row, body: Sequence[Row]) -> list[SheetProblem]:
    named = {i for i, cell in enumerate(header.cells) if cell is not None}
    problems = []
    for row in body:
        for index, cell in enumerate(row.cells):
            if cell is not None and index not in named:
                letter = _letter(index)
                msg = f"column {letter} has values but no header (first in row {row.number})"
                problems.append(SheetProblem(display, header.number, index, "", msg))
                named.add(index)
    return problems


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- rows ------------------------------------------------------------------------------


class _RowReader:
    """Turns one data row into a record, or into the problems that stop it."""

    def __init__(
        self,
        display: str,
        kind: RecordKind,
        taxonomy: Taxonomy | None,
        columns: dict[int, Column],
        titles: dict[int, str],
    ) -> None:
        self.display = display
        self.titles = titles
        self.kind = kind
        self.taxonomy = taxonomy
        self.columns = columns
        self.index_of = {column.key: index for index, column in columns.items()}

    def read(self, row: Row) -> tuple[Sme | Need | None, list[SheetProblem], _RowId | None]:
        """The record (None if any problem), the problems, and the row's id if it has one."""
        data: dict[str, Any] = {}
        problems: list[SheetProblem] = []
        unreadable: set[str] = set()
        for index, column in self.columns.items():
            cell = row.cells[index] if index < len(row.cells) else None
            if cell is None:
                continue
            value = self._value(row.number, index, column, cell, problems)
            if value is None:
                unreadable.add(column.key)
            else:
                _put(data, column.path, value)
        made = "id" not in data and "id" not in unreadable
        made_id = self._made_id(data) if made else None
        if made_id:
            _put(data, ("id",), made_id)
        record, model_problems = self._validate(row.number, data, unreadable)
        given = data.get("id")
        row_id = _RowId(row.number, given, made) if isinstance(given, str) and given else None
        return (record if not problems else None), problems + model_problems, row_id

    def _problem(self, row: int, index: int, message: str) -> SheetProblem:
        return SheetProblem(self.display, row, index, self.titles.get(index, ""), message)

    def _value(
        self, row: int, index: int, column: Column, cell: Cell, problems: list[SheetProblem]
    ) -> str | list[str] | None:
        refusal = _refusal(column, cell)
        if refusal:
            problems.append(self._problem(row, index, refusal))
            return None
        text = _unquoted(cell.text.replace("\r\n", "\n").replace("\r", "\n"))
        items = split_items(text, column.kind) if column.many else [text.strip()]
        values = []
        for item in items:
            try:
                values.append(normalise(item, column, self.taxonomy))
            except Unreadable as exc:
                problems.append(self._problem(row, index, str(exc)))
        if len(values) < len(items):
            return None
        return values if column.many else values[0]

    def _made_id(self, data: dict[str, Any]) -> str | None:
        # None when the name is missing: the model then reports the name, not the id.
        """An id from the name (SMEs) or from country, city and title (needs)."""
        if self.kind is RecordKind.SME:
            name = data.get("name")
            return slug_from(name) if isinstance(name, str) and name else None
        city, title = data.get("city"), data.get("title")
        if not isinstance(city, str) or not isinstance(title, str):
            return None
        country = data.get("country")
        prefix = ""
        if isinstance(country, str) and self.taxonomy and country in self.taxonomy.countries:
            prefix = self.taxonomy.countries[country].iso.lower()
        return slug_from(prefix, city, title) or None

    def _validate(
        self, row: int, data: dict[str, Any], unreadable: set[str]
    ) -> tuple[Sme | Need | None, list[SheetProblem]]:
        try:
            return self.kind.model.model_validate(data), []
        except ValidationError as exc:
            details = exc.errors()
        problems = []
        for detail in details:
            problem = self._model_problem(row, detail, unreadable)
            if problem is not None:
                problems.append(problem)
        return None, problems

    def _model_problem(
        self, row: int, detail: ErrorDetails, unreadable: set[str]
    ) -> SheetProblem | None:
        loc = tuple(str(part) for part in detail["loc"] if not isinstance(part, int))
        items = [part for part in detail["loc"] if isinstance(part, int)]
        key = ".".join(loc)
        index = self.index_of.get(key)
        if key in unreadable or any(key.startswith(u + ".") for u in unreadable):
            return None  # already reported as the cell's own problem
        if detail["type"] == "missing":
            return self._missing(row, key, index)
        reason = error_reason(detail)
        if items:
            reason = f"item {items[0] + 1} {reason}"
        if index is None:
            return SheetProblem(self.display, row, message=f"'{key}' {reason}")
        return self._problem(row, index, reason)

    def _missing(self, row: int, key: str, index: int | None) -> SheetProblem | None:
        if key == "id":
            return None  # made from a name that is itself missing, and reported there
        if index is not None:
            return self._problem(row, index, "must not be empty")
        column = next((c for c in columns_for(self.kind) if c.key == key), None)
        if column is None or column.required:
            return None  # the whole column is missing: reported once, on the header row
        message = f"needs a value for '{column.header}', which has no column"
        return SheetProblem(self.display, row, message=message)


def _refusal(column: Column, cell: Cell) -> str | None:
    """Why a cell cannot be read as this column's value, before any normalisation."""
    if cell.type is CellType.FORMULA:
        shown = printable(cell.text, limit=40)
        return f"holds a formula ({shown}); formulas are not run: type the value itself"
    if cell.type is CellType.ERROR:
        return f"holds the error value {printable(cell.text)}"
    number_ok = column.kind is ValueKind.NUMBER and cell.type is CellType.NUMBER
    if cell.type is not CellType.TEXT and not number_ok:
        return (
            f"the spreadsheet stored this as a {cell.type} ({printable(cell.text)}), not as "
            "text; format the column as Text and type the value again"
        )
    if len(cell.text) > MAX_CELL:
        return f"holds {len(cell.text):,} characters; a cell may hold at most {MAX_CELL:,}"
    bad = bad_character(cell.text)
    if bad:
        return f"holds the control character {bad}; remove it"
    return None


def _unquoted(text: str) -> str:
    """Undo the apostrophe our exports put before text a spreadsheet would run as a formula."""
    if text.startswith("'") and text[1:2] and text[1:2] in _FORMULA_START:
        return text[1:]
    return text


def _put(data: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


@dataclass(frozen=True)
class _RowId:
    """The id a row has (given or made), valid or not: duplicates are found across all rows."""

    row: int
    id: str
    made: bool


def _duplicates(
    display: str,
    ids: Sequence[_RowId],
    columns: dict[int, Column],
    titles: dict[int, str],
    kind: RecordKind,
) -> list[SheetProblem]:
    """A row whose id another row already has: an error naming both rows."""
    index_of = {column.key: index for index, column in columns.items()}
    id_index = index_of.get("id")
    source = "name" if kind is RecordKind.SME else "title"
    first: dict[str, int] = {}
    problems = []
    for item in ids:
        record_id = item.id
        if record_id not in first:
            first[record_id] = item.row
            continue
        other = first[record_id]
        if id_index is not None and not item.made:
            index = id_index
            msg = f"id '{printable(record_id)}' is also used by row {other}"
        else:
            index = index_of.get(source, 0)
            msg = f"makes the id '{record_id}', like row {other}; give one of them an ID"
        problems.append(SheetProblem(display, item.row, index, titles.get(index, ""), msg))
    return problems


def load_mapping(path: Path, kind: RecordKind) -> dict[str, Column | None]:
    """A `--map` file: `Sheet header: field` lines; a field may be a key, a header or `-`."""
    document, problems = load_file(path, str(path))
    if document is None:
        raise CatalogueError(problems, "the --map file")
    lookup = _lookup(kind)
    mapping: dict[str, Column | None] = {}
    for header, target in document.data.items():
        line, col = document.position((header,))
        if not isinstance(target, str | None):
            problems.append(error(str(path), line, col, f"'{header}' must map to one field name"))
            continue
        wanted = (target or "").strip()
        if wanted in IGNORE:
            mapping[header_key(header)] = None
        elif header_key(wanted) in lookup:
            mapping[header_key(header)] = lookup[header_key(wanted)]
        else:
            problems.append(_unknown_target(str(path), line, col, wanted, kind))
    if problems:
        raise CatalogueError(problems, "the --map file")
    return mapping


def _unknown_target(path: str, line: int, col: int, wanted: str, kind: RecordKind) -> Problem:
    keys = [column.key for column in columns_for(kind)]
    best = process.extractOne(wanted, keys, scorer=fuzz.ratio, score_cutoff=60)
    hint = f"did you mean '{best[0]}'?" if best else f"choose one of: {', '.join(keys)}, -"
    return error(path, line, col, f"unknown field '{printable(wanted)}'; {hint}")
