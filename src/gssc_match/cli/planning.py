"""Commands for missions: plan."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .options import DataOption, WeightsOption


class PlanFormat(StrEnum):
    """Output formats of `plan` on screen (all built from the same rows)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command()
def plan(
    mission: Annotated[
        Path,
        typer.Option("--mission", "-m", help="Mission file (YAML).", dir_okay=False),
    ],
    fmt: Annotated[PlanFormat, typer.Option("--format", help="table, json or csv.")] = (
        PlanFormat.TABLE
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write to a file (.csv, .xlsx, .json, .ics).", dir_okay=False
        ),
    ] = None,
    who: Annotated[
        list[str] | None,
        typer.Option("--who", help="Show only this delegation's or SME's table (repeatable)."),
    ] = None,
    per_participant: Annotated[
        bool,
        typer.Option(
            "--per-participant", help="With an .ics --out: also one calendar per participant."
        ),
    ] = False,
    gap: Annotated[
        float,
        typer.Option(
            "--gap", min=0.0, max=0.5, help="Accept a plan this close to its bound (0.01 = 1 %)."
        ),
    ] = 0.0,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help="CSV delimiter; ';' for Excel in ES, IT, PL, FR, DE.")
    ] = ",",
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """Plan a mission: who meets whom in which slot, on everyone's clock, provably well."""
    from ..about import generated_date
    from ..api import open_catalogue
    from ..api import plan as run_plan
    from ..matching.scoring import DEFAULT_WEIGHTS, load_weights
    from ..outputs.agenda import (
        AgendaRequest,
        agenda_csv,
        agenda_files,
        agenda_format_for,
        agenda_json,
        agenda_text,
        check_agenda_target,
        plan_about,
    )

    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise typer.BadParameter(
            "must be one character, such as ',' or ';'", param_hint="--delimiter"
        )
    catalogue = open_catalogue(data)
    request = None
    if out is not None:
        inputs = (*catalogue.files, weights or DEFAULT_WEIGHTS, mission)
        fmt_out = agenda_format_for(out, None)
        request = AgendaRequest(out, fmt_out, force, delimiter, inputs, per_participant)
        check_agenda_target(request)  # before planning: a refusal should not wait for it
    agenda = run_plan(mission, catalogue, load_weights(weights), accept_gap=gap)
    about = plan_about(catalogue.fingerprint, agenda)
    if request is not None:
        about["generated"] = generated_date()
        written = agenda_files(agenda, about, request)
        more = f" and {len(written) - 1} participant calendars beside it" if written[1:] else ""
        typer.echo(f"wrote {len(agenda.rows)} meetings to {out}{more}", err=True)
        return
    if fmt is PlanFormat.JSON:
        sys.stdout.write(agenda_json(agenda, about))
    elif fmt is PlanFormat.CSV:
        sys.stdout.write(agenda_csv(agenda))
    else:
        sys.stdout.write(agenda_text(agenda, who or ()))


__all__ = ["plan"]
