"""Write shortlists to files people open and share: CSV, XLSX, JSON, Markdown.

Nothing is lost: the file is written to a temporary file in the target folder, flushed,
synced and renamed into place; an existing file is kept unless `force`; an input file of
the catalogue is never a target.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..catalogue.loader import same_file
from ..errors import OutputError, UsageError
from .formats import neutralise, to_csv, to_json, to_markdown
from .rows import NUMBER_COLUMNS, Row, header, output_columns


class ExportFormat(StrEnum):
    """File formats of `export`."""

    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    MD = "md"


SUFFIXES = {
    ".csv": ExportFormat.CSV,
    ".xlsx": ExportFormat.XLSX,
    ".json": ExportFormat.JSON,
    ".md": ExportFormat.MD,
    ".markdown": ExportFormat.MD,
}


@dataclass(frozen=True)
class ExportRequest:
    """Where and how to write, and what must never be overwritten."""

    path: Path
    fmt: ExportFormat
    force: bool = False
    delimiter: str = ","
    decimal: str = "."
    protected: tuple[Path, ...] = ()
    with_contacts: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return output_columns(self.with_contacts)


def format_for(path: Path, explicit: ExportFormat | None) -> ExportFormat:
    """The format asked for, else the one the file suffix names."""
    if explicit is not None:
        return explicit
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            f"cannot tell the format of '{path.name}'; use a .csv, .xlsx, .json or "
            ".md name, or --format"
        )
    return found


def export(rows: Sequence[Row], about: dict[str, Any], request: ExportRequest) -> None:
    """Render rows in the requested format and write them safely."""
    check_target(request)
    content = RENDERERS[request.fmt](rows, about, request)
    atomic_write(request.path, content)


def check_target(request: ExportRequest) -> None:
    """Refuse a missing folder, an input file, or an existing file without force."""
    check_path(request.path, request.force, request.protected)


def check_path(path: Path, force: bool, protected: Sequence[Path]) -> None:
    """`check_target` for any file this tool writes (exports, pages)."""
    if not path.parent.is_dir():
        raise OutputError(f"folder '{path.parent}' does not exist")
    if any(same_file(path, p) for p in protected):
        raise OutputError(f"refusing to write over the input file '{path}'")
    if path.is_dir():
        raise OutputError(f"'{path}' is a folder")
    if path.exists() and not force:
        raise OutputError(f"'{path}' already exists; use --force to replace it")


def atomic_write(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename into place."""
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in '{path.parent}': {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            # mkstemp creates 0600; a shared shortlist gets what any new file would get.
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write '{path}': {exc.strerror}") from exc
        raise


def current_umask() -> int:
    """The process umask (reading it means setting it: restored at once)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _csv(rows: Sequence[Row], about: dict[str, Any], request: ExportRequest) -> bytes:
    # UTF-8 with BOM: without it Excel reads the file in the legacy code page.
    return to_csv(rows, request.delimiter, request.decimal, request.columns).encode("utf-8-sig")


def _json(rows: Sequence[Row], about: dict[str, Any], request: ExportRequest) -> bytes:
    return to_json(rows, about, request.columns).encode("utf-8")


def _markdown(rows: Sequence[Row], about: dict[str, Any], request: ExportRequest) -> bytes:
    return to_markdown(rows, about, request.columns).encode("utf-8")


# -- XLSX ---------------------------------------------------------------------------------

PRINTED = (
    "need_title",
    "need_title_en",
    "city",
    "country",
    "need_priority",
    "need_budget_eur",
    "rank",
    "sme_name",
    "cluster",
    "score",
    "label",
    "why",
)
"""The columns an organiser reads on paper, first and within the print area; the ids,
description, parts and evidence follow for the screen."""

WIDTHS = {
    "need_title": 38,
    "need_title_en": 32,
    "need_description": 60,
    "sme_name": 26,
    "why": 38,
    "matched_concepts": 45,
    "related_concepts": 40,
    "selection": 30,
}
NO_MATCH_COLUMNS = (
    "need_id",
    "country",
    "city",
    "need_title",
    "need_title_en",
    "need_priority",
    "why",
)
LINE_HEIGHT = 15  # points per line of 11-point text
NUMBER_FORMATS = {"need_budget_eur": "#,##0", "rank": "0"}


def sheet_columns(columns: Sequence[str]) -> tuple[str, ...]:
    """The export's columns with the printed ones first, the rest in their usual order."""
    return (*(c for c in PRINTED if c in columns), *(c for c in columns if c not in PRINTED))


def _xlsx(rows: Sequence[Row], about: dict[str, Any], request: ExportRequest) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    # The properties carry the clock; pin them to the run's date so that bytes repeat.
    stamp = midnight(str(about.get("generated", "")))
    book.properties.created = stamp
    book.properties.modified = stamp
    sheet = book.active
    assert sheet is not None
    sheet.title = "Needs" if _selection(about).get("sme_id") else "Shortlist"
    columns = sheet_columns(request.columns)
    _fill(sheet, columns, (r.as_dict() for r in rows))
    _lay_out(sheet, columns, printed=sum(c in PRINTED for c in columns))
    missing = book.create_sheet("No good match")
    _fill(missing, NO_MATCH_COLUMNS, (r.as_dict() for r in rows if r.no_good_match))
    _lay_out(missing, NO_MATCH_COLUMNS, printed=len(NO_MATCH_COLUMNS))
    info = book.create_sheet("About")
    _fill(info, ("setting", "value"), ({"setting": k, "value": v} for k, v in _about_lines(about)))
    _lay_out(info, ("setting", "value"), printed=2)
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def _selection(about: dict[str, Any]) -> dict[str, Any]:
    selection = about.get("selection")
    return selection if isinstance(selection, dict) else {}


def _about_lines(about: dict[str, Any]) -> list[tuple[str, str]]:
    """The filter first, as a sentence, then every setting of the run."""
    lines = [("Selection", str(about.get("filter", "")))] if "filter" in about else []
    return lines + [(k, v) for k, v in flatten(about) if k != "filter"]


def midnight(day: str) -> dt.datetime:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time())
    except ValueError:
        return dt.datetime(1980, 1, 1)


def _fill(sheet: Any, columns: Sequence[str], records: Iterable[dict[str, Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([header(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    styled: dict[int, Any] = {}
    for r, record in enumerate(records, start=2):
        for c, column in enumerate(columns, start=1):
            value = record[column]
            cell = sheet.cell(row=r, column=c)
            _style(cell, column, styled)
            if value is None:
                continue
            if column in NUMBER_COLUMNS or isinstance(value, bool):
                cell.value = value
            else:
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, even when it starts with "="
                cell.quotePrefix = str(value).startswith(("=", "+", "-", "@"))


def _style(cell: Any, column: str, styled: dict[int, Any]) -> None:
    """Wrapped and top-aligned text, numbers in their format.

    openpyxl hashes a style object on every assignment, which a sheet of 10,000 rows
    feels; every cell below the first of its column gets a copy of that cell's style.
    """
    from openpyxl.styles import Alignment

    first = styled.get(cell.column)
    if first is not None:
        cell._style = copy(first._style)
        return
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if column in NUMBER_COLUMNS:
        cell.number_format = NUMBER_FORMATS.get(column, "0.000")
    styled[cell.column] = cell


def _lay_out(sheet: Any, columns: Sequence[str], printed: int) -> None:
    """Readable on screen (wrapped text, frozen header, filters) and on paper (landscape,
    the printed columns fit to the page width, the header repeated on every page)."""
    from openpyxl.utils import get_column_letter

    widths = []
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        widths.append(WIDTHS.get(column) or _fitted(sheet[letter]))
        sheet.column_dimensions[letter].width = widths[-1]
    _row_heights(sheet, widths[: max(printed, 1)])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:{get_column_letter(max(printed, 1))}{max(sheet.max_row, 1)}"


def _row_heights(sheet: Any, widths: Sequence[float]) -> None:
    """Heights for the wrapped lines of the printed columns: spreadsheets do not grow rows
    of a file they open, so without them wrapped text runs into the row below. (The long
    columns beyond the print area show their first lines; the cell holds all of it.)"""
    for row in sheet.iter_rows(max_col=len(widths)):
        lines = max(
            (_lines(str(c.value), widths[c.column - 1]) for c in row if c.value is not None),
            default=1,
        )
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def _lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 0.95))  # a width unit is about one average character
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _fitted(cells: Sequence[Any]) -> float:
    longest = max((len(str(c.value)) for c in cells if c.value is not None), default=8)
    return float(min(50, max(8, longest + 2)))


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [
            item
            for k, v in value.items()
            for item in flatten(v, f"{prefix}.{k}" if prefix else str(k))
        ]
    if isinstance(value, list | tuple):
        return [(prefix, ", ".join(str(v) for v in value))]
    return [(prefix, "" if value is None else str(value))]


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]*)</dcterms:created>")


def _modified_as_created(core: bytes) -> bytes:
    created = _CREATED.search(core)
    stamp = created.group(1) if created else b""
    return _MODIFIED.sub(lambda m: m.group(1) + stamp + m.group(2), core)


def fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the XLSX zip with fixed times, so that same inputs give the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _modified_as_created(content)
            fixed = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


RENDERERS: dict[ExportFormat, Callable[[Sequence[Row], dict[str, Any], ExportRequest], bytes]] = {
    ExportFormat.CSV: _csv,
    ExportFormat.XLSX: _xlsx,
    ExportFormat.JSON: _json,
    ExportFormat.MD: _markdown,
}

__all__ = ["ExportFormat", "ExportRequest", "export", "format_for", "neutralise"]
