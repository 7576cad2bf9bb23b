"""Measure team suggestions against judged multi-part needs, beside rank's top 2 and top 3.

A judged need lists the parts it asks for and, per part, the SMEs able to provide it. For
the group each system proposes (our top team, or the single SME when no team is worth
it; the first two or three SMEs of `rank`) we report part coverage (the share of judged
parts with a member listed under it) and member precision (the share of members listed
under some part; the rest are passengers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..catalogue.loader import Catalogue
from ..catalogue.schema import parse_record
from ..catalogue.team_judgments import (
    TEAM_JUDGMENTS_FILE,
    TeamJudgment,
    TeamJudgmentsFile,
    unknown_ids,
)
from ..catalogue.yamlsafe import load_file
from ..errors import CatalogueError
from ..selection import Selection
from .ranking import Matcher
from .scoring import Weights
from .teams import TeamFinder

SYSTEMS = ("teams", "rank top-2", "rank top-3")
__all__ = ["TEAM_JUDGMENTS_FILE", "TeamJudgment", "evaluate_teams", "load_team_judgments"]


def load_team_judgments(path: Path, catalogue: Catalogue) -> dict[str, TeamJudgment]:
    """Judged needs from a file; every schema problem and unknown id, located, or raise."""
    document, problems = load_file(path, str(path))
    parsed, more = parse_record(document, TeamJudgmentsFile) if document else (None, [])
    problems += more
    if parsed is not None and document is not None:
        needs = (n.id for n in catalogue.needs)
        problems += unknown_ids(document, parsed.root, needs, (s.id for s in catalogue.smes))
    if parsed is None or problems:
        raise CatalogueError(problems, "the team judgments file")
    return dict(parsed.root)


@dataclass(frozen=True)
class Proposal:
    """The SMEs one system proposes for one judged need, and how they fare."""

    need_id: str
    system: str
    sme_ids: tuple[str, ...]
    coverage: float
    precision: float


@dataclass(frozen=True)
class SystemScores:
    """Averages of one system over the judged needs."""

    system: str
    needs: int
    coverage: float
    precision: float
    mean_size: float


@dataclass(frozen=True)
class TeamEvaluation:
    systems: tuple[SystemScores, ...]
    proposals: tuple[Proposal, ...]


def measure(sme_ids: Sequence[str], judgment: TeamJudgment) -> tuple[float, float]:
    """(part coverage, member precision) of a proposed group for one judged need."""
    parts = [set(p.smes) for p in judgment.parts]
    covered = sum(1 for able in parts if able & set(sme_ids))
    useful = set().union(*parts)
    coverage = covered / len(parts)
    precision = sum(1 for s in sme_ids if s in useful) / len(sme_ids) if sme_ids else 0.0
    return coverage, precision


def evaluate_teams(
    catalogue: Catalogue, judged: dict[str, TeamJudgment], weights: Weights, size: int = 3
) -> TeamEvaluation:
    """Our top team (or single SME) and rank's top 2 and top 3, on every judged need."""
    matcher = Matcher(catalogue, weights)
    ids = tuple(sorted(judged))
    groups: dict[str, dict[str, tuple[str, ...]]] = {s: {} for s in SYSTEMS}
    finder = TeamFinder(matcher)
    for suggestion in finder.suggestions(Selection(need_ids=ids), size, 1):
        chosen = suggestion.teams[0] if suggestion.teams else suggestion.best_single
        members = tuple(m.sme.id for m in chosen.members) if chosen else ()
        groups["teams"][suggestion.need.id] = members
    for shortlist in matcher.shortlists(Selection(need_ids=ids, top=3)):
        ranked = tuple(m.sme.id for m in shortlist.matches)
        groups["rank top-2"][shortlist.need.id] = ranked[:2]
        groups["rank top-3"][shortlist.need.id] = ranked[:3]
    proposals = tuple(
        Proposal(need_id, system, members, *measure(members, judged[need_id]))
        for system in SYSTEMS
        for need_id, members in sorted(groups[system].items())
    )
    return TeamEvaluation(tuple(_averages(s, proposals) for s in SYSTEMS), proposals)


def _averages(system: str, proposals: Sequence[Proposal]) -> SystemScores:
    mine = [p for p in proposals if p.system == system]
    if not mine:
        return SystemScores(system, 0, 0.0, 0.0, 0.0)
    n = len(mine)
    return SystemScores(
        system,
        n,
        round(sum(p.coverage for p in mine) / n, 4),
        round(sum(p.precision for p in mine) / n, 4),
        round(sum(len(p.sme_ids) for p in mine) / n, 2),
    )


def team_evaluation_as_dict(evaluation: TeamEvaluation) -> dict[str, object]:
    """A JSON-ready view."""
    return {
        "systems": [vars(s) for s in evaluation.systems],
        "needs": [{**vars(p), "sme_ids": list(p.sme_ids)} for p in evaluation.proposals],
    }


def team_evaluation_as_text(evaluation: TeamEvaluation) -> str:
    """A summary line per system, then each judged need's proposals."""
    header = (
        f"{'system':<11} {'needs':>5} {'part coverage':>14} {'member precision':>17} {'size':>5}"
    )
    lines = [header, "-" * len(header)]
    for s in evaluation.systems:
        lines.append(
            f"{s.system:<11} {s.needs:>5} {s.coverage:>14.3f} {s.precision:>17.3f} "
            f"{s.mean_size:>5.2f}"
        )
    lines += ["", "per need (coverage / precision: members)"]
    for p in evaluation.proposals:
        if p.system == "teams":
            lines.append(
                f"  {p.need_id:<38} {p.coverage:.2f} / {p.precision:.2f}: {', '.join(p.sme_ids)}"
            )
    return "\n".join(lines) + "\n"
