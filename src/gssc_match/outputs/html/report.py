"""The organiser's briefing page: summary, heatmaps, coverage, gaps and every shortlist.

Built from `rank`'s result (its rows go into the page as data too) and the overview of the
same matcher, so the page shows the same scores as the table, the CSV and the JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from markupsafe import Markup

from ...catalogue.text import fold
from ..rows import output_columns
from .agenda import agenda_view
from .charts import Bars, HeatmapData, heatmap, stacked_bars
from .render import render
from .teams import teams_by_need
from .views import MatchView, match_view

if TYPE_CHECKING:
    from ...catalogue.loader import Catalogue
    from ...catalogue.models import Need
    from ...matching.overview import Grid, NeedFacts, Overview
    from ...matching.ranking import Match, Shortlist
    from ...matching.scoring import Weights
    from ...planning.agenda import Agenda
    from ..rows import Result, Row
    from ..team_rows import TeamRow

MATCHED, UNMET = "with a match", "no good match"
BAR_COLOURS = {MATCHED: "#2c7fb8", UNMET: "#d9d9d9"}
TALL = 28  # rows beyond which a chart is scaled down to fit one printed page


@dataclass(frozen=True)
class NeedView:
    """A need with its shortlist; `shortfall` says why it has none."""

    id: str
    title: str
    title_en: str | None
    city: str
    country: str
    priority: str
    pillar: str
    description: str
    matches: tuple[MatchView, ...]
    best: MatchView | None
    shortfall: str | None


@dataclass(frozen=True)
class Coverage:
    """How many needs of one group (a pillar or a city) have a match, and how strong."""

    name: str
    needs: int
    matched: int
    best_average: float | None


@dataclass(frozen=True)
class Chart:
    """A drawn chart with the sentence that says how to read it."""

    title: str
    caption: str
    svg: Markup
    tall: bool = False  # printed scaled to one page


@dataclass(frozen=True)
class ReportInput:
    """Everything the page is built from."""

    catalogue: Catalogue
    result: Result
    overview: Overview
    about: dict[str, Any]
    min_score: float
    agenda: Agenda | None = None  # `plan`'s agenda, with --mission
    teams: Sequence[TeamRow] | None = None  # `teams`' rows, with --teams


def report_html(given: ReportInput) -> str:
    """The whole page as one self-contained HTML document."""
    return render("report.html.j2", **report_context(given))


def report_context(given: ReportInput) -> dict[str, Any]:
    """The template's context: plain values, no catalogue objects."""
    needs = need_views(given)
    unmet = [n for n in needs if not n.matches]
    unmatched = unmatched_smes(given)
    by_pillar = coverage(needs, lambda n: n.pillar)
    by_city = coverage(needs, lambda n: n.city)
    return {
        "title": _title(given),
        "about": given.about,
        "weights": given.result.weights,
        "summary": _summary(given, needs, unmet, unmatched),
        "heatmaps": heatmaps(given, needs),
        "coverage": [
            ("pillar (a need's main theme)", by_pillar, _coverage_chart("pillar", by_pillar)),
            ("city", by_city, _coverage_chart("city", by_city)),
        ]
        if needs
        else [],
        "unmet": unmet,
        "unmatched_smes": unmatched,
        "needs": needs,
        "agenda": agenda_view(given.agenda) if given.agenda is not None else None,
        "teams": teams_by_need(given.teams) if given.teams is not None else None,
        "data": {"about": given.about, "rows": _data_rows(given.result.rows)},
    }


def _data_rows(rows: Sequence[Row]) -> list[dict[str, object]]:
    """`rank`'s rows as its JSON has them: without contacts, which a shared page must not
    carry (`export --with-contacts` is the way to hand them out)."""
    columns = output_columns()
    return [{c: row.as_dict()[c] for c in columns} for row in rows]


def _title(given: ReportInput) -> str:
    country = given.about.get("selection", {}).get("country")
    countries = given.catalogue.taxonomy.countries
    if country in countries:
        return f"Briefing: {countries[country].name}"
    return "Briefing: selected needs"


def need_views(given: ReportInput) -> list[NeedView]:
    facts = {f.need_id: f for f in given.overview.needs}
    weights = given.result.weights
    return [
        _need_view(s, facts[s.need.id], weights, given.min_score) for s in given.result.shortlists
    ]


def _need_view(
    shortlist: Shortlist, facts: NeedFacts, weights: Weights, min_score: float
) -> NeedView:
    need: Need = shortlist.need
    best = facts.best
    return NeedView(
        id=need.id,
        title=need.title,
        title_en=need.title_en,
        city=need.city,
        country=need.country,
        priority=need.priority.value,
        pillar=facts.pillar,
        description=need.description,
        matches=tuple(match_view(m, weights.labels) for m in shortlist.matches),
        best=match_view(best, weights.labels) if best is not None else None,
        shortfall=None if shortlist.matches else shortfall(shortlist, best, weights, min_score),
    )


def shortfall(shortlist: Shortlist, best: Match | None, weights: Weights, min_score: float) -> str:
    """Why a need's best candidate is not proposed, in one sentence."""
    if best is None:
        return "No SME is in the selection."
    parts = {c.part.value: c.points for c in best.breakdown.contributions}
    fit = f"text {parts['text']:.3f} + concept {parts['concept']:.3f}"
    threshold = weights.no_match_threshold
    if best.breakdown.relevance < threshold:
        if best.concepts:
            shared = "it shares only " + ", ".join(c.name for c in best.concepts[:3])
        else:
            shared = "it shares no concept of the taxonomy with the need"
        return (
            f"Its fit ({fit} = {best.breakdown.relevance:.3f}) is below the relevance "
            f"threshold {threshold:.2f}: {shared}."
        )
    if shortlist.no_good_match:  # relevant, yet flagged by the scorer for another reason
        return f"No good match: {shortlist.reason or 'flagged by the scorer'}."
    return f"Its score {best.score:.3f} is below the chosen minimum score {min_score:.2f}."


def unmatched_smes(given: ReportInput) -> list[str]:
    """Names of the SMEs in scope that no shortlist proposes, by name."""
    proposed = {r.sme_id for r in given.result.rows if r.sme_id}
    names = {s.id: s.name for s in given.catalogue.smes}
    left = [i for i in given.overview.smes_in_scope if i not in proposed]
    return sorted((names[i] for i in left), key=lambda n: (fold(n), n))


def _summary(
    given: ReportInput, needs: Sequence[NeedView], unmet: Sequence[NeedView], unmatched: list[str]
) -> list[tuple[str, int]]:
    pairs = sum(len(n.matches) for n in needs)
    return [
        ("needs", len(needs)),
        ("SMEs in the selection", len(given.overview.smes_in_scope)),
        ("shortlisted pairs", pairs),
        ("needs with no good match", len(unmet)),
        ("SMEs that match nothing", len(unmatched)),
    ]


def coverage(needs: Sequence[NeedView], group: Callable[[NeedView], str]) -> list[Coverage]:
    """Needs per group with a match, and the average score of their best match."""
    groups: dict[str, list[NeedView]] = {}
    for need in needs:
        groups.setdefault(group(need), []).append(need)
    rows = []
    for name in sorted(groups, key=lambda g: (fold(g), g)):
        members = groups[name]
        best = [n.matches[0].score for n in members if n.matches]
        average = round(sum(best) / len(best), 3) if best else None
        rows.append(Coverage(name, len(members), len(best), average))
    return rows


def heatmaps(given: ReportInput, needs: Sequence[NeedView]) -> list[Chart]:
    """Both heatmaps, or none when there is nothing to cross (no need, or no SME)."""
    if not needs or not given.overview.smes_in_scope:
        return []
    return [_cluster_heatmap(given, needs), _sme_heatmap(given, needs)]


def _need_labels(needs: Sequence[NeedView], limit: int = 48) -> list[str]:
    labels = [f"{n.city}: {n.title_en or n.title}" for n in needs]
    return [t if len(t) <= limit else t[: limit - 1].rstrip() + "…" for t in labels]


def _cluster_heatmap(given: ReportInput, needs: Sequence[NeedView]) -> Chart:
    grid = given.overview.by_cluster
    clusters = given.catalogue.taxonomy.clusters
    names = [clusters[c].name if c in clusters else c for c in grid.columns]
    cells = [[_cell(v) for v in row] for row in grid.values]
    data = HeatmapData(_need_labels(needs), names, grid.values, cells, column_wrap=14)
    return Chart(
        "Which clusters carry the needs",
        "Each cell is the best score of any SME of that cluster for that need; "
        "blank where no SME of the cluster is relevant.",
        heatmap(data, "clusters", column_inches=1.1),
        tall=len(needs) > TALL,
    )


def _sme_heatmap(given: ReportInput, needs: Sequence[NeedView]) -> Chart:
    grid = given.overview.by_sme
    if grid is not None:
        return _all_pairs(given, needs, grid)
    top = max((len(n.matches) for n in needs), default=0)
    values = np.full((len(needs), max(top, 1)), np.nan)
    cells = [[""] * max(top, 1) for _ in needs]
    for r, need in enumerate(needs):
        for c, match in enumerate(need.matches):
            values[r, c], cells[r][c] = match.score, match.sme_name
    columns = [f"#{i}" for i in range(1, max(top, 1) + 1)]
    count = len(given.overview.smes_in_scope)
    return Chart(
        "The top of each need",
        f"{count:,} SMEs are too many for one column each: each row shows the need's "
        "shortlist instead, best first, coloured by score.",
        heatmap(HeatmapData(_need_labels(needs), columns, values, cells), "top", 1.6),
        tall=len(needs) > TALL,
    )


def _all_pairs(given: ReportInput, needs: Sequence[NeedView], grid: Grid) -> Chart:
    """SMEs down, needs across: a page scrolls down far better than across."""
    names = {s.id: s.name for s in given.catalogue.smes}
    data = HeatmapData([names[i] for i in grid.columns], _need_labels(needs, 34), grid.values.T)
    return Chart(
        "Every SME against every need",
        "Each cell is the pair's score as rank computes it; blank where the SME is not "
        "relevant to the need (below the relevance threshold).",
        heatmap(data, "pairs"),
        tall=len(grid.columns) > TALL,
    )


def _cell(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.2f}"


def _coverage_chart(what: str, rows: Sequence[Coverage]) -> Chart:
    notes = [
        f"avg best {r.best_average:.2f}" if r.best_average is not None else "none" for r in rows
    ]
    bars = Bars(
        [r.name for r in rows],
        {MATCHED: [r.matched for r in rows], UNMET: [r.needs - r.matched for r in rows]},
        BAR_COLOURS,
        notes,
    )
    return Chart(
        f"Coverage by {what}",
        f"Needs of each {what} with and without a good match; the note gives the average "
        "score of their best match.",
        stacked_bars(bars, f"coverage-{what}", f"Needs by {what}"),
    )
