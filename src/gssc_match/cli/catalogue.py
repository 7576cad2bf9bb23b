"""Commands on catalogue files: validate and schema."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..catalogue.schema import json_schema
from ..catalogue.validate import validate as run_validate
from ..outputs.problem_report import ProblemFormat, render_problems
from .app import _progress_bar, app
from .options import DataOption


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to check. Default: the whole catalogue in use."),
    ] = None,
    fmt: Annotated[
        ProblemFormat, typer.Option("--format", help="text, json, or github annotations.")
    ] = ProblemFormat.TEXT,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    data: DataOption = None,
) -> None:
    """Check SME, need, taxonomy and judgment files; report every problem with its line."""
    from ..catalogue.loader import data_dir

    result = run_validate(data_dir(data), paths or [], _progress_bar)
    if strict:
        result = result.strict()
    sys.stdout.write(render_problems(result.problems, result.files_checked, fmt))
    raise typer.Exit(0 if result.ok else 1)


class SchemaKind(StrEnum):
    """Which file's JSON Schema to print."""

    SME = "sme"
    NEED = "need"
    MISSION = "mission"


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="sme, need or mission.")],
    data: DataOption = None,
) -> None:
    """Print the JSON Schema of an SME, need or mission file, for editors with a YAML server.

    SME clusters and need countries are listed from the taxonomy of the catalogue in use.
    """
    from pydantic import BaseModel

    from ..catalogue.loader import data_dir, schema_references
    from ..catalogue.mission import Mission
    from ..catalogue.models import Need, Sme

    models: dict[SchemaKind, type[BaseModel]] = {
        SchemaKind.SME: Sme,
        SchemaKind.NEED: Need,
        SchemaKind.MISSION: Mission,
    }
    model = models[kind]
    sys.stdout.write(json_schema(model, schema_references(data_dir(data), model)))
