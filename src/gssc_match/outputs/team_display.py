"""Rich tables of team suggestions for the terminal, built from the same teams as the rows."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..matching.teams import Member, PartCover, Team, TeamSuggestion
from .team_rows import part_label, part_title


def render_teams(suggestions: Sequence[TeamSuggestion], console: Console) -> None:
    """Print one block per need: its parts, the best single SME, then teams or why none."""
    if not suggestions:
        console.print(Text("No needs selected.", style="yellow"))
    for suggestion in suggestions:
        console.print(suggestion_view(suggestion))
        console.print()


def suggestion_view(suggestion: TeamSuggestion) -> RenderableType:
    need = suggestion.need
    title = Text.assemble(
        (need.id, "bold"), f"  {need.city}, {need.country} · {need.priority} · ", need.title
    )
    parts = Text("parts: ", style="dim")
    parts.append(", ".join(part_label(p) for p in suggestion.parts) or "none found")
    lines: list[RenderableType] = [title, parts]
    single = suggestion.best_single
    if single is not None:
        lines.append(Text(f"best single SME: {_single_line(single)}", style="dim"))
    if not suggestion.teams:
        lines.append(Text(f"No team: {suggestion.reason}.", style="yellow"))
        return Group(*lines)
    lines.append(_teams_table(suggestion.teams))
    return Group(*lines)


def _single_line(single: Team) -> str:
    member = single.members[0]
    return f"{member.sme.name} ({member.sme.id}), {_sum_text(single)}"


def _sum_text(team: Team) -> str:
    """`0.612 = 0.80x0.6 + 0.33x0.4 - 0.00x0.2`: the score as the visible sum of its parts."""
    terms = " ".join(
        f"{'-' if c.weight < 0 else '+'} {c.value:.2f}x{abs(c.weight):.1f}"
        for c in team.contributions
    )
    return f"{team.score:.3f} = {terms.removeprefix('+ ')}"


def _teams_table(teams: Sequence[Team]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("#", justify="right")
    table.add_column("team (cluster)")
    table.add_column("score", justify="right")
    table.add_column("each member brings, in its own words")
    for team in teams:
        table.add_row(
            str(team.rank),
            "\n".join(f"{_escape(m.sme.name)} ({m.sme.cluster})" for m in team.members),
            _score_lines(team),
            _coverage_text(team),
        )
    return table


def _score_lines(team: Team) -> str:
    """The score over its parts, one per line: `0.653`, `cov 1.00x0.6`, ..."""
    short = {"coverage": "cov", "relevance": "rel", "overlap": "ovl"}
    lines = [f"[bold]{team.score:.3f}[/bold]"]
    lines += [
        f"{'-' if c.weight < 0 else '+'}{short[c.part.value]} {c.value:.2f}x{abs(c.weight):.1f}"
        for c in team.contributions
    ]
    return "\n".join(lines)


def _coverage_text(team: Team) -> str:
    lines = [f"{m.sme.id}: {_member_parts(m)}" for m in team.members]
    if team.uncovered:
        names = ", ".join(_escape(part_title(p)) for p in team.uncovered)
        lines.append(f"[yellow]nobody covers:[/yellow] {names}")
    return "\n".join(lines)


def _member_parts(member: Member) -> str:
    """What a member brings (better than the rest of its team), in bold with its own first
    words; then, dimmed, the parts it also covers less well than a teammate."""
    brings = [
        f"[bold]{_escape(_part_name(c))}[/bold] ({_escape(', '.join(c.words[:1]))})"
        for c in member.covers
        if c.brings
    ]
    also = [_escape(_part_name(c)) for c in member.covers if not c.brings]
    text = "; ".join(brings) or "nothing on its own"
    return text + (f" [dim]also: {', '.join(also)}[/dim]" if also else "")


def _part_name(cover: PartCover) -> str:
    name = part_title(cover.part)
    return f"~{name}" if cover.via else name


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
