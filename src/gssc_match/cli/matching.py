"""Commands that rank: rank, evaluate and export."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..outputs.export import ExportFormat
from ..selection import Selection
from .app import _progress_bar, app
from .intake import CatalogueSheet, export_catalogue
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

if TYPE_CHECKING:
    from ..outputs.rows import Result


WithContactsOption = Annotated[
    bool,
    typer.Option(
        "--with-contacts", help="Include the SMEs' contact names and e-mails (left out by default)."
    ),
]


class RankFormat(StrEnum):
    """Output formats of `rank` (all built from the same rows)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command()
def rank(
    country: CountryOption = None,
    need: NeedOption = None,
    city: CityOption = None,
    cluster: ClusterOption = None,
    priority: PriorityOption = None,
    top: TopOption = 5,
    min_score: MinScoreOption = 0.0,
    sme: SmeOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="Full breakdown per pair.")] = False,
    fmt: Annotated[RankFormat, typer.Option("--format", help="table, json or csv.")] = (
        RankFormat.TABLE
    ),
    weights: WeightsOption = None,
    data: DataOption = None,
    with_contacts: WithContactsOption = False,
) -> None:
    """Rank SMEs for city needs (or, with --sme, needs for one SME), with reasons."""
    from ..outputs.formats import to_csv, to_json
    from ..outputs.rows import output_columns

    if with_contacts and fmt is RankFormat.TABLE:
        raise typer.BadParameter(
            "contacts are never shown in the terminal table; use --format json or csv",
            param_hint="--with-contacts",
        )
    selection = Selection(country, tuple(need or ()), city, cluster, sme, top, min_score, priority)
    result, about, _ = _run_rank(selection, weights, data)
    columns = output_columns(with_contacts)
    if fmt is RankFormat.JSON:
        sys.stdout.write(to_json(result.rows, about, columns))
    elif fmt is RankFormat.CSV:
        sys.stdout.write(to_csv(result.rows, columns=columns))
    else:
        from rich.console import Console

        from ..outputs.display import render

        render(result, Console(highlight=False), explain=explain, reverse=sme is not None)


def _run_rank(
    selection: Selection, weights_file: Path | None, data: Path | None
) -> tuple[Result, dict[str, object], tuple[Path, ...]]:
    """Load, select and rank; also returns the provenance and every input file used.

    `selection` holds the values as the user wrote them; they are resolved to ids here.
    An `--sme` that names a YAML file joins the loaded catalogue (not the folder).
    """
    from ..about import about_run
    from ..api import open_catalogue
    from ..api import rank as run_rank
    from ..catalogue.loader import is_record_file, with_sme_file
    from ..matching.resolve import resolve_selection
    from ..matching.scoring import DEFAULT_WEIGHTS, load_weights

    weights = load_weights(weights_file)
    catalogue = open_catalogue(data, _progress_bar)
    for problem in catalogue.warnings:
        typer.echo(problem.render(), err=True)
    if selection.sme_id and is_record_file(selection.sme_id):
        catalogue, sme_id = with_sme_file(catalogue, Path(selection.sme_id))
        selection = replace(selection, sme_id=sme_id)
    selection = resolve_selection(catalogue, selection)
    result = run_rank(catalogue, selection, weights, _progress_bar)
    inputs = (*catalogue.files, weights_file or DEFAULT_WEIGHTS)
    return result, about_run(catalogue, weights, selection), inputs


class EvaluateFormat(StrEnum):
    """Output formats of `evaluate`."""

    TEXT = "text"
    JSON = "json"


@app.command()
def evaluate(
    judgments: Annotated[
        Path | None,
        typer.Option(
            "--judgments",
            help="Judgments file. Default: judgments.yaml of the catalogue.",
            dir_okay=False,
        ),
    ] = None,
    fmt: Annotated[EvaluateFormat, typer.Option("--format", help="text or json.")] = (
        EvaluateFormat.TEXT
    ),
    weights: WeightsOption = None,
    data: DataOption = None,
    teams: Annotated[
        bool, typer.Option("--teams", help="Measure team suggestions instead (see `teams`).")
    ] = False,
    team_judgments: Annotated[
        Path | None,
        typer.Option(
            "--team-judgments",
            help="Team judgments file. Default: team-judgments.yaml of the catalogue.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Measure ranking quality on graded judgments, beside BM25 and plain TF-IDF baselines."""
    import json

    if teams:
        from .teams import evaluate_teams_command

        evaluate_teams_command(team_judgments, fmt is EvaluateFormat.JSON, weights, data)
        return

    from ..api import open_catalogue
    from ..catalogue.loader import JUDGMENTS_FILE, data_dir
    from ..matching.evaluate import evaluate as run_evaluate
    from ..matching.evaluate import evaluation_as_dict, evaluation_as_text, load_judgments
    from ..matching.scoring import load_weights

    chosen_weights = load_weights(weights)
    catalogue = open_catalogue(data)
    graded = load_judgments(judgments or data_dir(data) / JUDGMENTS_FILE)
    evaluation = run_evaluate(catalogue, graded, chosen_weights)
    if fmt is EvaluateFormat.JSON:
        sys.stdout.write(json.dumps(evaluation_as_dict(evaluation), indent=2) + "\n")
    else:
        sys.stdout.write(evaluation_as_text(evaluation))


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="File to write (.csv, .xlsx, .json, .md).", dir_okay=False
        ),
    ],
    country: CountryOption = None,
    need: NeedOption = None,
    city: CityOption = None,
    cluster: ClusterOption = None,
    priority: PriorityOption = None,
    top: TopOption = 5,
    min_score: MinScoreOption = 0.0,
    sme: SmeOption = None,
    fmt: Annotated[
        ExportFormat | None, typer.Option("--format", help="Override the file suffix.")
    ] = None,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help="CSV delimiter; ';' for Excel in ES, IT, PL, FR, DE.")
    ] = ",",
    decimal: Annotated[
        str | None,
        typer.Option(
            "--decimal",
            help="Decimal mark of numbers in CSV: '.' or ','. Default: ',' with --delimiter ';'.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    weights: WeightsOption = None,
    data: DataOption = None,
    with_contacts: WithContactsOption = False,
    catalogue: Annotated[
        CatalogueSheet | None,
        typer.Option(
            "--catalogue", help="Instead: the catalogue's smes or needs, to edit and import."
        ),
    ] = None,
) -> None:
    """Write the same rows as `rank` to CSV, XLSX, JSON or Markdown, safely."""
    from ..about import generated_date
    from ..outputs.export import ExportRequest, format_for
    from ..outputs.export import export as run_export

    mark = _csv_marks(delimiter, decimal)
    if catalogue is not None:
        return export_catalogue(catalogue, out, delimiter, force, data, with_contacts)
    chosen = format_for(out, fmt)
    selection = Selection(country, tuple(need or ()), city, cluster, sme, top, min_score, priority)
    result, about, inputs = _run_rank(selection, weights, data)
    about["generated"] = generated_date()
    request = ExportRequest(out, chosen, force, delimiter, mark, inputs, with_contacts)
    run_export(result.rows, about, request)
    typer.echo(f"wrote {len(result.rows)} rows to {out}", err=True)


def _csv_marks(delimiter: str, decimal: str | None) -> str:
    """Check the delimiter; return the decimal mark asked for, or the one that goes with it."""
    from ..outputs.formats import DECIMAL_MARKS, default_decimal

    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise typer.BadParameter(
            "must be one character, such as ',' or ';'", param_hint="--delimiter"
        )
    mark = default_decimal(delimiter) if decimal is None else decimal
    if mark not in DECIMAL_MARKS:
        raise typer.BadParameter("must be '.' or ','", param_hint="--decimal")
    if mark == delimiter:
        raise typer.BadParameter(
            f"cannot be the delimiter '{delimiter}' too; use --delimiter ';' with a decimal comma",
            param_hint="--decimal",
        )
    return mark
