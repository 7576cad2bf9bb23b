"""An agenda on screen and in files: text, JSON, CSV, XLSX and iCalendar.

Every format is built from the same rows (`planning.agenda`), so a file always equals what
was shown. Files are written like shortlists: formula-safe, atomic, never over an existing
file without `force`, never over an input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import UsageError
from ..planning.agenda import AGENDA_COLUMNS, AGENDA_NUMBERS, Agenda, AgendaRow
from ..problems import printable, visible
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


class AgendaFormat(StrEnum):
    """File formats of an agenda."""

    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    ICS = "ics"


AGENDA_SUFFIXES = {f".{f.value}": f for f in AgendaFormat}


def agenda_format_for(path: Path, explicit: AgendaFormat | None) -> AgendaFormat:
    """The format asked for, else the one the file suffix names."""
    if explicit is not None:
        return explicit
    found = AGENDA_SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            f"cannot tell the format of '{path.name}'; use a .csv, .xlsx, .json or .ics name"
        )
    return found


# -- text -------------------------------------------------------------------------------


def agenda_text(agenda: Agenda, only: Sequence[str] = ()) -> str:
    """Per delegation, then per SME, each meeting on both clocks; then what falls short.

    `only` keeps the tables of those delegations and SMEs (ids); the figures stay whole.
    """
    s = agenda.summary
    lines = [
        f"{visible(agenda.title)} ({agenda.mission_id}): {s['meetings']} meetings in "
        f"{s['slots']} slots",
        f"objective {s['objective']:.4f}, bound {s['bound']:.4f}: {_status(s)} ({s['method']})",
        *(f"note: {note}" for note in s.get("notes", [])),
    ]
    by_d = [r for r in agenda.rows if not only or r.delegation in only]
    by_s = [r for r in agenda.rows if not only or r.sme_id in only]
    lines += _section(by_d, "delegation", "delegation_name", "sme_name", host_first=True)
    lines += _section(by_s, "sme_id", "sme_name", "delegation_name", host_first=False)
    if agenda.shortfalls:
        lines += ["", "Shortfalls"]
        lines += [f"  {_shortfall_line(f)}" for f in agenda.shortfall_dicts()]
    return "\n".join(lines) + "\n"


WHY_SHOWN = 60  # characters of the reason on screen; files carry it whole


def _status(summary: dict[str, Any]) -> str:
    if summary["status"] == "optimal":
        return "optimal"
    return f"within {100 * summary['gap']:.2f} % of the bound"


def _section(
    rows: Sequence[AgendaRow], key: str, name: str, partner: str, *, host_first: bool
) -> list[str]:
    groups: dict[str, list[AgendaRow]] = {}
    for row in sorted(rows, key=lambda r: (getattr(r, key), r.start)):
        groups.setdefault(getattr(row, key), []).append(row)
    lines: list[str] = []
    for group_id, group in groups.items():
        count = f"{len(group)} meeting{'s' * (len(group) != 1)}"
        lines += ["", f"{visible(getattr(group[0], name))} ({group_id}): {count}"]
        for row in group:
            when = row.both_times if host_first else _sme_first(row)
            pin = "  (pinned)" if row.pinned else ""
            lines.append(
                f"  {row.day}  {when:<33} {visible(getattr(row, partner)):<40} "
                f"{row.score:.4f}  {printable(row.why, limit=WHY_SHOWN)}{pin}"
            )
    return lines


def _sme_first(row: AgendaRow) -> str:
    return row.sme_time if row.sme_time == row.host_time else f"{row.sme_time} / {row.host_time}"


def _shortfall_line(f: dict[str, Any]) -> str:
    if f["kind"] == "sme":
        return f"SME {f['who']}: {visible(f['cause'])}"
    if f["kind"] == "pin":
        return f"pin {f['who']} not met: {visible(f['cause'])}"
    return f"delegation {f['who']}: {f['got']} of {f['wanted']} meetings: {visible(f['cause'])}"


# -- JSON and CSV ---------------------------------------------------------------------


def agenda_json(agenda: Agenda, about: dict[str, Any]) -> str:
    """`{"about", "plan", "meetings", "shortfalls"}`, keys in a fixed order."""
    document = {
        "about": about,
        "plan": agenda.summary,
        "meetings": [row.as_dict() for row in agenda.rows],
        "shortfalls": agenda.shortfall_dicts(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(column: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in AGENDA_NUMBERS:
        return str(value)
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return neutralise(str(value))


def agenda_csv(agenda: Agenda, delimiter: str = ",") -> str:
    """Every meeting as a CSV row: every field quoted, formulas neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(AGENDA_COLUMNS)
    for row in agenda.rows:
        data = row.as_dict()
        writer.writerow([_cell(c, data[c]) for c in AGENDA_COLUMNS])
    return buffer.getvalue()


# -- XLSX -------------------------------------------------------------------------------

DAY_COLUMNS = ("host_time", "sme_time", "delegation_name", "sme_name", "need_ids", "score", "why")
PARTICIPANT_COLUMNS = ("day", "time", "with", "need_ids", "score", "why")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def agenda_xlsx(agenda: Agenda, about: dict[str, Any]) -> bytes:
    """One sheet per day and one per participant (what organisers print), then the rest."""
    from openpyxl import Workbook

    book = Workbook()
    stamp = midnight(str(about.get("generated", "")))
    book.properties.created = stamp
    book.properties.modified = stamp
    book.remove(book.active)  # type: ignore[arg-type]
    names: set[str] = set()
    for day in sorted({r.day for r in agenda.rows}):
        rows = [r for r in agenda.rows if r.day == day]
        _sheet(book, names, day, DAY_COLUMNS, (_flat(r) for r in rows))
    for key, name, partner, sme_side in _participants(agenda.rows):
        rows = [r for r in agenda.rows if key(r) == name]
        records = (_participant_record(r, partner, sme_side) for r in rows)
        _sheet(book, names, name, PARTICIPANT_COLUMNS, records)
    shortfall_columns = ("kind", "who", "got", "wanted", "cause")
    _sheet(book, names, "shortfalls", shortfall_columns, agenda.shortfall_dicts())
    facts = flatten({"plan": agenda.summary, "about": about})
    _sheet(book, names, "about", ("key", "value"), ({"key": k, "value": v} for k, v in facts))
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def _participants(
    rows: Sequence[AgendaRow],
) -> list[tuple[Callable[[AgendaRow], str], str, str, bool]]:
    """(key of a row, participant id, partner column, SME side?) for every participant."""
    by_d: Callable[[AgendaRow], str] = attrgetter("delegation")
    by_s: Callable[[AgendaRow], str] = attrgetter("sme_id")
    delegations = sorted({r.delegation for r in rows})
    smes = sorted({r.sme_id for r in rows})
    return [(by_d, d, "sme_name", False) for d in delegations] + [
        (by_s, s, "delegation_name", True) for s in smes
    ]


def _participant_record(row: AgendaRow, partner: str, sme_side: bool) -> dict[str, Any]:
    return {
        "day": row.day,
        "time": _sme_first(row) if sme_side else row.both_times,
        "with": getattr(row, partner),
        "need_ids": "; ".join(row.need_ids),
        "score": row.score,
        "why": row.why,
    }


def _flat(row: AgendaRow) -> dict[str, Any]:
    data = row.as_dict()
    data["need_ids"] = "; ".join(row.need_ids)
    return data


def _fill(sheet: Any, columns: Sequence[str], records: Iterable[dict[str, Any]]) -> None:
    """A header row, then text as text (never a formula) and numbers as numbers."""
    sheet.append(list(columns))
    for r, record in enumerate(records, start=2):
        for c, column in enumerate(columns, start=1):
            value = record[column]
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c)
            if column in AGENDA_NUMBERS or isinstance(value, bool | int):
                cell.value = value
            else:
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, even when it starts with "="
                cell.quotePrefix = str(value).startswith(("=", "+", "-", "@"))


def _widths(sheet: Any) -> None:
    for column in sheet.columns:
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest + 2))


def _sheet(
    book: Any, names: set[str], wanted: str, columns: Sequence[str], records: Iterable[Any]
) -> None:
    """A sheet with a unique, legal name (31 characters, none of []:*?/\\)."""
    base = _SHEET_BAD.sub("-", wanted)[:31] or "sheet"
    name, n = base, 2
    while name.lower() in names:
        name = f"{base[:27]}-{n}"
        n += 1
    names.add(name.lower())
    sheet = book.create_sheet(name)
    _fill(sheet, columns, records)
    sheet.freeze_panes = "A2"
    _widths(sheet)


# -- iCalendar --------------------------------------------------------------------------


def agenda_ics(agenda: Agenda, about: dict[str, Any], who: str | None = None) -> bytes:
    """An iCalendar file with every meeting, or only those of one participant."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//gssc-match//mission planner//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", agenda.title if who is None else f"{agenda.title}: {who}")
    # DTSTAMP must be there; the run's date keeps the bytes repeatable.
    stamp = midnight(str(about.get("generated", ""))).replace(tzinfo=dt.UTC)
    for row in agenda.rows:
        if who is not None and who not in (row.delegation, row.sme_id):
            continue
        event = Event()
        event.add("uid", f"{agenda.mission_id}.{row.delegation}.{row.sme_id}@gssc-match")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.fromisoformat(row.start).astimezone(dt.UTC))
        event.add("dtend", dt.datetime.fromisoformat(row.end).astimezone(dt.UTC))
        event.add("summary", f"{row.delegation_name} / {row.sme_name}")
        event.add("description", _description(row))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _description(row: AgendaRow) -> str:
    return "\n".join(
        [
            row.both_times,
            f"Needs: {', '.join(row.need_ids)}",
            f"Score: {row.score:.4f}{' (pinned)' if row.pinned else ''}",
            f"Why: {row.why}",
        ]
    )


# -- files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRequest:
    """Where to write an agenda, how, and whether each participant gets its own calendar."""

    path: Path
    fmt: AgendaFormat
    force: bool = False
    delimiter: str = ","
    protected: tuple[Path, ...] = ()
    per_participant: bool = False


def plan_about(fingerprint: str, agenda: Agenda) -> dict[str, Any]:
    """What an agenda was made from (no clock: same inputs, same bytes)."""
    return {
        "tool": f"gssc-match {__version__}",
        "catalogue_fingerprint": fingerprint,
        "mission": agenda.mission_id,
    }


def check_agenda_target(request: AgendaRequest) -> None:
    """Refuse a target (the main file) that must not be written, before any work is done."""
    check_target(
        ExportRequest(
            request.path, ExportFormat.CSV, force=request.force, protected=request.protected
        )
    )


def agenda_files(agenda: Agenda, about: dict[str, Any], request: AgendaRequest) -> list[Path]:
    """Render and write the agenda (and, for calendars, one file per participant)."""
    contents = {request.path: _render(agenda, about, request)}
    if request.per_participant:
        if request.fmt is not AgendaFormat.ICS:
            raise UsageError("--per-participant writes calendars; use an .ics file name")
        for who in sorted({r.delegation for r in agenda.rows} | {r.sme_id for r in agenda.rows}):
            path = request.path.with_name(f"{request.path.stem}.{who}.ics")
            contents[path] = agenda_ics(agenda, about, who)
    for path in contents:  # every target checked before the first file is written
        # check_target reads only the path, force and protected files of a request
        check_target(
            ExportRequest(path, ExportFormat.CSV, force=request.force, protected=request.protected)
        )
    for path, content in contents.items():
        atomic_write(path, content)
    return list(contents)


def _render(agenda: Agenda, about: dict[str, Any], request: AgendaRequest) -> bytes:
    if request.fmt is AgendaFormat.CSV:
        return agenda_csv(agenda, request.delimiter).encode("utf-8-sig")
    if request.fmt is AgendaFormat.JSON:
        return agenda_json(agenda, about).encode("utf-8")
    if request.fmt is AgendaFormat.XLSX:
        return agenda_xlsx(agenda, about)
    return agenda_ics(agenda, about)
