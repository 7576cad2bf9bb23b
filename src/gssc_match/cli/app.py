"""The command group, its error handling and the console entry point.

Exit codes: 0 success, 1 invalid input (or a command that failed for a reason the user
can fix), 2 usage error. Library errors are translated here, once.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import CatalogueError, GsscMatchError


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
