"""The report's team suggestions: `teams`' rows per need, each member with what it brings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..team_rows import cover_text

if TYPE_CHECKING:
    from ..team_rows import TeamRow


@dataclass(frozen=True)
class MemberView:
    """One member of a team and the parts of the need it covers, in its own words."""

    name: str
    cluster: str
    covers: str


@dataclass(frozen=True)
class TeamView:
    """One proposed team: its rank, score and members; the parts nobody covers."""

    rank: int
    score: float
    coverage: float
    members: tuple[MemberView, ...]
    uncovered: str


@dataclass(frozen=True)
class NeedTeams:
    """A need's teams, or the reason it gets none (one SME suffices, or nobody fits)."""

    parts: str
    teams: tuple[TeamView, ...]
    reason: str


def teams_by_need(rows: Sequence[TeamRow]) -> dict[str, NeedTeams]:
    """`teams`' rows grouped per need id, in the order `teams` ranked them."""
    grouped: dict[str, list[TeamRow]] = {}
    for row in rows:
        grouped.setdefault(row.need_id, []).append(row)
    return {need_id: _need_teams(found) for need_id, found in grouped.items()}


def _need_teams(rows: Sequence[TeamRow]) -> NeedTeams:
    teams = tuple(_team(r) for r in rows if r.sme_ids)
    reason = next((r.reason for r in rows if not r.sme_ids), "")
    return NeedTeams("; ".join(rows[0].parts), teams, reason)


def _team(row: TeamRow) -> TeamView:
    members = tuple(
        MemberView(m.sme_name, m.cluster, ", ".join(cover_text(c) for c in m.parts))
        for m in row.members
    )
    return TeamView(
        row.team_rank or 0, row.score or 0.0, row.coverage or 0.0, members,
        ", ".join(row.uncovered),
    )  # fmt: skip
