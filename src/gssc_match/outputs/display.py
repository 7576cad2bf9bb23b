"""Rich tables for the terminal, built from the same matches and rows as every export."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..matching.ranking import Match, Shortlist
from .rows import Result, concepts_text, related_text


def render(
    result: Result, console: Console, *, explain: bool = False, reverse: bool = False
) -> None:
    """Print a table per need (forward view) or one table of needs (SME view)."""
    if not (reverse or result.shortlists):
        console.print(Text("No need matches these filters.", style="yellow"))
        return
    if reverse or result.sme_matches:
        console.print(_sme_table(result.sme_matches, result.weights.no_match_threshold))
        if explain:
            for match in result.sme_matches:
                console.print(explanation(match, reverse=True))
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
            f"No good match: the best relevance is {shortlist.best_relevance:.3f}, below the "
            f"threshold {result.weights.no_match_threshold:.2f}."
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
        ("why", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for match in shortlist.matches:
        table.add_row(
            str(match.rank),
            f"{match.sme.name}\n[dim]{match.sme.id}[/dim]",
            match.sme.cluster,
            f"{match.score:.3f}",
            why(match),
        )
    parts: list[RenderableType] = [title, table]
    if explain:
        parts += [explanation(m) for m in shortlist.matches]
    return Group(*parts)


def why(match: Match) -> str:
    """One line: shared concepts, else related ones (same pillar), else shared words."""
    names = [c.name for c in match.concepts[:3]]
    if names:
        return "concepts: " + ", ".join(names)
    if match.related:
        first = match.related[0]
        return f"related ({first.pillar}): {first.need_concepts[0]} ~ {first.sme_concepts[0]}"
    if match.shared_terms:
        return "shared terms: " + ", ".join(match.shared_terms[:4])
    return "similar wording"


def explanation(match: Match, *, reverse: bool = False) -> RenderableType:
    """The full breakdown of one pair: value x weight = points per part, and the evidence."""
    mark = " (below the relevance threshold: not proposed)" if match.below_threshold else ""
    subject = match.need.id if reverse else match.sme.name
    heading = Text(f"#{match.rank} {subject}: score {match.score:.3f}{mark}", style="bold")
    table = Table(show_edge=False)
    for column in ("part", "value", "weight", "points"):
        table.add_column(column, justify="left" if column == "part" else "right")
    for c in match.breakdown.contributions:
        table.add_row(str(c.part), f"{c.value:.3f}", f"{c.weight:.2f}", f"{c.points:.3f}")
    table.add_row("total", "", "", f"{match.score:.3f}", style="bold")
    evidence = Text()
    evidence.append("  matched concepts (need words / SME words): ", style="dim")
    evidence.append(concepts_text(match) or "none")
    evidence.append("\n  related concepts, same pillar (need / SME): ", style="dim")
    evidence.append(related_text(match) or "none")
    evidence.append("\n  shared terms: ", style="dim")
    evidence.append(", ".join(match.shared_terms) or "none")
    return Group(heading, table, evidence)


def _sme_table(matches: tuple[Match, ...], threshold: float) -> RenderableType:
    if not matches:
        return Text(
            f"No selected need fits this SME: every relevance is below the threshold "
            f"{threshold:.2f} (or the score below --min-score). Name a need with --need to "
            "see the pair anyway.",
            style="yellow",
        )
    sme = matches[0].sme
    table = Table(title=f"Needs that fit {sme.name} ({sme.id})", title_justify="left")
    for column in ("#", "need", "city", "country", "score", "why"):
        table.add_column(column)
    for match in matches:
        table.add_row(
            str(match.rank),
            f"{match.need.title}\n[dim]{match.need.id}[/dim]",
            match.need.city,
            match.need.country,
            f"{match.score:.3f}",
            _below(match, threshold) + why(match),
        )
    return table


def _below(match: Match, threshold: float) -> str:
    """The mark of a pair shown only because it was named: not a match by the threshold."""
    if not match.below_threshold:
        return ""
    return f"[yellow]relevance below the threshold {threshold:.2f}: not proposed[/yellow]\n"
