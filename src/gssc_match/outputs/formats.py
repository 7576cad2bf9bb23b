"""Text formats of result rows (pure functions): CSV, JSON and Markdown.

CSV follows RELIABILITY.md: every field quoted, and text cells that a spreadsheet would
run as a formula (starting with =, +, -, @, tab or CR) prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from .layout import Layout, TableRow
from .rows import NUMBER_COLUMNS, SHORTLIST

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a text cell inert in Excel and Calc: `=1+2` becomes `'=1+2`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_text(column: str, value: object, numbers: frozenset[str] = NUMBER_COLUMNS) -> str:
    """A row value as CSV/Markdown text; numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in numbers:
        return str(value)
    return neutralise(str(value))


def to_csv(rows: Sequence[TableRow], delimiter: str = ",", layout: Layout = SHORTLIST) -> str:
    """All rows as CSV text with a header; no BOM (the file writer adds it)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(layout.columns)
    for row in rows:
        data = layout.cells(row)
        writer.writerow([cell_text(c, data[c], layout.number_columns) for c in layout.columns])
    return buffer.getvalue()


def to_json(rows: Sequence[TableRow], about: dict[str, Any]) -> str:
    """`{"about": …, "rows": […]}`, keys in a fixed order, UTF-8 text kept readable."""
    document = {"about": about, "rows": [row.as_dict() for row in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_markdown(rows: Sequence[TableRow], layout: Layout = SHORTLIST) -> str:
    """A Markdown table to paste into a report or an e-mail."""
    shown = layout.markdown_columns
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    for row in rows:
        data = layout.markdown(row)
        cells = [_md_escape(cell_text(c, data[c], layout.number_columns)) for c in shown]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
