"""Any row type to CSV, JSON, Markdown or XLSX, through the same safe writing as `export`.

A `Layout` says what differs between row types (columns, which are numbers, what
Markdown shows, side sheets); everything that makes a file safe to share is the export
machinery's own: the target checks and atomic write, formula-safe text cells, UTF-8 with
BOM for CSV, fixed XLSX timestamps so that same inputs give the same bytes.

Why beside `export` rather than inside it: shortlist files have their own column choices
and print layout; a new row type (teams, and whatever comes next) gets the plain table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .export import (
    ExportFormat,
    ExportRequest,
    atomic_write,
    check_target,
    fixed_zip_times,
    flatten,
    midnight,
)
from .formats import neutralise
from .layout import Layout, TableRow


def export_table(
    rows: Sequence[TableRow], about: dict[str, Any], request: ExportRequest, layout: Layout
) -> None:
    """Render rows of any layout in the requested format and write them safely."""
    check_target(request)
    atomic_write(request.path, RENDERERS[request.fmt](rows, about, request, layout))


def cell_text(column: str, value: object, numbers: frozenset[str], decimal: str = ".") -> str:
    """A cell as CSV/Markdown text: numbers as numbers (with the decimal mark asked for),
    text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in numbers:
        return str(value).replace(".", decimal)
    return neutralise(str(value))


def table_csv(
    rows: Sequence[TableRow], layout: Layout, delimiter: str = ",", decimal: str = "."
) -> str:
    """All rows as CSV text with a header, every field quoted; no BOM (the writer adds it).

    `decimal` is the mark numbers are written with (`,` for comma-decimal spreadsheets)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(layout.columns)
    for row in rows:
        data = layout.cells(row)
        numbers = layout.number_columns
        writer.writerow([cell_text(c, data[c], numbers, decimal) for c in layout.columns])
    return buffer.getvalue()


def table_json(rows: Sequence[TableRow], about: dict[str, Any]) -> str:
    """`{"about": …, "rows": […]}` with each row's own JSON shape (lists kept as lists)."""
    document = {"about": about, "rows": [row.as_dict() for row in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def table_markdown(rows: Sequence[TableRow], about: dict[str, Any], layout: Layout) -> str:
    """A heading with the provenance, then one Markdown table."""
    shown = layout.markdown_columns
    lines = [
        f"# {layout.title.capitalize()}",
        "",
        f"{about.get('tool', '')}, catalogue `{about.get('catalogue_fingerprint', '')}`, "
        f"{about.get('generated', '')}",
        "",
        "| " + " | ".join(shown) + " |",
        "|" + "---|" * len(shown),
    ]
    for row in rows:
        data = layout.markdown(row)
        cells = [_md_escape(cell_text(c, data[c], layout.number_columns)) for c in shown]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def table_xlsx(rows: Sequence[TableRow], about: dict[str, Any], layout: Layout) -> bytes:
    """A sheet of rows (frozen header, filters), the layout's side sheets, and `about`."""
    from openpyxl import Workbook

    book = Workbook()
    stamp = midnight(str(about.get("generated", "")))  # the run's date, so bytes repeat
    book.properties.created = stamp
    book.properties.modified = stamp
    sheet = book.active
    assert sheet is not None
    sheet.title = layout.title
    numbers = layout.number_columns
    _fill(sheet, layout.columns, (layout.cells(r) for r in rows), numbers)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for side in layout.side_sheets:
        kept = (layout.cells(r) for r in rows if side.keep(r))
        _fill(book.create_sheet(side.title), side.columns, kept, numbers)
    about_rows = ({"key": k, "value": v} for k, v in flatten(about))
    _fill(book.create_sheet("about"), ("key", "value"), about_rows, frozenset())
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def _fill(
    sheet: Any, columns: Sequence[str], records: Iterable[dict[str, Any]], numbers: frozenset[str]
) -> None:
    sheet.append(list(columns))
    for r, record in enumerate(records, start=2):
        for c, column in enumerate(columns, start=1):
            value = record[column]
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c)
            if column in numbers or isinstance(value, bool):
                cell.value = value
            else:
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, even when it starts with "="
                cell.quotePrefix = str(value).startswith(("=", "+", "-", "@"))
    for column_cells in sheet.columns:
        longest = max((len(str(c.value)) for c in column_cells if c.value is not None), default=8)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(60, max(8, longest + 2))


Renderer = Callable[[Sequence[TableRow], dict[str, Any], ExportRequest, Layout], bytes]
RENDERERS: dict[ExportFormat, Renderer] = {
    # UTF-8 with BOM: without it Excel reads the file in the legacy code page.
    ExportFormat.CSV: lambda rows, about, request, layout: table_csv(
        rows, layout, request.delimiter, request.decimal
    ).encode("utf-8-sig"),
    ExportFormat.JSON: lambda rows, about, request, layout: table_json(rows, about).encode(),
    ExportFormat.MD: lambda rows, about, request, layout: table_markdown(
        rows, about, layout
    ).encode(),
    ExportFormat.XLSX: lambda rows, about, request, layout: table_xlsx(rows, about, layout),
}
