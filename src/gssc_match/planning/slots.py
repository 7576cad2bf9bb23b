"""Sessions on the host's clock cut into meeting slots, and who is free in which slot.

Slot arithmetic is done in UTC: Python adds a timedelta to an aware datetime on the wall
clock, which is wrong across a clock change. Each participant's hours are compared on
their own clock, converted with `zoneinfo` for the very day of the slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..catalogue.mission import Mission, Span
from ..catalogue.zones import zone


@dataclass(frozen=True, order=True)
class Slot:
    """One meeting slot: its start and end as aware datetimes on the host's clock."""

    index: int
    start: dt.datetime
    end: dt.datetime

    def on(self, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
        """Start and end on another clock."""
        tz = zone(zone_name)
        return self.start.astimezone(tz), self.end.astimezone(tz)


def make_slots(mission: Mission) -> tuple[Slot, ...]:
    """Back-to-back slots of `meeting + gap` minutes through each session, in time order."""
    host = zone(mission.timezone)
    length = dt.timedelta(minutes=mission.meeting_minutes)
    step = length + dt.timedelta(minutes=mission.gap_minutes)
    starts: list[dt.datetime] = []
    for session in mission.sessions:
        begin, end = span_utc(session, mission.timezone)
        at = begin
        while at + length <= end:
            starts.append(at)
            at += step
    return tuple(
        Slot(i, at.astimezone(host), (at + length).astimezone(host))
        for i, at in enumerate(sorted(set(starts)))
    )


def span_utc(span: Span, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """A wall-clock span of one day as UTC instants (times were checked to exist once)."""
    tz = zone(zone_name)
    start = dt.datetime.combine(span.date, span.start, tz).astimezone(dt.UTC)
    end = dt.datetime.combine(span.date, span.end, tz).astimezone(dt.UTC)
    return start, end


def free_slots(slots: Iterable[Slot], busy: Iterable[Span], zone_name: str) -> frozenset[int]:
    """Slots that overlap none of the busy spans (spans on `zone_name`'s clock)."""
    blocked = [span_utc(span, zone_name) for span in busy]
    return frozenset(
        slot.index
        for slot in slots
        if not any(slot.start < end and start < slot.end for start, end in blocked)
    )


def within_hours(
    slots: Iterable[Slot], start: dt.time, end: dt.time, zone_name: str
) -> frozenset[int]:
    """Slots that start and end inside the daily hours, on that clock and on one day."""
    inside = set()
    for slot in slots:
        local_start, local_end = slot.on(zone_name)
        same_day = local_start.date() == local_end.date()
        if same_day and start <= local_start.time() and local_end.time() <= end:
            inside.add(slot.index)
    return frozenset(inside)
