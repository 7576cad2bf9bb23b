"""Commands for registration sheets: template, import, and the catalogue's own sheet."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..catalogue.columns import RecordKind
from .app import app
from .options import DataOption

if TYPE_CHECKING:
    from ..catalogue.taxonomy import Taxonomy
    from ..outputs.yamlfiles import ImportPlan

KIND_NAMES = {RecordKind.SME: ("SME", "SMEs"), RecordKind.NEED: ("need", "needs")}


class CatalogueSheet(StrEnum):
    """Which records `export --catalogue` writes."""

    SMES = "smes"
    NEEDS = "needs"

    @property
    def kind(self) -> RecordKind:
        return RecordKind.SME if self is CatalogueSheet.SMES else RecordKind.NEED


ForceOption = Annotated[bool, typer.Option("--force", help="Replace existing files.")]


@app.command()
def template(
    kind: Annotated[RecordKind, typer.Argument(help="sme or need.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="File to write (.xlsx or .csv).", dir_okay=False)
    ],
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """Write an empty registration sheet: one column per field, help and drop-downs (XLSX)."""
    from ..outputs.template import sheet_format
    from ..outputs.template import template as make_template

    fmt = sheet_format(out)
    _write_sheet(out, make_template(kind, fmt, _taxonomy(data)), force)
    typer.echo(f"wrote an empty {KIND_NAMES[kind][0]} sheet to {out}", err=True)


@app.command("import")
def import_sheet(
    kind: Annotated[RecordKind, typer.Argument(help="sme or need.")],
    file: Annotated[
        Path, typer.Argument(help="The sheet: .xlsx, or .csv (comma, ';' or tab).", dir_okay=False)
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the YAML files (needs go in <country>/ inside it).",
            file_okay=False,
        ),
    ],
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="CSV delimiter (default: detected).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="CSV encoding, e.g. cp1252 (default: UTF-8).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="XLSX sheet to read (default: the first).")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--map", help="YAML file: 'Sheet header: field' for other headers.", dir_okay=False
        ),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the valid rows even if others fail.")
    ] = False,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """Turn a sheet of SMEs or needs into one validated YAML file per row."""
    from ..catalogue.intake import IntakeOptions, read_records
    from ..catalogue.sheets import ReadOptions
    from ..outputs.yamlfiles import plan_import, write_files

    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise typer.BadParameter(
            "must be one character, such as ',' or ';'", param_hint="--delimiter"
        )
    options = IntakeOptions(ReadOptions(delimiter, encoding, sheet), mapping)
    intake = read_records(file, str(file), kind, _taxonomy(data), options)
    plan = plan_import(intake, out, force, file)
    for problem in plan.problems:
        typer.echo(problem.render(), err=True)
    if plan.bad_rows and (plan.sheet_failed or not skip_invalid):
        typer.echo(_nothing_written(plan), err=True)
        raise typer.Exit(1)
    write_files(plan.files, out)
    count = len(plan.files)
    singular, plural = KIND_NAMES[kind]
    typer.echo(f"wrote {count} {singular if count == 1 else plural} to {out}", err=True)
    if plan.bad_rows:
        rows = ", ".join(map(str, plan.bad_rows))
        typer.echo(f"skipped {len(plan.bad_rows)} invalid row(s): {rows}", err=True)
        raise typer.Exit(1)


def _nothing_written(plan: ImportPlan) -> str:
    rows, good = plan.rows, len(plan.files)
    if plan.sheet_failed:
        return "gssc-match: error: nothing written; fix the problems above"
    if good == 0:
        return "gssc-match: error: nothing written: " + (
            f"all {rows} rows have problems" if rows > 1 else "the row has problems"
        )
    return (
        f"gssc-match: error: nothing written: {rows - good} of {rows} rows have problems; "
        f"fix them, or use --skip-invalid to write the {good} valid ones"
    )


def export_catalogue(
    which: CatalogueSheet,
    out: Path,
    delimiter: str,
    force: bool,
    data: Path | None,
    with_contacts: bool = False,
) -> None:
    """`export --catalogue`: the catalogue's SMEs or needs in the template's shape.

    Contacts only with `--with-contacts`, as in every export; a sheet without them imports
    to records without them.
    """
    from ..api import open_catalogue
    from ..outputs.template import catalogue_sheet, sheet_format

    fmt = sheet_format(out)
    catalogue = open_catalogue(data)
    records = catalogue.smes if which is CatalogueSheet.SMES else catalogue.needs
    content = catalogue_sheet(
        which.kind, records, fmt, catalogue.taxonomy, delimiter, with_contacts
    )
    _write_sheet(out, content, force, catalogue.files)
    typer.echo(f"wrote {len(records)} {KIND_NAMES[which.kind][1]} to {out}", err=True)


def _write_sheet(out: Path, content: bytes, force: bool, protected: tuple[Path, ...] = ()) -> None:
    from ..outputs.export import ExportFormat, ExportRequest, atomic_write, check_target

    check_target(ExportRequest(out, ExportFormat.CSV, force=force, protected=protected))
    atomic_write(out, content)


def _taxonomy(data: Path | None) -> Taxonomy:
    from ..catalogue.loader import data_dir, load_taxonomy, taxonomy_path
    from ..errors import CatalogueError

    taxonomy, problems = load_taxonomy(taxonomy_path(data_dir(data)))
    if taxonomy is None:
        raise CatalogueError(problems, "the taxonomy")
    return taxonomy
