"""A mission file: who meets whom, when, on which clock; and the checks a model cannot make.

The model checks each value (a time, a zone, a cap); `mission_problems` checks the file as
a whole (sessions in order, pins against blocks, ids used twice, clock changes) and
`reference_problems` checks it against the catalogue (needs, SMEs, country). Each problem
points at the line and column of the value at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field

from ..problems import Problem, error, warning
from .models import Line, Name, Need, Record, Slug, Sme, WholeNumber
from .yamlsafe import Document, Key
from .zones import LocalTime, city_of, country_zones, is_zone, local_kind, zone

_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DEFAULT_HOURS = (dt.time(8, 0), dt.time(19, 0))


def _clock(value: object) -> object:
    if isinstance(value, str):
        found = _CLOCK.fullmatch(value.strip())
        if not found:
            raise ValueError("must be a time like 14:00 (24-hour clock, HH:MM)")
        return dt.time(int(found.group(1)), int(found.group(2)))
    return value


def _day(value: object) -> object:
    if isinstance(value, str):
        try:
            if not _DAY.fullmatch(value.strip()):
                raise ValueError
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("must be a real date like 2027-03-09 (YYYY-MM-DD)") from None
    return value


def _zone(value: object) -> object:
    if isinstance(value, str) and not is_zone(value.strip()):
        shown = value.strip()[:40]
        raise ValueError(f"unknown time zone '{shown}'; use an IANA name like Europe/Madrid")
    return value.strip() if isinstance(value, str) else value


Clock = Annotated[dt.time, BeforeValidator(_clock)]
Day = Annotated[dt.date, BeforeValidator(_day)]
Zone = Annotated[str, BeforeValidator(_zone)]


class Span(Record):
    """A stretch of one day on a wall clock (whose clock depends on where it is used)."""

    date: Day
    start: Clock
    end: Clock


class Hours(Record):
    """Daily working hours on the participant's own clock."""

    start: Clock = DEFAULT_HOURS[0]
    end: Clock = DEFAULT_HOURS[1]


class Delegation(Record):
    """A city delegation: who attends and which needs of the catalogue they bring."""

    id: Slug
    name: Name
    needs: list[Slug] = Field(min_length=1, description="Need ids of the mission's country.")
    max_meetings: WholeNumber | None = Field(default=None, ge=0)
    unavailable: list[Span] = Field(
        default_factory=list, description="On the host's clock (the mission's timezone)."
    )


class MissionSme(Record):
    """An SME taking part, with its clock, hours and cap."""

    id: Slug
    timezone: Zone | None = Field(
        default=None, description="IANA zone; default: the main zone of the SME's country."
    )
    hours: Hours = Field(default_factory=Hours, description="Working hours on its own clock.")
    max_meetings: WholeNumber | None = Field(default=None, ge=0)
    unavailable: list[Span] = Field(default_factory=list, description="On its own clock.")


class PairRef(Record):
    """A delegation and an SME, for pins (must meet) and blocks (never meet)."""

    delegation: Slug
    sme: Slug


class Mode(StrEnum):
    """Virtual: each SME joins on its own clock; in person: everyone on the host's clock."""

    VIRTUAL = "virtual"
    IN_PERSON = "in-person"


class Mission(Record):
    """A working mission: sessions on the host's clock, delegations, SMEs, pins, blocks."""

    id: Slug
    title: Line
    country: Slug = Field(description="Target country id of the taxonomy.")
    mode: Mode = Mode.VIRTUAL
    timezone: Zone = Field(description="IANA zone of the host; session times are on it.")
    meeting_minutes: WholeNumber = Field(ge=5, le=480)
    gap_minutes: WholeNumber = Field(default=0, ge=0, le=240)
    min_meetings: WholeNumber = Field(default=0, ge=0, le=100)
    sessions: list[Span] = Field(min_length=1)
    delegations: list[Delegation] = Field(min_length=1)
    smes: list[MissionSme] | None = Field(
        default=None, description="Default: every SME of the catalogue, with default hours."
    )
    pins: list[PairRef] = Field(default_factory=list, description="Pairs that must meet.")
    blocks: list[PairRef] = Field(default_factory=list, description="Pairs that never meet.")

    def sme_zone(self, sme: Sme, entry: MissionSme | None) -> str:
        """The clock an SME's hours are on: the host's in person, else its own."""
        if self.mode is Mode.IN_PERSON:
            return self.timezone
        if entry is not None and entry.timezone:
            return entry.timezone
        return country_zones().get(sme.country, "UTC")


@dataclass(frozen=True)
class _At:
    """A value's location in the file, to point a problem at."""

    document: Document

    def __call__(self, loc: tuple[Key, ...], message: str, rule: str = "mission") -> Problem:
        line, col = self.document.position(loc)
        return error(self.document.path, line, col, message, rule)


def mission_problems(mission: Mission, document: Document) -> list[Problem]:
    """Rules across the values of one mission file (no catalogue needed)."""
    at = _At(document)
    found = [
        *_session_problems(mission, at),
        *_span_order(at, ("delegations",), [d.unavailable for d in mission.delegations]),
        *_span_order(at, ("smes",), [s.unavailable for s in mission.smes or []]),
        *_hours_order(mission, at),
        *_clock_changes(mission, at),
        *_duplicates(at, ("delegations",), [d.id for d in mission.delegations], "delegation"),
        *_duplicates(at, ("smes",), [s.id for s in mission.smes or []], "SME"),
        *_pair_problems(mission, at),
        *_ignored_zones(mission, document),
    ]
    return sorted(found)


def _session_problems(mission: Mission, at: _At) -> Iterator[Problem]:
    length = dt.timedelta(minutes=mission.meeting_minutes)
    seen: list[tuple[dt.datetime, dt.datetime, int]] = []
    host = zone(mission.timezone)
    for i, session in enumerate(mission.sessions):
        # Real minutes, in UTC: a session over a clock change is an hour shorter or longer.
        start = dt.datetime.combine(session.date, session.start, host).astimezone(dt.UTC)
        end = dt.datetime.combine(session.date, session.end, host).astimezone(dt.UTC)
        if session.end <= session.start:
            yield at(
                ("sessions", i, "end"),
                f"session ends at {session.end:%H:%M}, not after it starts ({session.start:%H:%M})",
            )
            continue
        if end - start < length:
            yield at(
                ("sessions", i),
                f"session is {_minutes(end - start)} minutes long, shorter "
                f"than one meeting ({mission.meeting_minutes} minutes)",
            )
        for other_start, other_end, j in seen:
            if start < other_end and other_start < end:
                yield at(
                    ("sessions", i, "start"),
                    f"session overlaps session {j + 1} ({_wall(other_start, host)}-"
                    f"{_wall(other_end, host)[11:]})",
                )
        seen.append((start, end, i))


def _wall(instant: dt.datetime, host: ZoneInfo) -> str:
    return f"{instant.astimezone(host):%Y-%m-%d %H:%M}"


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _span_order(at: _At, base: tuple[Key, ...], groups: list[list[Span]]) -> Iterator[Problem]:
    for i, spans in enumerate(groups):
        for j, span in enumerate(spans):
            if span.end <= span.start:
                yield at(
                    (*base, i, "unavailable", j, "end"),
                    f"ends at {span.end:%H:%M}, not after it starts ({span.start:%H:%M})",
                )


def _hours_order(mission: Mission, at: _At) -> Iterator[Problem]:
    for i, sme in enumerate(mission.smes or []):
        if sme.hours.end <= sme.hours.start:
            yield at(
                ("smes", i, "hours", "end"),
                f"working hours end at {sme.hours.end:%H:%M}, "
                f"not after they start ({sme.hours.start:%H:%M})",
            )


def _clock_changes(mission: Mission, at: _At) -> Iterator[Problem]:
    """Session and delegation times on the host's clock that a clock change skips or repeats."""
    for i, session in enumerate(mission.sessions):
        yield from _clock_check(at, ("sessions", i), session, mission.timezone)
    for i, delegation in enumerate(mission.delegations):
        for j, span in enumerate(delegation.unavailable):
            yield from _clock_check(
                at, ("delegations", i, "unavailable", j), span, mission.timezone
            )


def _clock_check(at: _At, loc: tuple[Key, ...], span: Span, zone_name: str) -> Iterator[Problem]:
    for key in ("start", "end"):
        clock: dt.time = getattr(span, key)
        kind = local_kind(span.date, clock, zone_name)
        if kind is not LocalTime.NORMAL:
            when = "never happens" if kind is LocalTime.SKIPPED else "happens twice"
            yield at(
                (*loc, key),
                f"{span.date} {clock:%H:%M} {when} in {city_of(zone_name)} "
                f"({zone_name}): the clocks change that night; pick another time",
                "clock-change",
            )


def _duplicates(at: _At, base: tuple[Key, ...], ids: list[str], what: str) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for i, record_id in enumerate(ids):
        if record_id in first:
            line = at.document.position((*base, first[record_id], "id"))[0]
            yield at(
                (*base, i, "id"),
                f"{what} '{record_id}' is listed twice (first on line {line})",
                "duplicate-id",
            )
        first.setdefault(record_id, i)


def _ignored_zones(mission: Mission, document: Document) -> Iterator[Problem]:
    """In person everyone is on the host's clock: an SME's own zone would be ignored."""
    if mission.mode is not Mode.IN_PERSON:
        return
    for i, sme in enumerate(mission.smes or []):
        if sme.timezone is not None:
            line, col = document.position(("smes", i, "timezone"))
            msg = "ignored in person: every time is on the host's clock (the mission's timezone)"
            yield warning(document.path, line, col, msg, "mission")


def _pair_problems(mission: Mission, at: _At) -> Iterator[Problem]:
    delegations = {d.id for d in mission.delegations}
    listed = {s.id for s in mission.smes} if mission.smes is not None else None
    for key in ("pins", "blocks"):
        pairs: list[PairRef] = getattr(mission, key)
        for i, pair in enumerate(pairs):
            if pair.delegation not in delegations:
                yield at(
                    (key, i, "delegation"),
                    f"unknown delegation '{pair.delegation}'; "
                    "it must be one of the mission's delegations",
                    "reference",
                )
            if listed is not None and pair.sme not in listed:
                yield at(
                    (key, i, "sme"),
                    f"SME '{pair.sme}' is not in the mission's smes list",
                    "reference",
                )
    pinned = {(p.delegation, p.sme): i for i, p in enumerate(mission.pins)}
    for i, block in enumerate(mission.blocks):
        pin = pinned.get((block.delegation, block.sme))
        if pin is not None:
            line = at.document.position(("pins", pin))[0]
            yield at(
                ("blocks", i),
                f"{block.delegation} / {block.sme} is both pinned (line "
                f"{line}) and blocked; keep one",
            )


def reference_problems(
    mission: Mission,
    document: Document,
    needs: Mapping[str, Need],
    smes: Mapping[str, Sme],
    countries: Mapping[str, object],
) -> list[Problem]:
    """The mission against the catalogue: country, needs of that country, SME ids, clocks.

    Needs and SMEs are checked only when given: `validate missions/x.yaml` alone has
    read none, and must not call every id unknown.
    """
    at = _At(document)
    found: list[Problem] = []
    if countries and mission.country not in countries:
        choices = ", ".join(sorted(countries))
        found.append(
            at(
                ("country",),
                f"unknown country '{mission.country}'; choose one of: {choices}",
                "reference",
            )
        )
    for i, delegation in enumerate(mission.delegations if needs else ()):
        for j, need_id in enumerate(delegation.needs):
            need = needs.get(need_id)
            if need is None:
                found.append(
                    at(("delegations", i, "needs", j), f"unknown need '{need_id}'", "reference")
                )
            elif need.country != mission.country:
                found.append(
                    at(
                        ("delegations", i, "needs", j),
                        f"need '{need_id}' is a need of {need.country}, not of {mission.country}",
                        "reference",
                    )
                )
    found += _sme_references(mission, at, smes) if smes else []
    return sorted(found)


def _sme_references(mission: Mission, at: _At, smes: Mapping[str, Sme]) -> Iterator[Problem]:
    places: list[tuple[tuple[Key, ...], str]] = [
        (("smes", i, "id"), s.id) for i, s in enumerate(mission.smes or [])
    ]
    places += [
        ((key, i, "sme"), p.sme)
        for key in ("pins", "blocks")
        for i, p in enumerate(getattr(mission, key))
    ]
    for loc, sme_id in places:
        if sme_id not in smes:
            yield at(loc, f"unknown SME '{sme_id}'", "reference")
    for i, entry in enumerate(mission.smes or []):
        sme = smes.get(entry.id)
        if sme is None:
            continue
        zone_name = mission.sme_zone(sme, entry)
        for j, span in enumerate(entry.unavailable):
            yield from _clock_check(at, ("smes", i, "unavailable", j), span, zone_name)
