"""The `teams` command: consortium suggestions, shown, printed as JSON/CSV or written."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..selection import Selection
from .app import _progress_bar, app
from .options import (
    CityOption,
    ClusterOption,
    CountryOption,
    DataOption,
    NeedOption,
    WeightsOption,
)

if TYPE_CHECKING:
    from ..outputs.team_rows import TeamResult


class TeamsFormat(StrEnum):
    """Output formats of `teams` on standard output (all built from the same rows)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command()
def teams(
    country: CountryOption = None,
    need: NeedOption = None,
    city: CityOption = None,
    cluster: ClusterOption = None,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Drop teams scoring below this.")
    ] = 0.0,
    size: Annotated[
        int, typer.Option("--size", min=2, max=3, help="Largest team size: 2 or 3.")
    ] = 3,
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="Teams kept per need.")] = 3,
    fmt: Annotated[
        TeamsFormat, typer.Option("--format", help="table, json or csv (standard output).")
    ] = TeamsFormat.TABLE,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write to a file instead (.csv, .xlsx, .json, .md).", dir_okay=False
        ),
    ] = None,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help="CSV delimiter; ';' for Excel in ES, IT, PL, FR, DE.")
    ] = ",",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """Suggest teams of 2-3 complementary SMEs for needs that no single SME covers."""
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise typer.BadParameter(
            "must be one character, such as ',' or ';'", param_hint="--delimiter"
        )
    selection = Selection(country, tuple(need or ()), city, cluster, None, top, min_score)
    if out is not None:
        _write(out, selection, size, delimiter, force, weights, data)
        return
    result, about, _ = _run_teams(selection, size, weights, data)
    from ..outputs.tables import table_csv, table_json
    from ..outputs.team_rows import TEAMS

    if fmt is TeamsFormat.JSON:
        sys.stdout.write(table_json(result.rows, about))
    elif fmt is TeamsFormat.CSV:
        sys.stdout.write(table_csv(result.rows, TEAMS))
    else:
        from rich.console import Console

        from ..outputs.team_display import render_teams

        render_teams(result.suggestions, Console(highlight=False))


def _write(
    out: Path,
    selection: Selection,
    size: int,
    delimiter: str,
    force: bool,
    weights: Path | None,
    data: Path | None,
) -> None:
    from ..about import generated_date
    from ..outputs.export import ExportRequest, format_for
    from ..outputs.formats import default_decimal
    from ..outputs.tables import export_table
    from ..outputs.team_rows import TEAMS

    chosen = format_for(out, None)
    result, about, inputs = _run_teams(selection, size, weights, data)
    about["generated"] = generated_date()
    request = ExportRequest(
        out,
        chosen,
        force=force,
        delimiter=delimiter,
        decimal=default_decimal(delimiter),
        protected=inputs,
    )
    export_table(result.rows, about, request, TEAMS)
    typer.echo(f"wrote {len(result.rows)} rows to {out}", err=True)


def _run_teams(
    selection: Selection, size: int, weights_file: Path | None, data: Path | None
) -> tuple[TeamResult, dict[str, object], tuple[Path, ...]]:
    """Load, select and search; also returns the provenance and every input file used."""
    from ..about import about_run
    from ..api import open_catalogue, suggest_teams
    from ..matching.resolve import resolve_selection
    from ..matching.scoring import DEFAULT_WEIGHTS, load_weights

    chosen_weights = load_weights(weights_file)
    catalogue = open_catalogue(data, _progress_bar)
    selection = resolve_selection(catalogue, selection)  # typos: did-you-mean, as in rank
    result = suggest_teams(catalogue, selection, chosen_weights, size, selection.top)
    about = {**about_run(catalogue, chosen_weights, selection), "team_size": size}
    inputs = (*catalogue.files, weights_file or DEFAULT_WEIGHTS)
    return result, about, inputs


def evaluate_teams_command(
    judgments: Path | None, as_json: bool, weights: Path | None, data: Path | None
) -> None:
    """`evaluate --teams`: our top team beside rank's top 2 and top 3 on judged needs."""
    import json

    from ..api import open_catalogue
    from ..catalogue.loader import data_dir
    from ..matching.scoring import load_weights
    from ..matching.team_evaluate import (
        TEAM_JUDGMENTS_FILE,
        evaluate_teams,
        load_team_judgments,
        team_evaluation_as_dict,
        team_evaluation_as_text,
    )

    chosen_weights = load_weights(weights)
    catalogue = open_catalogue(data)
    path = judgments or data_dir(data) / TEAM_JUDGMENTS_FILE
    if not path.is_file():
        from ..errors import UsageError

        raise UsageError(f"no team judgments file '{path}'; pass --team-judgments FILE")
    judged = load_team_judgments(path, catalogue)
    evaluation = evaluate_teams(catalogue, judged, chosen_weights)
    if as_json:
        sys.stdout.write(json.dumps(team_evaluation_as_dict(evaluation), indent=2) + "\n")
    else:
        sys.stdout.write(team_evaluation_as_text(evaluation))
