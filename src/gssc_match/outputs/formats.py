"""Text formats of result rows (pure functions): CSV, JSON and Markdown.

CSV follows RELIABILITY.md: every field quoted, and text cells that a spreadsheet would
run as a formula (starting with =, +, -, @, tab or CR) prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from .rows import COLUMNS, NUMBER_COLUMNS, Row, output_columns

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DECIMAL_MARKS = (".", ",")


def neutralise(text: str) -> str:
    """Make a text cell inert in Excel and Calc: `=1+2` becomes `'=1+2`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def default_decimal(delimiter: str) -> str:
    """The decimal mark that goes with a delimiter: a spreadsheet that expects `;` between
    fields (Spain, Italy, Poland, France, Germany) reads `0.42` as text, `0,42` as a number."""
    return "," if delimiter == ";" else "."


def cell_text(column: str, value: object, decimal: str = ".") -> str:
    """A row value as CSV/Markdown text; numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in NUMBER_COLUMNS:
        return str(value).replace(".", decimal)
    return neutralise(str(value))


def to_csv(
    rows: Sequence[Row],
    delimiter: str = ",",
    decimal: str = ".",
    columns: Sequence[str] = output_columns(),
) -> str:
    """All rows as CSV text with a header; no BOM (the file writer adds it)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        data = row.as_dict()
        writer.writerow([cell_text(c, data[c], decimal) for c in columns])
    return buffer.getvalue()


def to_json(
    rows: Sequence[Row], about: dict[str, Any], columns: Sequence[str] = output_columns()
) -> str:
    """`{"about": …, "rows": […]}`, keys in a fixed order, UTF-8 text kept readable."""
    document = {"about": about, "rows": [_only(row, columns) for row in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _only(row: Row, columns: Sequence[str]) -> dict[str, object]:
    data = row.as_dict()
    return {c: data[c] for c in columns}


# -- Markdown ----------------------------------------------------------------------------


def to_markdown(
    rows: Sequence[Row], about: dict[str, Any], columns: Sequence[str] = output_columns()
) -> str:
    """A report to paste into a document or an e-mail: a section per need, a table of SMEs.

    For one SME's view (`--sme`), a section per need with that SME's score and reasons.
    """
    contacts = "sme_contact_email" in columns
    sme_view = bool(_selection(about).get("sme_id"))
    lines = [f"# {_heading(rows, about)}", "", *_provenance(rows, about), ""]
    if sme_view:
        for row in rows:
            lines += _need_section(row, f"{row.rank}. ") + _sme_view_lines(row)
    else:
        for _, group in groupby(rows, key=lambda r: r.need_id):
            need_rows = list(group)
            lines += _need_section(need_rows[0]) + _shortlist_lines(need_rows, contacts)
    return "\n".join(lines).rstrip("\n") + "\n"


def _selection(about: dict[str, Any]) -> dict[str, Any]:
    selection = about.get("selection")
    return selection if isinstance(selection, dict) else {}


def _heading(rows: Sequence[Row], about: dict[str, Any]) -> str:
    sme_id = _selection(about).get("sme_id")
    if not sme_id:
        return "Shortlist"
    name = next((r.sme_name for r in rows if r.sme_name), None) or str(sme_id)
    return f"Needs for {md(name)}"


def _provenance(rows: Sequence[Row], about: dict[str, Any]) -> list[str]:
    shown = str(about.get("filter", "")) or (rows[0].selection if rows else "")
    return [
        f"Selection: {md(shown)}",
        "",
        f"{md(str(about.get('tool', '')))}, catalogue `{about.get('catalogue_fingerprint', '')}`, "
        f"{md(str(about.get('generated', '')))}",
    ]


def _need_section(row: Row, prefix: str = "") -> list[str]:
    title = md(row.need_title) + (f" ({md(row.need_title_en)})" if row.need_title_en else "")
    facts = [f"`{row.need_id}`", md(f"{row.city}, {row.country}"), f"priority {row.need_priority}"]
    if row.need_budget_eur is not None:
        facts.append(f"budget EUR {row.need_budget_eur:,}")
    return [f"## {prefix}{title}", "", " · ".join(facts), "", f"> {md(row.need_description)}", ""]


def _shortlist_lines(rows: Sequence[Row], contacts: bool) -> list[str]:
    if rows[0].sme_id is None:
        return [md(rows[0].why), ""]
    lines = ["| # | SME | Cluster | Score | Why |", "|---:|---|---|---:|---|"]
    for row in rows:
        cells = [str(row.rank), _sme_cell(row, contacts), md(row.cluster or "")]
        cells += [f"{row.score:.3f}" if row.score is not None else "", md(row.why)]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _sme_view_lines(row: Row) -> list[str]:
    score = f"{row.score:.3f}" if row.score is not None else ""
    return [f"Score {score}: {md(row.why)}", ""]


def _sme_cell(row: Row, contacts: bool) -> str:
    parts = [f"{md(row.sme_name or '')} `{row.sme_id}`"]
    if row.sme_website:
        parts.append(f"[website]({_link(row.sme_website)})")
    if contacts and row.sme_contact_email:
        parts.append(f"{md(row.sme_contact_name or '')} ({md(row.sme_contact_email)})")
    return " · ".join(parts)


_MARKUP = re.compile(r"([\\`*_\[\]<>|#!])")


def md(text: str) -> str:
    """Catalogue text as inert Markdown: one line, markup characters escaped (no raw HTML)."""
    flat = " ".join(text.split())
    return _MARKUP.sub(r"\\\1", flat)


def _link(url: str) -> str:
    """A URL that cannot end the Markdown link early (the model admits only http(s))."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


__all__ = ["COLUMNS", "cell_text", "neutralise", "to_csv", "to_json", "to_markdown"]
