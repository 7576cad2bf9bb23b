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
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..catalogue.loader import same_file
from ..errors import OutputError, UsageError
from .formats import neutralise, to_csv, to_json, to_markdown
from .rows import COLUMNS, NUMBER_COLUMNS, Row


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
    protected: tuple[Path, ...] = ()


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
    content = RENDERERS[request.fmt](rows, about, request.delimiter)
    atomic_write(request.path, content)


def check_target(request: ExportRequest) -> None:
    """Refuse a missing folder, an input file, or an existing file without force."""
    path = request.path
    if not path.parent.is_dir():
        raise OutputError(f"folder '{path.parent}' does not exist")
    if any(same_file(path, p) for p in request.protected):
        raise OutputError(f"refusing to write over the input file '{path}'")
    if path.is_dir():
        raise OutputError(f"'{path}' is a folder")
    if path.exists() and not request.force:
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
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write '{path}': {exc.strerror}") from exc
        raise


def _csv(rows: Sequence[Row], about: dict[str, Any], delimiter: str) -> bytes:
    # UTF-8 with BOM: without it Excel reads the file in the legacy code page.
    return to_csv(rows, delimiter).encode("utf-8-sig")


def _json(rows: Sequence[Row], about: dict[str, Any], delimiter: str) -> bytes:
    return to_json(rows, about).encode("utf-8")


def _markdown(rows: Sequence[Row], about: dict[str, Any], delimiter: str) -> bytes:
    header = (
        f"# Shortlist\n\n{about.get('tool', '')}, catalogue "
        f"`{about.get('catalogue_fingerprint', '')}`, {about.get('generated', '')}\n\n"
    )
    return (header + to_markdown(rows)).encode("utf-8")


def _xlsx(rows: Sequence[Row], about: dict[str, Any], delimiter: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    # The properties carry the clock; pin them to the run's date so that bytes repeat.
    stamp = _midnight(str(about.get("generated", "")))
    book.properties.created = stamp
    book.properties.modified = stamp
    sheet = book.active
    assert sheet is not None
    sheet.title = "shortlist"
    _fill(sheet, COLUMNS, (r.as_dict() for r in rows))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _widths(sheet)
    missing = book.create_sheet("no good match")
    shown = ("need_id", "country", "city", "need_title", "reason")
    _fill(missing, shown, (r.as_dict() for r in rows if r.no_good_match))
    _widths(missing)
    info = book.create_sheet("about")
    _fill(info, ("key", "value"), ({"key": k, "value": v} for k, v in _flatten(about)))
    _widths(info)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _midnight(day: str) -> dt.datetime:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time())
    except ValueError:
        return dt.datetime(1980, 1, 1)


def _fill(sheet: Any, columns: Sequence[str], records: Iterable[dict[str, Any]]) -> None:
    sheet.append(list(columns))
    for r, record in enumerate(records, start=2):
        for c, column in enumerate(columns, start=1):
            value = record[column]
            cell = sheet.cell(row=r, column=c)
            if value is None:
                continue
            if column in NUMBER_COLUMNS or isinstance(value, bool):
                cell.value = value
            else:
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, even when it starts with "="
                cell.quotePrefix = str(value).startswith(("=", "+", "-", "@"))


def _widths(sheet: Any) -> None:
    for column in sheet.columns:
        longest = max(
            (len(str(cell.value)) for cell in column if cell.value is not None), default=8
        )
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest + 2))


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [
            item
            for k, v in value.items()
            for item in _flatten(v, f"{prefix}.{k}" if prefix else str(k))
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


def _fixed_zip_times(data: bytes) -> bytes:
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


RENDERERS: dict[ExportFormat, Callable[[Sequence[Row], dict[str, Any], str], bytes]] = {
    ExportFormat.CSV: _csv,
    ExportFormat.XLSX: _xlsx,
    ExportFormat.JSON: _json,
    ExportFormat.MD: _markdown,
}

__all__ = ["ExportFormat", "ExportRequest", "export", "format_for", "neutralise"]
