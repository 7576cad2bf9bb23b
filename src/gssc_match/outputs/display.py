"""Rich tables for the terminal, built from the same matches and rows as every export."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..catalogue.models import Need
from ..matching.ranking import Match, Shortlist
from ..matching.scoring import RELEVANCE_PARTS, LabelCutoffs
from .rows import Result, concepts_text, no_match_text, related_text, why

WORDS = 14  # text columns keep room for a long word before narrower ones give way
ROOM_FOR_WORDS = 60  # ... when the console has this much beside the longest id


def render(
    result: Result, console: Console, *, explain: bool = False, reverse: bool = False
) -> None:
    """Print a table per need (forward view) or one table of needs (SME view)."""
    if not (reverse or result.shortlists or result.sme_matches):
        console.print(Text("No need matches these filters.", style="yellow"))
        return
    if reverse or result.sme_matches:
        threshold = result.weights.no_match_threshold
        labels = result.context.labels
        table = _sme_table(result.sme_matches, threshold, labels, _words(console, result))
        console.print(table)
        if explain:
            for match in result.sme_matches:
                console.print(explanation(match, labels, reverse=True))
        return
    for shortlist in result.shortlists:
        console.print(_shortlist_view(shortlist, result, explain, _words(console, result)))
        console.print()


def _words(console: Console, result: Result) -> int | None:
    """A minimum width for text columns, unless the ids need that room to stay whole."""
    ids = [len(r.need_id) for r in result.rows] + [len(r.sme_id or "") for r in result.rows]
    return WORDS if console.width - max(ids, default=0) >= ROOM_FOR_WORDS else None


def _shortlist_view(
    shortlist: Shortlist, result: Result, explain: bool, words: int | None = None
) -> RenderableType:
    need = shortlist.need
    title = Text.assemble(
        (need.id, "bold"), f"  {need.city}, {need.country} · {need.priority} · ", need.title
    )
    if need.title_en:
        title.append(f" ({need.title_en})", style="italic")
    if not shortlist.matches:
        return Group(title, Text(no_match_text(shortlist, result.context), style="yellow"))
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("#", justify="right", overflow="fold")
    _record_column(table, "SME (id, cluster)", [m.sme.id for m in shortlist.matches], words)
    table.add_column("score", justify="right", overflow="fold")
    table.add_column("why", overflow="fold", min_width=words)
    labels = result.context.labels
    for match in shortlist.matches:
        table.add_row(
            str(match.rank),
            _record_cell(Text(match.sme.name), match.sme.id, match.sme.cluster),
            f"{match.score:.3f}\n{labels.label(match.score)}",
            Text(why(match)),
        )
    parts: list[RenderableType] = [title, table]
    if explain:
        parts += [explanation(m, labels) for m in shortlist.matches]
    return Group(*parts)


def explanation(match: Match, labels: LabelCutoffs, *, reverse: bool = False) -> RenderableType:
    """The full breakdown of one pair: value x weight (x relevance share) = points per part,
    and the evidence."""
    subject = match.need.id if reverse else match.sme.name
    if match.proposed:
        mark = labels.label(match.score)
    else:
        mark = f"not proposed: {_not_proposed(match, 'relevance below the threshold')}"
    heading = Text(f"#{match.rank} {subject}: score {match.score:.3f} ({mark})")
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


def _sme_table(
    matches: tuple[Match, ...],
    threshold: float,
    labels: LabelCutoffs,
    words: int | None = None,
) -> RenderableType:
    if not matches:
        return Text(
            f"No selected need fits this SME: every relevance is below the threshold "
            f"{threshold:.2f} (or the score below --min-score). Name a need with --need to "
            "see the pair anyway.",
            style="yellow",
        )
    sme = matches[0].sme
    table = Table(title=Text(f"Needs that fit {sme.name} ({sme.id})"), title_justify="left")
    table.add_column("#", justify="right", overflow="fold")
    _record_column(table, "need (id, place)", [m.need.id for m in matches], words)
    table.add_column("score", justify="right", overflow="fold")
    table.add_column("why", overflow="fold", min_width=words)
    for match in matches:
        label = labels.label(match.score) if match.proposed else ""
        place = f"{match.need.city}, {match.need.country}"
        table.add_row(
            str(match.rank),
            _record_cell(_need_title(match.need), match.need.id, place),
            f"{match.score:.3f}\n{label}",
            _below(match, threshold) + Text(why(match)),
        )
    return table


def _below(match: Match, threshold: float) -> Text:
    """The mark of a pair shown only because it was named: not proposed, and why."""
    if match.proposed:
        return Text()
    why_not = _not_proposed(match, f"relevance below the threshold {threshold:.2f}")
    return Text(f"not proposed: {why_not}\n", style="yellow")


def _not_proposed(match: Match, below: str) -> str:
    """Why a named pair is not proposed: `below` the threshold, or a need its shortlist flags."""
    return below if match.below_threshold else f"no good match: {match.unanswered}"


def _need_title(need: Need) -> Text:
    """The title as the city wrote it, and its English title below when there is one.

    Catalogue text goes in as `Text`, never as markup: a `[bold]` in a title stays text."""
    title = Text(need.title)
    if need.title_en:
        title.append(f"\n{need.title_en}", style="italic")
    return title


def _record_column(table: Table, header: str, ids: list[str], words: int | None) -> None:
    """A column of names with their ids below: an id is pasted back into commands, so the
    column is never narrower than the longest id, and names wrap around it instead.

    Ids share the name's column (rather than one of their own) so that on an 80-column
    terminal the reasons keep room to be read."""
    width = max((len(i) for i in ids), default=2)
    table.add_column(header, overflow="fold", min_width=max(width, words or 0))


def _record_cell(name: Text, record_id: str, detail: str) -> Text:
    """Name, then the id (dim, whole) and a detail such as the cluster or the place."""
    cell = name.copy()
    cell.append(f"\n{record_id}", style="dim")
    cell.append(f"\n{detail}", style="dim")
    return cell
