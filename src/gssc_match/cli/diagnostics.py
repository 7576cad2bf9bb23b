"""Commands that show where the taxonomy is blind: `taxonomy gaps` and `doctor`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import UsageError
from ..outputs.diagnostics import DiagnosticFormat
from .app import app
from .options import DataOption, WeightsOption

taxonomy_app = typer.Typer(
    help="Keep the taxonomy in step with the catalogue.", no_args_is_help=True
)
app.add_typer(taxonomy_app, name="taxonomy")

FormatOption = Annotated[DiagnosticFormat, typer.Option("--format", help="text or json.")]


@taxonomy_app.command()
def gaps(
    data: DataOption = None,
    fmt: FormatOption = DiagnosticFormat.TEXT,
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="Terms shown.")] = 20,
) -> None:
    """Frequent words and phrases of the catalogue that no taxonomy concept covers."""
    from ..api import taxonomy_gaps
    from ..outputs.diagnostics import render_gaps

    sys.stdout.write(render_gaps(taxonomy_gaps(data, top), fmt))


@app.command()
def doctor(
    sme: Annotated[str | None, typer.Option("--sme", help="The SME to examine.")] = None,
    need: Annotated[str | None, typer.Option("--need", help="The need to examine.")] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, max=1000, help="Shortlist length to measure against.")
    ] = 5,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="Near misses shown.")] = 5,
    fmt: FormatOption = DiagnosticFormat.TEXT,
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """What the scorer reads in one SME or need, and what it nearly matches."""
    from ..api import diagnose
    from ..matching.doctor import Side
    from ..outputs.diagnostics import render_diagnosis

    if (sme is None) == (need is None):
        raise UsageError("give exactly one of --sme ID or --need ID")
    side, record_id = (Side.SME, sme) if sme is not None else (Side.NEED, need or "")
    diagnosis = diagnose(record_id, side, data=data, weights_path=weights, top=top, limit=limit)
    sys.stdout.write(render_diagnosis(diagnosis, fmt))
