"""Read an untrusted CSV or XLSX file into rows of cells, with every refusal as a problem.

Follows RELIABILITY.md ("Spreadsheets coming in"): regular files only and a size cap; an
XLSX's ZIP directory is checked (entry count, sizes, compression ratio) and its XML scanned
for DTDs and entities before anything is parsed; then `xlsx` streams the sheet through
defusedxml's expat parser, or, for what that reader does not handle, openpyxl reads the
workbook as it always did (also through defusedxml), to the same result; rows and columns
are counted from the sheet's own dimension first; formulas
come back as their text, never evaluated; numbers, dates and booleans keep their type so
that a text column can refuse what Excel turned `01234` or `3-4` into. CSV is UTF-8 (with or
without BOM) or UTF-16 with BOM unless told otherwise, comma, semicolon or tab separated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from ..problems import Level, printable, visible

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_RATIO = 200  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL = 32_767  # Excel's own limit on one cell
DELIMITERS = (",", ";", "\t")
_XML_DANGER = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DIMENSION = re.compile(rb'<dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
# Control characters but tab, LF and CR, and non-characters: no YAML file may hold them.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]"
)


class CellType(StrEnum):
    """What a spreadsheet holds in a cell, before we read it as text."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "true/false value"
    FORMULA = "formula"
    ERROR = "error value"


@dataclass(frozen=True)
class Cell:
    """One non-empty cell: its text as shown (numbers without `.0`) and its type."""

    text: str
    type: CellType = CellType.TEXT


@dataclass(frozen=True, order=True)
class SheetProblem:
    """A problem in a sheet: file, the row as the spreadsheet numbers it, the column header."""

    path: str
    row: int = 0
    column_index: int = 0
    column: str = ""
    message: str = ""
    level: Level = Level.ERROR

    def render(self) -> str:
        """`smes.xlsx:row 14:column 'Country': message`; row and column when known."""
        place = visible(self.path)
        if self.row:
            place += f":row {self.row}"
        if self.column:
            place += f":column '{printable(self.column, limit=40)}'"
        prefix = "warning: " if self.level is Level.WARNING else ""
        return f"{place}: {prefix}{visible(self.message)}"


@dataclass(frozen=True)
class Row:
    """A row with its number as the spreadsheet shows it; cells by 0-based column, or None."""

    number: int
    cells: tuple[Cell | None, ...]


@dataclass(frozen=True)
class Sheet:
    """The rows read from one file, and what was refused or skipped on the way."""

    path: str
    rows: tuple[Row, ...] = ()
    problems: tuple[SheetProblem, ...] = ()
    sheet_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadOptions:
    """How to read: `--delimiter`, `--encoding`, `--sheet`."""

    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None


def read_sheet(path: Path, display: str, options: ReadOptions = ReadOptions()) -> Sheet:
    """Read a CSV or XLSX file; never raises on bad input (problems are in the result)."""
    raw = _read_capped(path, display)
    if isinstance(raw, SheetProblem):
        return Sheet(display, problems=(raw,))
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw, display, options)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return refused(display, "is an old Excel 97-2003 workbook; save it as .xlsx or CSV")
    if path.suffix.lower() == ".xlsx":
        return refused(display, "is not an XLSX workbook (no ZIP signature)")
    return _read_csv(raw, display, options)


def refused(display: str, message: str) -> Sheet:
    return Sheet(display, problems=(SheetProblem(display, message=message),))


def _read_capped(path: Path, display: str) -> bytes | SheetProblem:
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            return SheetProblem(display, message=f"is {what}; only regular files are read")
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return SheetProblem(display, message=f"cannot read file: {exc.strerror}")
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return SheetProblem(display, message=f"file is larger than {limit} MiB; split it")
    return data


# --- CSV -------------------------------------------------------------------------------


def _read_csv(raw: bytes, display: str, options: ReadOptions) -> Sheet:
    text = _decode(raw, display, options.encoding)
    if isinstance(text, SheetProblem):
        return Sheet(display, problems=(text,))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = options.delimiter or _detect_delimiter(text)
    rows: list[Row] = []
    problems: list[SheetProblem] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_ROWS:
                return refused(display, f"has more than {MAX_ROWS:,} rows; split it")
            if len(values) > MAX_COLUMNS:
                msg = f"has {len(values)} columns; at most {MAX_COLUMNS} are read"
                return refused(display, msg)
            cells = tuple(_text_cell(v) for v in values)
            if any(cells):  # blank lines, as in XLSX, are not rows to import
                rows.append(Row(number, cells))
    except csv.Error as exc:
        problems.append(SheetProblem(display, reader.line_num, message=f"unreadable CSV: {exc}"))
    return Sheet(display, tuple(rows), tuple(problems))


def _decode(raw: bytes, display: str, encoding: str | None) -> str | SheetProblem:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and encoding is None:
        encoding = "utf-16"
    chosen = encoding or "utf-8-sig"
    try:
        return raw.decode(chosen)
    except LookupError:
        return SheetProblem(display, message=f"unknown encoding '{printable(chosen)}'")
    except UnicodeDecodeError as exc:
        row = _row_of_offset(raw, exc.start, chosen)
        hint = (
            "save the file as 'CSV UTF-8', or name its encoding with --encoding "
            "(Excel on Windows writes cp1252)"
        )
        message = f"byte 0x{raw[exc.start]:02x} cannot be read as {chosen}; {hint}"
        return SheetProblem(display, row, message=message)


def _row_of_offset(raw: bytes, offset: int, encoding: str) -> int:
    """The spreadsheet row (CSV record) that holds a byte offset."""
    before = raw[:offset].decode(encoding, errors="replace").replace("\r\n", "\n")
    records = list(csv.reader(io.StringIO(before.replace("\r", "\n"), newline="")))
    ends_cleanly = before.endswith("\n")
    return len(records) + (1 if ends_cleanly or not records else 0)


def _detect_delimiter(text: str) -> str:
    """The candidate that splits the first line into the most fields (ties: comma first)."""
    first = text.split("\n", 1)[0]

    def fields(delimiter: str) -> int:
        return len(next(csv.reader([first], delimiter=delimiter), []))

    return max(DELIMITERS, key=fields)


def _text_cell(value: str) -> Cell | None:
    return Cell(value) if value.strip() else None


# --- XLSX ------------------------------------------------------------------------------


def _read_xlsx(raw: bytes, display: str, options: ReadOptions) -> Sheet:
    refusal = _check_zip(raw)
    if refusal:
        return refused(display, refusal)
    # Imported here: a CSV never needs the XLSX reader.
    from .xlsx import Unsupported, read_xlsx

    try:
        return read_xlsx(raw, display, options)
    except Unsupported:
        return _read_with_openpyxl(raw, display, options)


def _read_with_openpyxl(raw: bytes, display: str, options: ReadOptions) -> Sheet:
    """The workbook read by openpyxl: slow, but it knows every corner of the format."""
    book = _open_book(raw)
    if isinstance(book, str):
        return refused(display, book)
    names = tuple(book.sheetnames)
    sheet = _choose_sheet(book, options.sheet)
    if isinstance(sheet, str):
        return Sheet(display, problems=(SheetProblem(display, message=sheet),), sheet_names=names)
    if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
        return refused(display, too_big(sheet.title, sheet.max_row, sheet.max_column))
    skipped: list[SheetProblem] = []
    rows = _sheet_rows(sheet, display, skipped)
    return Sheet(display, tuple(rows), tuple(skipped + _merged(sheet, display)), names)


_LIMITS = f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns"


def too_big(title: str, rows: int, columns: int) -> str:
    size = f"{rows:,} rows and {columns:,} columns"
    return f"sheet '{title}' has {size}; the limit is {_LIMITS}"


def _check_zip(raw: bytes) -> str | None:
    """Refuse a ZIP bomb or an XML bomb from the ZIP directory, before any parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "is not a readable XLSX workbook (damaged ZIP archive)"
    if len(entries) > MAX_ZIP_ENTRIES:
        return f"holds {len(entries):,} files; an XLSX workbook has a few dozen"
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNZIPPED_BYTES:
        limit = MAX_UNZIPPED_BYTES // (1024 * 1024)
        return f"unpacks to {total // (1024 * 1024):,} MiB; the limit is {limit} MiB (a ZIP bomb?)"
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * entry.compress_size:
            return (
                f"'{printable(entry.filename)}' is compressed {MAX_RATIO}:1 or more (a ZIP bomb?)"
            )
    return _check_xml(archive, entries)


def _check_xml(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str | None:
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(entry) as handle:
                head = handle.read(4096)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            return "is not a readable XLSX workbook (damaged ZIP archive)"
        if _XML_DANGER.search(head):
            name = printable(entry.filename)
            return f"'{name}' declares XML entities (an XML bomb?); workbooks never need them"
        dimension = _DIMENSION.search(head)
        if dimension and _too_large(dimension):
            return f"'{printable(entry.filename)}' declares more than {_LIMITS}"
    return None


def _too_large(dimension: re.Match[bytes]) -> bool:
    last_column = dimension.group(3) or dimension.group(1)
    last_row = dimension.group(4) or dimension.group(2)
    return int(last_row) > MAX_ROWS or _column_number(last_column.decode()) > MAX_COLUMNS


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _open_book(raw: bytes) -> Any:
    """The workbook, or why it cannot be read (openpyxl's many exceptions become one line)."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (slicers, some validations); harmless.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), data_only=False, keep_links=False)
    except Exception as exc:  # any parser failure means a bad file, never a crash
        if any(isinstance(cause, DefusedXmlException) for cause in _causes(exc)):
            return "declares XML entities (an XML bomb?); workbooks never need them"
        name = type(exc).__name__
        return f"is not a readable XLSX workbook ({printable(str(exc) or name, limit=80)})"


def _causes(exc: BaseException) -> list[BaseException]:
    """An exception and those it was raised from (openpyxl wraps the parser's)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _choose_sheet(book: Any, wanted: str | None) -> Any:
    chosen = pick_sheet([sheet.title for sheet in book.worksheets], wanted)
    return chosen if isinstance(chosen, str) else book.worksheets[chosen]


def pick_sheet(titles: list[str], wanted: str | None) -> int | str:
    """The index of the first sheet, or of `--sheet` (any case); or why there is none."""
    if not titles:
        return "the workbook holds no worksheet (only chart sheets, or none at all)"
    if wanted is None:
        return 0
    for index, title in enumerate(titles):
        if title == wanted or title.casefold() == wanted.casefold():
            return index
    names = ", ".join(f"'{printable(title)}'" for title in titles)
    return f"no sheet named '{printable(wanted)}'; the sheets are {names}"


def _sheet_rows(sheet: Any, display: str, skipped: list[SheetProblem]) -> list[Row]:
    """The visible, non-empty rows; each hidden row and column is named in `skipped`."""
    hidden_columns = _hidden_columns(sheet)
    rows: list[Row] = []
    for values in sheet.iter_rows():
        number = values[0].row if values else 0
        cells = tuple(None if i in hidden_columns else _cell(c) for i, c in enumerate(values))
        if not any(cells):
            continue
        if sheet.row_dimensions[number].hidden:
            skipped.append(hidden_row(display, number))
            continue
        rows.append(Row(number, cells))
    skipped.extend(hidden_column(display, index) for index in sorted(hidden_columns))
    return rows


def hidden_row(display: str, number: int) -> SheetProblem:
    msg = "hidden row skipped; unhide it to import it"
    return SheetProblem(display, number, message=msg, level=Level.WARNING)


def hidden_column(display: str, index: int) -> SheetProblem:
    msg = f"hidden column {_letter(index)} skipped; unhide it to import it"
    return SheetProblem(display, message=msg, level=Level.WARNING)


def _hidden_columns(sheet: Any) -> set[int]:
    """0-based indexes of hidden columns (a dimension may cover a range of columns)."""
    hidden: set[int] = set()
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min and dimension.max:
            hidden.update(range(dimension.min - 1, min(dimension.max, MAX_COLUMNS)))
    return hidden


def _merged(sheet: Any, display: str) -> list[SheetProblem]:
    ranges = sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    return [merged_range(display, r.min_col, r.min_row, r.max_col, r.max_row) for r in ranges]


def merged_range(
    display: str, min_col: int, min_row: int, max_col: int, max_row: int
) -> SheetProblem:
    first = f"{_letter(min_col - 1)}{min_row}"
    last = f"{_letter(max_col - 1)}{max_row}"
    coord = first if first == last else f"{first}:{last}"
    msg = f"cells {coord} are merged; only {first} is read (unmerge and fill each row)"
    return SheetProblem(display, min_row, message=msg, level=Level.WARNING)


def _letter(index: int) -> str:
    """A column's letters from its 0-based index, as openpyxl's get_column_letter gives them
    (not imported: the fast XLSX reader would load all of openpyxl for it)."""
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(cell: Any) -> Cell | None:
    return value_cell(cell.value, cell.data_type)


def value_cell(value: object, data_type: str) -> Cell | None:
    """A cell from openpyxl's value and data type (the fast XLSX reader makes the same pairs)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if data_type == "f":
        return Cell(_formula_text(value), CellType.FORMULA)
    if not isinstance(value, str | int | float | bool | dt.datetime | dt.date | dt.time):
        # A duration (a [h]:mm number format) comes back as a timedelta.
        return Cell(str(getattr(value, "text", value)), CellType.FORMULA)
    if data_type == "e":
        return Cell(str(value), CellType.ERROR)
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE", CellType.BOOL)
    if isinstance(value, int | float):
        return Cell(number_text(value), CellType.NUMBER)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return Cell(value.isoformat(), CellType.DATE)
    return Cell(value)


def _formula_text(value: object) -> str:
    """A formula as typed: array formulas carry their text, data tables only their inputs."""
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text
    attrs = vars(value)
    return table_formula(attrs.get("r1"), attrs.get("r2"), attrs.get("dt2D"), attrs.get("dtr"))


def table_formula(r1: object, r2: object, two_d: object, row_input: object) -> str:
    """A what-if data table as Excel shows it: `=TABLE(row input, column input)`."""
    first, second = r1 or "", r2 or ""
    if two_d in ("1", "true", True):
        return f"=TABLE({first},{second})"
    return f"=TABLE({first},)" if row_input in ("1", "true", True) else f"=TABLE(,{first})"


def number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def bad_character(text: str) -> str | None:
    """The first control character a YAML file could not hold, shown as an escape."""
    found = _BAD_CHARS.search(text)
    return visible(found.group()) if found else None
