"""From a mission and a catalogue to a solver instance, a plan, and its shortfalls."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from ..catalogue.loader import Catalogue
from ..catalogue.mission import Delegation, Mission, MissionSme
from ..catalogue.models import Sme
from ..catalogue.zones import city_of
from ..matching.ranking import Matcher
from .slots import Slot, free_slots, make_slots, within_hours
from .solver import Instance, Option, Solution, solve
from .values import PairValue, pair_values, pinned_value


@dataclass(frozen=True)
class Attendee:
    """An SME taking part: its record, its mission entry (if listed) and its clock."""

    sme: Sme
    entry: MissionSme  # its mission entry, or the defaults when the mission lists no SMEs
    listed: bool
    zone: str

    @property
    def hours(self) -> str:
        """`08:00-19:00 Madrid`: working hours on the SME's own clock."""
        start, end = self.entry.hours.start, self.entry.hours.end
        return f"{start:%H:%M}-{end:%H:%M} {city_of(self.zone)}"


@dataclass(frozen=True)
class Meeting:
    """One meeting of the plan."""

    slot: Slot
    delegation: Delegation
    attendee: Attendee
    value: PairValue
    pinned: bool


class ShortfallKind(StrEnum):
    """Who falls short."""

    DELEGATION = "delegation"  # fewer meetings than min_meetings
    PIN = "pin"  # a pinned pair that does not meet
    SME = "sme"  # a listed SME free in no slot


@dataclass(frozen=True)
class Shortfall:
    """A delegation below its minimum, a pin not met, or an SME that cannot attend."""

    kind: ShortfallKind
    who: str
    got: int
    wanted: int
    cause: str


@dataclass(frozen=True)
class Plan:
    """The agenda of a mission, how good it is, and what falls short and why."""

    mission: Mission
    slots: tuple[Slot, ...]
    meetings: tuple[Meeting, ...]
    shortfalls: tuple[Shortfall, ...]
    solution: Solution
    candidate_pairs: int


@dataclass(frozen=True)
class Setup:
    """A mission laid out on indices, with what the shortfall causes need to know."""

    delegations: tuple[Delegation, ...]
    attendees: tuple[Attendee, ...]
    slots: tuple[Slot, ...]
    free_d: tuple[frozenset[int], ...]
    free_s: tuple[frozenset[int], ...]
    values: dict[tuple[int, int], PairValue]
    pins: frozenset[tuple[int, int]]
    instance: Instance


def plan_mission(
    mission: Mission, catalogue: Catalogue, matcher: Matcher, *, accept_gap: float = 0.0
) -> Plan:
    """The best agenda under the mission's rules (see `solver` for the model)."""
    setup = prepare(mission, catalogue, matcher)
    solution = solve(setup.instance, accept_gap=accept_gap)
    meetings = tuple(
        sorted(
            (_meeting(setup, setup.instance.options[o], t) for o, t in solution.meetings),
            key=lambda m: (m.slot.index, m.delegation.id, m.attendee.sme.id),
        )
    )
    shortfalls = _shortfalls(mission, setup, meetings)
    return Plan(mission, setup.slots, meetings, shortfalls, solution, len(setup.values))


def _attendees(mission: Mission, catalogue: Catalogue) -> tuple[Attendee, ...]:
    records = {s.id: s for s in catalogue.smes}
    chosen: list[tuple[Sme, MissionSme | None]]
    if mission.smes is None:
        chosen = [(records[i], None) for i in sorted(records)]
    else:
        entries = sorted(mission.smes, key=lambda e: e.id)
        chosen = [(records[e.id], e) for e in entries if e.id in records]
    return tuple(
        Attendee(
            sme, entry or MissionSme(id=sme.id), entry is not None, mission.sme_zone(sme, entry)
        )
        for sme, entry in chosen
    )


def prepare(mission: Mission, catalogue: Catalogue, matcher: Matcher) -> Setup:
    """The mission on indices: slots, who is free when, pair values, and the solver instance."""
    delegations = tuple(sorted(mission.delegations, key=lambda d: d.id))
    attendees = _attendees(mission, catalogue)
    slots = make_slots(mission)
    free_d = tuple(free_slots(slots, d.unavailable, mission.timezone) for d in delegations)
    free_s = tuple(_sme_free(slots, a) for a in attendees)
    d_index = {d.id: i for i, d in enumerate(delegations)}
    s_index = {a.sme.id: i for i, a in enumerate(attendees)}
    blocked = {(b.delegation, b.sme) for b in mission.blocks}
    values = {
        (d_index[d], s_index[s]): v
        for (d, s), v in pair_values(matcher, mission).items()
        if s in s_index and (d, s) not in blocked
    }
    pins = frozenset(
        (d_index[p.delegation], s_index[p.sme])
        for p in mission.pins
        if p.delegation in d_index and p.sme in s_index
    )
    for d, s in pins - set(values):
        values[(d, s)] = pinned_value(matcher, delegations[d].needs, attendees[s].sme.id)
    instance = _instance(mission, delegations, attendees, slots, free_d, free_s, values, pins)
    return Setup(delegations, attendees, slots, free_d, free_s, values, pins, instance)


def _sme_free(slots: tuple[Slot, ...], attendee: Attendee) -> frozenset[int]:
    entry = attendee.entry
    hours = within_hours(slots, entry.hours.start, entry.hours.end, attendee.zone)
    return hours & free_slots(slots, entry.unavailable, attendee.zone)


def _instance(
    mission: Mission,
    delegations: tuple[Delegation, ...],
    attendees: tuple[Attendee, ...],
    slots: tuple[Slot, ...],
    free_d: tuple[frozenset[int], ...],
    free_s: tuple[frozenset[int], ...],
    values: dict[tuple[int, int], PairValue],
    pins: frozenset[tuple[int, int]],
) -> Instance:
    options = []
    for (d, s), value in sorted(values.items()):
        common = tuple(sorted(free_d[d] & free_s[s]))
        caps_open = _cap(delegations[d].max_meetings, slots) and _cap(
            _entry_cap(attendees[s]), slots
        )
        if common and caps_open:
            options.append(Option(d, s, value.score, common, (d, s) in pins))
    caps_d = tuple(_cap(d.max_meetings, slots) for d in delegations)
    caps_s = tuple(_cap(_entry_cap(a), slots) for a in attendees)
    reachable = Counter(o.delegation for o in options)
    targets = tuple(
        min(mission.min_meetings, caps_d[d], len(free_d[d]), reachable[d])
        for d in range(len(delegations))
    )
    return Instance(
        len(delegations), len(attendees), len(slots), tuple(options), caps_d, caps_s, targets
    )


def _entry_cap(attendee: Attendee) -> int | None:
    return attendee.entry.max_meetings


def _cap(cap: int | None, slots: tuple[Slot, ...]) -> int:
    return len(slots) if cap is None else min(cap, len(slots))


def _meeting(setup: Setup, option: Option, slot: int) -> Meeting:
    key = (option.delegation, option.sme)
    return Meeting(
        setup.slots[slot],
        setup.delegations[option.delegation],
        setup.attendees[option.sme],
        setup.values[key],
        option.pinned,
    )


# -- shortfalls ------------------------------------------------------------------------


def _shortfalls(
    mission: Mission, setup: Setup, meetings: tuple[Meeting, ...]
) -> tuple[Shortfall, ...]:
    got = Counter(m.delegation.id for m in meetings)
    met = {(m.delegation.id, m.attendee.sme.id) for m in meetings}
    found = []
    for d, delegation in enumerate(setup.delegations):
        if got[delegation.id] < mission.min_meetings:
            cause = _delegation_cause(mission, setup, d)
            found.append(
                Shortfall(
                    ShortfallKind.DELEGATION,
                    delegation.id,
                    got[delegation.id],
                    mission.min_meetings,
                    cause,
                )
            )
    for d, s in sorted(setup.pins):
        pair = (setup.delegations[d].id, setup.attendees[s].sme.id)
        if pair not in met:
            found.append(
                Shortfall(
                    ShortfallKind.PIN, f"{pair[0]} / {pair[1]}", 0, 1, _pin_cause(setup, d, s)
                )
            )
    for s, attendee in enumerate(setup.attendees):
        if attendee.listed and not setup.free_s[s]:
            cause = f"its working hours ({attendee.hours}) fall outside every session"
            found.append(Shortfall(ShortfallKind.SME, attendee.sme.id, 0, 0, cause))
    return tuple(found)


def _delegation_cause(mission: Mission, setup: Setup, d: int) -> str:
    relevant = [s for (dd, s) in setup.values if dd == d]
    shared = [s for s in relevant if setup.free_d[d] & setup.free_s[s]]
    cap = setup.instance.delegation_caps[d]
    if not relevant:
        return "no SME is relevant to its needs (none reaches the relevance threshold)"
    if not shared:
        return (
            f"hours do not overlap: none of its {len(relevant)} relevant SMEs is free while it is"
        )
    if len(relevant) < mission.min_meetings:
        return f"only {len(relevant)} of the mission's SMEs are relevant to its needs"
    if cap < mission.min_meetings:
        return f"its max_meetings is {cap}"
    if len(setup.free_d[d]) < mission.min_meetings:
        return f"it is free in only {len(setup.free_d[d])} slots"
    if len(shared) < mission.min_meetings:
        return (
            f"only {len(shared)} of its {len(relevant)} relevant SMEs are free at the "
            "same time as it"
        )
    return "its relevant SMEs' caps and free slots are taken by pins and other delegations"


def _pin_cause(setup: Setup, d: int, s: int) -> str:
    attendee = setup.attendees[s]
    if not setup.free_s[s]:
        return f"{attendee.sme.id} is free in no session slot (hours {attendee.hours})"
    if not setup.free_d[d] & setup.free_s[s]:
        return (
            f"no slot where both are free ({attendee.sme.id} works {attendee.hours}; "
            f"{setup.delegations[d].id} is free in {len(setup.free_d[d])} slots)"
        )
    if not setup.instance.delegation_caps[d] or not setup.instance.sme_caps[s]:
        return "a max_meetings of 0 on one side"
    return "it conflicts with other pins or caps for the same slots"
