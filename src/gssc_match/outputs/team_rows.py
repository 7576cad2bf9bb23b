"""Team rows: the one shape that the team table, JSON, CSV, XLSX and Markdown all show.

JSON keeps lists and member objects; CSV, XLSX and Markdown get the same values flattened
into text cells (`TEAMS.cells`), so an export always says what the screen said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from .layout import Layout, SideSheet, TableRow

if TYPE_CHECKING:  # type-only: formats and the CLI must not pay for numpy
    from ..matching.scoring import Weights
    from ..matching.teams import Member, NeedPart, PartCover, Team, TeamSuggestion

DECIMALS = 4


@dataclass(frozen=True)
class MemberCell:
    """One member of a team and the parts it covers, in its own words."""

    sme_id: str
    sme_name: str
    cluster: str
    relevance: float
    unique: float
    parts: tuple[dict[str, object], ...]


@dataclass(frozen=True)
class TeamRow:
    """One proposed team for one need, or one row saying why a need gets no team."""

    need_id: str
    country: str
    city: str
    need_title: str
    team_rank: int | None
    sme_ids: tuple[str, ...]
    sme_names: tuple[str, ...]
    clusters: tuple[str, ...]
    score: float | None
    coverage: float | None
    relevance: float | None
    overlap: float | None
    best_single_sme_id: str | None
    best_single_score: float | None
    members: tuple[MemberCell, ...]
    uncovered: tuple[str, ...]
    parts: tuple[str, ...]
    reason: str

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("sme_ids", "sme_names", "clusters", "uncovered", "parts"):
            data[key] = list(data[key])
        data["members"] = [{**m, "parts": list(m["parts"])} for m in data["members"]]
        return data


TEAM_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(TeamRow))
TEAM_NUMBER_COLUMNS = frozenset(
    {"team_rank", "score", "coverage", "relevance", "overlap", "best_single_score"}
)


def rows_for_suggestions(suggestions: Iterable[TeamSuggestion]) -> list[TeamRow]:
    """Per need, its ranked teams, or one row naming the single SME that suffices and why."""
    rows: list[TeamRow] = []
    for suggestion in suggestions:
        if suggestion.teams:
            rows.extend(team_row(suggestion, team) for team in suggestion.teams)
        else:
            rows.append(_no_team_row(suggestion))
    return rows


def team_row(suggestion: TeamSuggestion, team: Team) -> TeamRow:
    need, single = suggestion.need, suggestion.best_single
    return TeamRow(
        need_id=need.id,
        country=need.country,
        city=need.city,
        need_title=need.title,
        team_rank=team.rank,
        sme_ids=tuple(m.sme.id for m in team.members),
        sme_names=tuple(m.sme.name for m in team.members),
        clusters=tuple(m.sme.cluster for m in team.members),
        score=round(team.score, DECIMALS),
        coverage=round(team.contributions[0].value, DECIMALS),
        relevance=round(team.contributions[1].value, DECIMALS),
        overlap=round(team.contributions[2].value, DECIMALS),
        best_single_sme_id=single.members[0].sme.id if single else None,
        best_single_score=round(single.score, DECIMALS) if single else None,
        members=tuple(member_cell(m) for m in team.members),
        uncovered=tuple(p.name for p in team.uncovered),
        parts=tuple(part_label(p) for p in suggestion.parts),
        reason="",
    )


def _no_team_row(suggestion: TeamSuggestion) -> TeamRow:
    need, single = suggestion.need, suggestion.best_single
    return TeamRow(
        need_id=need.id,
        country=need.country,
        city=need.city,
        need_title=need.title,
        team_rank=None,
        sme_ids=(),
        sme_names=(),
        clusters=(),
        score=None,
        coverage=None,
        relevance=None,
        overlap=None,
        best_single_sme_id=single.members[0].sme.id if single else None,
        best_single_score=round(single.score, DECIMALS) if single else None,
        members=(),
        uncovered=tuple(p.name for p in single.uncovered) if single else (),
        parts=tuple(part_label(p) for p in suggestion.parts),
        reason=suggestion.reason,
    )


def member_cell(member: Member) -> MemberCell:
    return MemberCell(
        sme_id=member.sme.id,
        sme_name=member.sme.name,
        cluster=member.sme.cluster,
        relevance=round(member.match.breakdown.relevance, DECIMALS),
        unique=member.unique,
        parts=tuple(_cover_cell(c) for c in member.covers),
    )


def _cover_cell(cover: PartCover) -> dict[str, object]:
    return {
        "concept": cover.part.concept_id,
        "name": cover.part.name,
        "pillar": cover.part.pillar,
        "coverage": cover.value,
        "words": list(cover.words[:3]),
        "via": cover.via,
        "brings": cover.brings,
    }


def part_label(part: NeedPart) -> str:
    """`Cold chain 45% (cadeia de frio, gelo)`: the part, its share, in the need's words;
    a clause of the request is already the need's words: `"gelo para o peixe" 33%`."""
    if part.is_clause:
        return f"{part_title(part)} {part.share:.0%}"
    return f"{part.name} {part.share:.0%} ({', '.join(part.words[:2])})"


def part_title(part: NeedPart) -> str:
    """A part's name; a clause in quotes, since its words may hold commas."""
    return f'"{part.name}"' if part.is_clause else part.name


def cover_text(cell: dict[str, object]) -> str:
    """`Cold chain (cámaras frigoríficas)`, or `~Irrigation via Solar pumping (...)`."""
    words = cell["words"]
    shown = ", ".join(str(w) for w in words[:2]) if isinstance(words, list) else ""
    if cell["via"]:
        return f"~{cell['name']} via {cell['via']} ({shown})"
    return f"{cell['name']} ({shown})"


def members_text(row: TeamRow) -> str:
    """Each member with the parts it covers: `a: Cold chain (…), Fish (…) | b: …`."""
    return " | ".join(
        f"{m.sme_id}: " + ", ".join(cover_text(c) for c in m.parts) for m in row.members
    )


def _cells(row: TableRow) -> dict[str, object]:
    assert isinstance(row, TeamRow)
    data = row.as_dict()
    for key in ("sme_ids", "sme_names", "clusters", "uncovered", "parts"):
        data[key] = "; ".join(getattr(row, key))
    data["members"] = members_text(row)
    return data


def _markdown_cells(row: TableRow) -> dict[str, object]:
    data = _cells(row)
    if not data["sme_ids"]:
        data["sme_names"] = f"no team: {data['reason']}"
    return data


TEAMS = Layout(
    title="teams",
    columns=TEAM_COLUMNS,
    number_columns=TEAM_NUMBER_COLUMNS,
    markdown_columns=("need_id", "city", "team_rank", "sme_names", "clusters", "score", "members"),
    cells=_cells,
    markdown_cells=_markdown_cells,
    side_sheets=(
        SideSheet(
            "no team",
            ("need_id", "country", "city", "need_title", "best_single_sme_id", "reason"),
            lambda row: not row.as_dict()["sme_ids"],
        ),
    ),
)


@dataclass(frozen=True)
class TeamResult:
    """What `teams` found: a suggestion per need and the rows every output shows."""

    weights: Weights
    suggestions: tuple[TeamSuggestion, ...]
    rows: tuple[TeamRow, ...]
