"""Commands that write HTML pages: the organiser's report and the competency catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..selection import Selection
from .app import _progress_bar, app
from .options import (
    CityOption,
    ClusterOption,
    CountryOption,
    DataOption,
    MinScoreOption,
    NeedOption,
    PriorityOption,
    SmeOption,
    TopOption,
    WeightsOption,
)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.", dir_okay=False)]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]


@app.command()
def report(
    out: OutOption,
    country: CountryOption = None,
    need: NeedOption = None,
    city: CityOption = None,
    cluster: ClusterOption = None,
    priority: PriorityOption = None,
    top: TopOption = 5,
    min_score: MinScoreOption = 0.0,
    sme: SmeOption = None,
    mission: Annotated[
        Path | None,
        typer.Option(
            "--mission",
            "-m",
            help="Add the agenda `plan` makes of this mission file.",
            dir_okay=False,
        ),
    ] = None,
    teams: Annotated[
        bool, typer.Option("--teams", help="Add `teams`' suggestions (2-3 SMEs) to each need.")
    ] = False,
    force: ForceOption = False,
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """Write the organiser's briefing as one offline HTML page: summary, heatmaps,
    coverage, unmet needs and every shortlist with its explanation."""
    from ..about import about_run, generated_date
    from ..api import briefing, open_catalogue, plan, suggest_teams
    from ..matching.resolve import resolve_selection
    from ..matching.scoring import DEFAULT_WEIGHTS, load_weights
    from ..outputs.export import check_path
    from ..outputs.html import write_page
    from ..outputs.html.report import ReportInput, report_html

    chosen = load_weights(weights)
    catalogue = open_catalogue(data, _progress_bar)
    inputs = (*catalogue.files, weights or DEFAULT_WEIGHTS, *([mission] if mission else []))
    check_path(out, force, inputs)  # before the work: a refused target costs nothing
    selection = Selection(country, tuple(need or ()), city, cluster, sme, top, min_score, priority)
    selection = resolve_selection(catalogue, selection)  # typos: did-you-mean, as in rank
    result, overview = briefing(catalogue, selection, chosen, _progress_bar)
    agenda = plan(mission, catalogue, chosen) if mission is not None else None
    team_rows = None
    if teams and result.shortlists:  # the same needs as the shortlists, no more
        needs = tuple(s.need.id for s in result.shortlists)
        team_selection = Selection(need_ids=needs, cluster=selection.cluster)
        team_rows = suggest_teams(catalogue, team_selection, chosen).rows
    about = about_run(catalogue, chosen, selection)
    about["generated"] = generated_date()
    if agenda is not None:
        about["mission"] = agenda.mission_id
    given = ReportInput(catalogue, result, overview, about, min_score, agenda, team_rows)
    page = report_html(given)
    write_page(out, page, force, inputs)
    typer.echo(f"wrote the report on {len(result.shortlists)} needs to {out}", err=True)


@app.command("catalogue")
def catalogue_page(
    out: OutOption,
    top: Annotated[
        int, typer.Option("--top", min=1, max=20, help="Best-fitting needs shown per SME.")
    ] = 3,
    force: ForceOption = False,
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """Write the competency catalogue as one offline HTML page: a cover, contents by
    cluster and one card per SME with the needs it fits best."""
    from ..about import about_run, generated_date
    from ..api import best_needs, open_catalogue
    from ..matching.scoring import DEFAULT_WEIGHTS, load_weights
    from ..outputs.export import check_path
    from ..outputs.html import write_page
    from ..outputs.html.catalogue import catalogue_html

    chosen = load_weights(weights)
    catalogue = open_catalogue(data, _progress_bar)
    inputs = (*catalogue.files, weights or DEFAULT_WEIGHTS)
    check_path(out, force, inputs)
    fits = best_needs(catalogue, chosen, top, _progress_bar)
    about = about_run(catalogue, chosen, Selection(top=top))
    about["generated"] = generated_date()
    write_page(out, catalogue_html(catalogue, fits, about, chosen.labels), force, inputs)
    typer.echo(f"wrote the catalogue of {len(catalogue.smes)} SMEs to {out}", err=True)
