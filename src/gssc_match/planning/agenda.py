"""A plan as flat rows: the one shape the screen, JSON, CSV, XLSX and calendars all show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ..catalogue.mission import Mode
from ..catalogue.zones import city_of
from .build import Meeting, Plan, Shortfall

DECIMALS = 4


@dataclass(frozen=True)
class AgendaRow:
    """One meeting: when on both clocks, who meets whom, and why they should."""

    day: str
    start: str  # ISO 8601 with the host's offset
    end: str
    sme_start: str  # ISO 8601 with the SME's offset
    sme_end: str
    host_time: str  # "14:20 Ho Chi Minh"
    sme_time: str  # "08:20 Madrid"
    delegation: str
    delegation_name: str
    need_ids: tuple[str, ...]
    sme_id: str
    sme_name: str
    sme_country: str
    sme_timezone: str
    score: float
    pinned: bool
    why: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["need_ids"] = list(self.need_ids)
        return data

    @property
    def both_times(self) -> str:
        """`14:20 Ho Chi Minh / 08:20 Madrid`, or one time when both clocks agree."""
        if self.host_time == self.sme_time:
            return self.host_time
        return f"{self.host_time} / {self.sme_time}"


AGENDA_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(AgendaRow))
AGENDA_NUMBERS = frozenset({"score"})


@dataclass(frozen=True)
class Agenda:
    """The rows of a plan, its quality, its shortfalls, and what it was made from."""

    title: str
    mission_id: str
    rows: tuple[AgendaRow, ...]
    shortfalls: tuple[Shortfall, ...]
    summary: dict[str, Any]

    def shortfall_dicts(self) -> list[dict[str, Any]]:
        return [asdict(s) for s in self.shortfalls]


def agenda_of(plan: Plan) -> Agenda:
    """Rows in time order (then delegation, then SME), and the plan's figures."""
    rows = tuple(_row(plan, m) for m in plan.meetings)
    return Agenda(plan.mission.title, plan.mission.id, rows, plan.shortfalls, summary_of(plan))


def summary_of(plan: Plan) -> dict[str, Any]:
    """Objective, bound, gap and method: how good the agenda is, without the clock time."""
    solution = plan.solution
    return {
        "meetings": len(plan.meetings),
        "slots": len(plan.slots),
        "delegations": len(plan.mission.delegations),
        "candidate_pairs": plan.candidate_pairs,
        "objective": round(solution.objective, DECIMALS),
        "bound": round(solution.bound, DECIMALS),
        "gap": round(solution.gap, 6),
        "status": "optimal" if solution.optimal else "feasible",
        "method": str(solution.method),
        "notes": list(solution.notes),
    }


def _row(plan: Plan, meeting: Meeting) -> AgendaRow:
    host = plan.mission.timezone
    zone = host if plan.mission.mode is Mode.IN_PERSON else meeting.attendee.zone
    sme_start, sme_end = meeting.slot.on(zone)
    sme = meeting.attendee.sme
    return AgendaRow(
        day=meeting.slot.start.date().isoformat(),
        start=meeting.slot.start.isoformat(),
        end=meeting.slot.end.isoformat(),
        sme_start=sme_start.isoformat(),
        sme_end=sme_end.isoformat(),
        host_time=f"{meeting.slot.start:%H:%M} {city_of(host)}",
        sme_time=f"{sme_start:%H:%M} {city_of(zone)}",
        delegation=meeting.delegation.id,
        delegation_name=meeting.delegation.name,
        need_ids=meeting.value.need_ids,
        sme_id=sme.id,
        sme_name=sme.name,
        sme_country=sme.country,
        sme_timezone=zone,
        score=round(meeting.value.score, DECIMALS),
        pinned=meeting.pinned,
        why=meeting.value.why,
    )
