"""Rich tables for the terminal, built from the same matches and rows as every export."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..matching.ranking import Match, Shortlist
from ..matching.scoring import RELEVANCE_PARTS, LabelCutoffs
from .rows import Result, concepts_text, missing_text, related_text


def render(result: Result, console: Console, *, explain: bool = False) -> None:
    """Print a table per need (forward view) or one table of needs (SME view)."""
    if result.sme_matches or not result.shortlists:
        console.print(_sme_table(result.sme_matches, result.weights.labels))
        return
    for shortlist in result.shortlists:
        console.print(_shortlist_view(shortlist, result, explain))
        console.print()


def _shortlist_view(shortlist: Shortlist, result: Result, explain: bool) -> RenderableType:
    need = shortlist.need
    title = Text.assemble(
        (need.id, "bold"), f"  {need.city}, {need.country} · {need.priority} · ", need.title
    )
    if not shortlist.matches:
        reason = (
            f"No good match: {shortlist.reason}."
            if shortlist.no_good_match
            else "No SME reaches the minimum score."
        )
        return Group(title, Text(reason, style="yellow"))
    table = Table(show_header=True, header_style="bold", expand=False)
    for column, justify in (
        ("#", "right"),
        ("SME", "left"),
        ("cluster", "left"),
        ("score", "right"),
        ("label", "left"),
        ("why", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for match in shortlist.matches:
        table.add_row(
            str(match.rank),
            f"{match.sme.name}\n[dim]{match.sme.id}[/dim]",
            match.sme.cluster,
            f"{match.score:.3f}",
            result.weights.labels.label(match.score),
            why(match),
        )
    parts: list[RenderableType] = [title, table]
    if explain:
        parts += [explanation(m, result.weights.labels) for m in shortlist.matches]
    return Group(*parts)


def why(match: Match) -> str:
    """One line: shared concepts, else related ones (same pillar), else shared words; and
    the part of the need the SME does not answer, when it answers only part of it."""
    missing = missing_text(match)
    return f"{_evidence(match)}\n[yellow]{missing}[/yellow]" if missing else _evidence(match)


def _evidence(match: Match) -> str:
    names = [c.name for c in match.concepts[:3]]
    if names:
        return "concepts: " + ", ".join(names)
    if match.related:
        first = match.related[0]
        return f"related ({first.pillar}): {first.need_concepts[0]} ~ {first.sme_concepts[0]}"
    if match.shared_terms:
        return "shared terms: " + ", ".join(match.shared_terms[:4])
    return "similar wording"


def explanation(match: Match, labels: LabelCutoffs) -> RenderableType:
    """The full breakdown of one pair: value x weight (x relevance share) = points per part,
    and the evidence."""
    label = labels.label(match.score)
    heading = Text(f"#{match.rank} {match.sme.name}: score {match.score:.3f} ({label})")
    heading.stylize("bold")
    table = Table(show_edge=False)
    for column in ("part", "value", "weight", "x relevance", "points"):
        table.add_column(column, justify="left" if column == "part" else "right")
    for c in match.breakdown.contributions:
        scale = "" if c.scale == 1.0 and c.part in RELEVANCE_PARTS else f"{c.scale:.3f}"
        table.add_row(str(c.part), f"{c.value:.3f}", f"{c.weight:.2f}", scale, f"{c.points:.3f}")
    table.add_row("total", "", "", "", f"{match.score:.3f}", style="bold")
    evidence = Text()
    evidence.append("  matched concepts (need words / SME words): ", style="dim")
    evidence.append(concepts_text(match) or "none")
    evidence.append("\n  related concepts, same pillar (need / SME): ", style="dim")
    evidence.append(related_text(match) or "none")
    evidence.append("\n  shared terms: ", style="dim")
    evidence.append(", ".join(match.shared_terms) or "none")
    evidence.append("\n  remedies asked / offered: ", style="dim")
    fit = match.remedy
    evidence.append(
        f"{', '.join(fit.asked) or 'none named'} / {', '.join(fit.offered) or 'none of those'}"
    )
    return Group(heading, table, evidence)


def _sme_table(matches: tuple[Match, ...], labels: LabelCutoffs) -> RenderableType:
    if not matches:
        return Text("No needs selected.", style="yellow")
    sme = matches[0].sme
    table = Table(title=f"Needs that fit {sme.name} ({sme.id})", title_justify="left")
    for column in ("#", "need", "city", "country", "score", "label", "why"):
        table.add_column(column)
    for match in matches:
        table.add_row(
            str(match.rank),
            f"{match.need.title}\n[dim]{match.need.id}[/dim]",
            match.need.city,
            match.need.country,
            f"{match.score:.3f}",
            labels.label(match.score),
            why(match),
        )
    return table
