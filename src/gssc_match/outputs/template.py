"""Registration sheets going out: an empty template, or the catalogue in the same shape.

Both have one column per field (`catalogue.columns`), English headers, list items one per
line inside a cell. The XLSX has a "Help" sheet explaining each column with its allowed
values, and drop-downs (real data validations) for the closed lists. Bytes repeat for the
same inputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..catalogue.codes import COUNTRY_CODES, LANGUAGE_CODES
from ..catalogue.columns import Column, RecordKind, ValueKind, columns_for
from ..catalogue.taxonomy import Taxonomy
from ..errors import UsageError
from .export import fixed_zip_times
from .formats import neutralise

FIXED_STAMP = dt.datetime(2000, 1, 1)
VALIDATED_ROWS = 5_000  # drop-downs reach this far down the sheet
SHEET_TITLES = {RecordKind.SME: "SMEs", RecordKind.NEED: "Needs"}
HELP_TITLE = "Help"
HELP_COLUMNS = ("Column", "Required", "What to write")
HELP_LINE = 85  # characters per line of the 80-wide help column
_ALIAS_NOTE = "Not in the list? Names in any language also work (España, Polska, Español)."


class SheetFormat(StrEnum):
    """File formats of a registration sheet."""

    CSV = "csv"
    XLSX = "xlsx"


def sheet_format(path: Path) -> SheetFormat:
    """The format a file name asks for: `.csv` or `.xlsx`."""
    suffix = path.suffix.lower().lstrip(".")
    try:
        return SheetFormat(suffix)
    except ValueError:
        msg = f"cannot tell the format of '{path.name}'; use a .csv or .xlsx name"
        raise UsageError(msg) from None


def template(kind: RecordKind, fmt: SheetFormat, taxonomy: Taxonomy) -> bytes:
    """An empty registration sheet for SMEs or needs."""
    return catalogue_sheet(kind, (), fmt, taxonomy)


def catalogue_sheet(
    kind: RecordKind,
    records: Sequence[BaseModel],
    fmt: SheetFormat,
    taxonomy: Taxonomy,
    delimiter: str = ",",
    with_contacts: bool = True,
) -> bytes:
    """Records in the template's shape, so that importing the file gives them back.

    Without `with_contacts`, the columns about people are left out, as in every export.
    """
    columns = tuple(c for c in columns_for(kind) if with_contacts or not c.private)
    rows = [[cell_value(record, column) for column in columns] for record in records]
    if fmt is SheetFormat.CSV:
        return _csv(columns, rows, delimiter)
    return _xlsx(kind, columns, rows, taxonomy)


def cell_value(record: BaseModel, column: Column) -> str | int | None:
    """A field as a cell: lists one item per line, numbers as numbers, empty as None."""
    value: Any = record
    for part in column.path:
        value = getattr(value, part, None)
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return str(value)


def _csv(columns: Sequence[Column], rows: list[list[str | int | None]], delimiter: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(str(v)) for v in row])
    # UTF-8 with BOM: without it Excel reads the file in the legacy code page.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(
    kind: RecordKind,
    columns: Sequence[Column],
    rows: list[list[str | int | None]],
    taxonomy: Taxonomy,
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    # openpyxl stamps the clock into the properties; a fixed stamp keeps the bytes repeatable.
    book.properties.created = book.properties.modified = FIXED_STAMP
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLES[kind]
    _data_sheet(sheet, columns, rows)
    lists = _allowed_values(columns, taxonomy)
    help_sheet = book.create_sheet(HELP_TITLE)
    ranges = _help_sheet(help_sheet, columns, lists)
    _validations(sheet, columns, ranges)
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def _data_sheet(sheet: Any, columns: Sequence[Column], rows: list[list[str | int | None]]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
                cell.quotePrefix = value.startswith(("=", "+", "-", "@"))
                cell.alignment = wrap
    sheet.freeze_panes = "A2"
    for c, column in enumerate(columns, start=1):
        sheet.column_dimensions[_letter(c)].width = _width(column)


def _width(column: Column) -> int:
    if column.kind is ValueKind.TEXT:
        return 40 if column.many else 30
    return max(12, min(30, len(column.header) + 4))


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _allowed_values(columns: Sequence[Column], taxonomy: Taxonomy) -> dict[str, list[str]]:
    """The closed lists the columns of this sheet draw from, by list title."""
    lists: dict[str, list[str]] = {}
    for column in columns:
        title, values = _list_of(column, taxonomy)
        if title:
            lists[title] = values
    return lists


def _list_of(column: Column, taxonomy: Taxonomy) -> tuple[str, list[str]]:
    kind = column.kind
    if kind is ValueKind.CLUSTER:
        return "Clusters", sorted(taxonomy.clusters)
    if kind is ValueKind.TARGET_COUNTRY:
        return "Target countries", sorted(taxonomy.countries)
    if kind is ValueKind.COUNTRY:
        return "Countries (ISO)", sorted(COUNTRY_CODES)
    if kind is ValueKind.LANGUAGE:
        return "Languages (ISO)", sorted(LANGUAGE_CODES)
    if kind is ValueKind.CHOICE:
        return column.header, list(column.choices)
    if kind is ValueKind.NUMBER and column.low is not None and column.high is not None:
        return column.header, [str(n) for n in range(column.low, column.high + 1)]
    return "", []


def _help_sheet(
    sheet: Any, columns: Sequence[Column], lists: dict[str, list[str]]
) -> dict[str, str]:
    """Fill the Help sheet; returns each list's cell range, for the drop-downs."""
    from openpyxl.styles import Alignment, Font

    sheet.append(list(HELP_COLUMNS))
    for column in columns:
        required = "yes" if column.required else "no"
        sheet.append([column.header, required, help_text(column)])
    first = len(HELP_COLUMNS) + 2  # one empty column between the table and the lists
    ranges: dict[str, str] = {}
    for offset, (title, values) in enumerate(lists.items()):
        letter = _letter(first + offset)
        sheet.cell(row=1, column=first + offset, value=title)
        for r, value in enumerate(values, start=2):
            sheet.cell(row=r, column=first + offset, value=value).data_type = "s"
        ranges[title] = f"'{HELP_TITLE}'!${letter}$2:${letter}${len(values) + 1}"
        sheet.column_dimensions[letter].width = max(12, len(title) + 2)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
        # Calc and Excel do not grow a row for wrapped text they did not type themselves.
        lines = -(-len(str(row[2].value or "")) // HELP_LINE)
        sheet.row_dimensions[row[2].row].height = 15 * max(1, lines)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "A2"
    return ranges


def help_text(column: Column) -> str:
    """What to write in a column, in one or two sentences."""
    parts = [column.help] if column.help else []
    parts.append(_KIND_HELP.get(column.kind, ""))
    if column.kind is ValueKind.NUMBER and column.low is not None:
        upper = f" to {column.high}" if column.high is not None else " or more"
        parts.append(f"A whole number from {column.low}{upper}.")
    if column.kind is ValueKind.CHOICE:
        parts.append(f"One of: {', '.join(column.choices)} (also in es, pt, it, pl, vi).")
    if column.many:
        parts.append("Several: one per line in the cell (Alt+Enter), or separated by ';'.")
    return " ".join(part for part in parts if part)


_KIND_HELP = {
    ValueKind.COUNTRY: "ISO code (ES) or the country's name in any language (Spain, España).",
    ValueKind.LANGUAGE: "ISO code (es) or the language's name (Spanish, Español, hiszpański).",
    ValueKind.CLUSTER: "A cluster of the Help list, by id or name.",
    ValueKind.TARGET_COUNTRY: "A mission country of the Help list (name or ISO code also work).",
    ValueKind.URL: "A web address starting with https:// or http://.",
    ValueKind.NUMBER: "'TRL 7' and '90 000 €' are read as numbers.",
}


def _validations(sheet: Any, columns: Sequence[Column], ranges: dict[str, str]) -> None:
    """Drop-downs for single-valued columns with a closed list (lists cannot multi-select)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for c, column in enumerate(columns, start=1):
        title = _title(column)
        if column.many or title not in ranges:
            continue
        # Names in other languages are accepted too: warn, do not block, outside the list.
        strict = column.kind in (ValueKind.NUMBER, ValueKind.CHOICE)
        rule = DataValidation(
            type="list",
            formula1=f"={ranges[title]}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=column.header,
            error=(help_text(column) if strict else _ALIAS_NOTE)[:255],
            promptTitle=column.header,
            prompt=help_text(column)[:255],
            showInputMessage=True,
        )
        letter = _letter(c)
        rule.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(rule)


def _title(column: Column) -> str:
    titles = {
        ValueKind.CLUSTER: "Clusters",
        ValueKind.TARGET_COUNTRY: "Target countries",
        ValueKind.COUNTRY: "Countries (ISO)",
        ValueKind.LANGUAGE: "Languages (ISO)",
    }
    return titles.get(column.kind, column.header)
