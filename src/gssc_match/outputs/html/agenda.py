"""The report's agenda section: `plan`'s meetings per delegation, and what falls short."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...catalogue.text import fold

if TYPE_CHECKING:
    from ...planning.agenda import Agenda, AgendaRow


@dataclass(frozen=True)
class Meeting:
    """One meeting as a delegation's table shows it."""

    day: str
    times: str
    sme_name: str
    sme_country: str
    score: float
    pinned: bool
    why: str


@dataclass(frozen=True)
class Delegation:
    """A delegation and its meetings in time order."""

    name: str
    meetings: tuple[Meeting, ...]


@dataclass(frozen=True)
class AgendaView:
    """The whole agenda section."""

    title: str
    summary: tuple[tuple[str, str], ...]
    delegations: tuple[Delegation, ...]
    shortfalls: tuple[str, ...]


def agenda_view(agenda: Agenda) -> AgendaView:
    """Group `plan`'s rows by delegation, delegations by name, meetings in time order."""
    grouped: dict[str, list[AgendaRow]] = {}
    for row in agenda.rows:
        grouped.setdefault(row.delegation_name, []).append(row)
    delegations = tuple(
        Delegation(name, tuple(_meeting(r) for r in rows))
        for name, rows in sorted(grouped.items(), key=lambda item: (fold(item[0]), item[0]))
    )
    shortfalls = tuple(
        f"{s.who}: {s.got} of {s.wanted} ({s.kind.value}): {s.cause}" for s in agenda.shortfalls
    )
    return AgendaView(agenda.title, _summary(agenda), delegations, shortfalls)


def _meeting(row: AgendaRow) -> Meeting:
    return Meeting(
        row.day, row.both_times, row.sme_name, row.sme_country, row.score, row.pinned, row.why
    )


def _summary(agenda: Agenda) -> tuple[tuple[str, str], ...]:
    figures = agenda.summary
    return (
        ("meetings", str(figures.get("meetings", len(agenda.rows)))),
        ("slots", str(figures.get("slots", ""))),
        ("delegations", str(figures.get("delegations", ""))),
        ("plan", f"{figures.get('status', '')}, objective {figures.get('objective', '')} "
                 f"of bound {figures.get('bound', '')}"),
    )  # fmt: skip
