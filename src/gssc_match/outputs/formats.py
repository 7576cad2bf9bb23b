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

from .rows import COLUMNS, NUMBER_COLUMNS, Row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a text cell inert in Excel and Calc: `=1+2` becomes `'=1+2`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_text(column: str, value: object) -> str:
    """A row value as CSV/Markdown text; numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in NUMBER_COLUMNS:
        return str(value)
    return neutralise(str(value))


def to_csv(rows: Sequence[Row], delimiter: str = ",") -> str:
    """All rows as CSV text with a header; no BOM (the file writer adds it)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.as_dict()
        writer.writerow([cell_text(c, data[c]) for c in COLUMNS])
    return buffer.getvalue()


def to_json(rows: Sequence[Row], about: dict[str, Any]) -> str:
    """`{"about": …, "rows": […]}`, keys in a fixed order, UTF-8 text kept readable."""
    document = {"about": about, "rows": [row.as_dict() for row in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_markdown(rows: Sequence[Row]) -> str:
    """A Markdown table to paste into a report or an e-mail."""
    shown = (
        "need_id",
        "city",
        "rank",
        "sme_name",
        "cluster",
        "score",
        "label",
        "matched_concepts",
        "reason",
    )
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    for row in rows:
        data = row.as_dict()
        if row.no_good_match:
            data = {**data, "sme_name": "no good match"}
        cells = [_md_escape(cell_text(c, data[c])) for c in shown]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
