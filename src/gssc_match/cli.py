"""The command line: parse options, call one library function, render, exit.

Exit codes: 0 success, 1 invalid input (or a command that failed for a reason the user
can fix), 2 usage error. Library errors are translated here, once.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import CatalogueError, GsscMatchError
from .export import ExportFormat
from .report import ProblemFormat, render_problems
from .schema import json_schema
from .selection import Selection
from .validate import validate as run_validate

if TYPE_CHECKING:
    from .api import Result


class _Commands(TyperGroup):
    """The command group; library errors become one message and an exit code here, once.

    Why here and not only in `main`: a test (or another program) that runs `app` through
    `CliRunner` must see the same messages and exit codes as the console script.
    """

    def invoke(self, ctx: Any) -> Any:  # typer's base Context lives in a private module
        try:
            return super().invoke(ctx)
        except GsscMatchError as exc:
            _fail(exc)


T = TypeVar("T")

app = typer.Typer(
    cls=_Commands,
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
        exists=True,  # a mistyped folder must not pass as an empty, valid catalogue
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

    result = run_validate(data_dir(data), paths or [], _progress_bar)
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


def _progress_bar(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """A progress bar on stderr for work that turns out to take over a second.

    Only on an interactive terminal: quiet when output is piped, redirected or in CI.
    """
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    started = time.monotonic()
    bar: Progress | None = None
    try:
        for done, item in enumerate(items, start=1):
            yield item
            if bar is None and time.monotonic() - started > 1.0:
                bar = Progress(console=Console(stderr=True), transient=True)
                bar.start()
                task = bar.add_task(label, total=total, completed=done)
            elif bar is not None:
                bar.update(task, completed=done)
    finally:
        if bar is not None:
            bar.stop()


def _fail(exc: GsscMatchError) -> NoReturn:
    if isinstance(exc, CatalogueError):
        for problem in exc.problems:
            typer.echo(problem.render(), err=True)
    typer.echo(f"gssc-match: error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def main() -> None:
    """Console entry point: run the app, turning library errors into one line and an exit code.

    The process ends with os._exit once output is flushed: tearing down scikit-learn,
    SciPy and the caches costs about a quarter of a second that a command run on every
    commit should not pay. Nothing is left to clean up by then: every file this tool writes
    is closed (and synced) before the command returns.
    """
    try:
        app()
    except GsscMatchError as exc:
        _fail(exc)
    except SystemExit as exc:
        _exit_now(exc.code)


def _exit_now(code: object) -> NoReturn:
    if isinstance(code, str):
        print(code, file=sys.stderr)
    status = code if isinstance(code, int) else (0 if code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


class RankFormat(StrEnum):
    """Output formats of `rank` (all built from the same rows)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


CountryOption = Annotated[
    str | None, typer.Option("--country", help="Target country: name, ISO code or alias.")
]
NeedOption = Annotated[list[str] | None, typer.Option("--need", help="Need id (repeatable).")]
CityOption = Annotated[str | None, typer.Option("--city", help="Only needs of this city.")]
ClusterOption = Annotated[str | None, typer.Option("--cluster", help="Only SMEs of this cluster.")]
TopOption = Annotated[int, typer.Option("--top", min=1, max=1000, help="SMEs kept per need.")]
MinScoreOption = Annotated[
    float, typer.Option("--min-score", min=0.0, max=1.0, help="Drop matches scoring below this.")
]
SmeOption = Annotated[
    str | None, typer.Option("--sme", help="Reverse view: the needs that fit this SME best.")
]
WeightsOption = Annotated[
    Path | None,
    typer.Option(
        "--weights", help="Weights file (default: $GSSC_MATCH_WEIGHTS or built-in).", dir_okay=False
    ),
]


@app.command()
def rank(
    country: CountryOption = None,
    need: NeedOption = None,
    city: CityOption = None,
    cluster: ClusterOption = None,
    top: TopOption = 5,
    min_score: MinScoreOption = 0.0,
    sme: SmeOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="Full breakdown per pair.")] = False,
    fmt: Annotated[RankFormat, typer.Option("--format", help="table, json or csv.")] = (
        RankFormat.TABLE
    ),
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """Rank SMEs for city needs (or, with --sme, needs for one SME), with reasons."""
    from .formats import to_csv, to_json

    selection = Selection(country, tuple(need or ()), city, cluster, sme, top, min_score)
    result, about, _ = _run_rank(selection, weights, data)
    if fmt is RankFormat.JSON:
        sys.stdout.write(to_json(result.rows, about))
    elif fmt is RankFormat.CSV:
        sys.stdout.write(to_csv(result.rows))
    else:
        from rich.console import Console

        from .display import render

        render(result, Console(highlight=False), explain=explain)


def _run_rank(
    selection: Selection, weights_file: Path | None, data: Path | None
) -> tuple[Result, dict[str, object], tuple[Path, ...]]:
    """Load, select and rank; also returns the provenance and every input file used.

    `selection.country` is the country as the user wrote it; it is resolved here.
    """
    from .about import about_run
    from .api import open_catalogue
    from .api import rank as run_rank
    from .scoring import DEFAULT_WEIGHTS, load_weights

    weights = load_weights(weights_file)
    catalogue = open_catalogue(data, _progress_bar)
    if selection.country:
        selection = replace(
            selection, country=catalogue.taxonomy.resolve_country(selection.country).id
        )
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
) -> None:
    """Measure ranking quality on graded judgments, beside BM25 and plain TF-IDF baselines."""
    import json

    from .api import open_catalogue
    from .catalogue import JUDGMENTS_FILE, data_dir
    from .evaluate import evaluate as run_evaluate
    from .evaluate import evaluation_as_dict, evaluation_as_text, load_judgments
    from .scoring import load_weights

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
    top: TopOption = 5,
    min_score: MinScoreOption = 0.0,
    sme: SmeOption = None,
    fmt: Annotated[
        ExportFormat | None, typer.Option("--format", help="Override the file suffix.")
    ] = None,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help="CSV delimiter; ';' for Excel in ES, IT, PL, FR, DE.")
    ] = ",",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    weights: WeightsOption = None,
    data: DataOption = None,
) -> None:
    """Write the same rows as `rank` to CSV, XLSX, JSON or Markdown, safely."""
    from .about import generated_date
    from .export import ExportRequest, format_for
    from .export import export as run_export

    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise typer.BadParameter(
            "must be one character, such as ',' or ';'", param_hint="--delimiter"
        )
    chosen = format_for(out, fmt)
    selection = Selection(country, tuple(need or ()), city, cluster, sme, top, min_score)
    result, about, inputs = _run_rank(selection, weights, data)
    about["generated"] = generated_date()
    run_export(result.rows, about, ExportRequest(out, chosen, force, delimiter, inputs))
    typer.echo(f"wrote {len(result.rows)} rows to {out}", err=True)
