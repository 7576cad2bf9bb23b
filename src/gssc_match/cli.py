"""The command line: parse options, call one library function, render, exit.

Exit codes: 0 success, 1 invalid input (or a command that failed for a reason the user
can fix), 2 usage error. Library errors are translated here, once.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from . import __version__
from .errors import GsscMatchError
from .report import ProblemFormat, render_problems
from .schema import json_schema
from .validate import validate as run_validate

app = typer.Typer(
    name="gssc-match",
    help="Match European SME solutions to the needs of small and mid-sized cities.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Catalogue folder (smes/, needs/<country>/, taxonomy.yaml). "
        "Default: $GSSC_MATCH_DATA, else the bundled catalogue.",
        file_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gssc-match {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Match European SME solutions to the needs of small and mid-sized cities."""


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
    from .catalogue import data_dir

    result = run_validate(data_dir(data), paths or [])
    if strict:
        result = result.strict()
    sys.stdout.write(render_problems(result.problems, result.files_checked, fmt))
    raise typer.Exit(0 if result.ok else 1)


class SchemaKind(StrEnum):
    """Which file's JSON Schema to print."""

    SME = "sme"
    NEED = "need"


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="sme or need.")],
) -> None:
    """Print the JSON Schema of an SME or need file, for editors with a YAML language server."""
    from .models import Need, Sme

    sys.stdout.write(json_schema(Sme if kind is SchemaKind.SME else Need))


def _fail(exc: GsscMatchError) -> NoReturn:
    typer.echo(f"gssc-match: error: {exc}", err=True)
    raise SystemExit(exc.exit_code)


def main() -> None:
    """Console entry point: run the app, turning library errors into one line and an exit code."""
    try:
        app()
    except GsscMatchError as exc:
        _fail(exc)
