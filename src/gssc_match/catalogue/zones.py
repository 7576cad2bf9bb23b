"""Time zones by IANA name: which exist, a country's main zone, and clock-change gaps.

Times without a zone are ambiguous, so every time a mission names is read on a named
clock and converted with `zoneinfo`, never with a fixed offset: Europe and Chile change
their clocks on different dates.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path


class LocalTime(StrEnum):
    """What a wall-clock time is on a given day in a zone."""

    NORMAL = "normal"
    SKIPPED = "skipped"  # the clocks jump over it (spring forward)
    REPEATED = "repeated"  # it happens twice (fall back)


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name the installed time-zone data knows."""
    return frozenset(zoneinfo.available_timezones())


def is_zone(name: str) -> bool:
    """Whether `name` is a known IANA zone (checked by name, never opened as a path)."""
    return name in known_zones()


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone of a name already checked with `is_zone`."""
    return zoneinfo.ZoneInfo(name)


@cache
def country_zones() -> dict[str, str]:
    """ISO country code -> the first zone tzdata's zone.tab lists for it (its main one)."""
    text = _zone_tab()
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, name, *_ = line.split("\t")
        found.setdefault(code, name)
    return found


def _zone_tab() -> str:
    try:  # the tzdata package, a dependency, so that Windows and slim images have it too
        return (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            return path.read_text("utf-8")
    return ""


def local_kind(day: dt.date, clock: dt.time, zone_name: str) -> LocalTime:
    """Whether a wall-clock time exists once, never, or twice on that day in that zone."""
    tz = zone(zone_name)
    early = dt.datetime.combine(day, clock, tz)
    late = early.replace(fold=1)
    if early.utcoffset() == late.utcoffset():
        return LocalTime.NORMAL
    # A skipped time does not survive a round trip through UTC; a repeated one does.
    back = early.astimezone(dt.UTC).astimezone(tz)
    return LocalTime.REPEATED if back.time() == clock else LocalTime.SKIPPED


def city_of(zone_name: str) -> str:
    """A zone's city as people say it: `Asia/Ho_Chi_Minh` -> `Ho Chi Minh`."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")
