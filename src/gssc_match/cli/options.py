"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..catalogue.models import Priority

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


CountryOption = Annotated[
    str | None, typer.Option("--country", help="Target country: name, ISO code or alias.")
]
NeedOption = Annotated[list[str] | None, typer.Option("--need", help="Need id (repeatable).")]
CityOption = Annotated[
    str | None,
    typer.Option("--city", help="Only needs of this city (case and accents do not matter)."),
]
ClusterOption = Annotated[
    str | None,
    typer.Option("--cluster", help="Only SMEs of this cluster: id, name or organisation."),
]
PriorityOption = Annotated[
    Priority | None,
    typer.Option("--priority", help="Only needs of this priority: high, medium or low."),
]
TopOption = Annotated[int, typer.Option("--top", min=1, max=1000, help="SMEs kept per need.")]
MinScoreOption = Annotated[
    float, typer.Option("--min-score", min=0.0, max=1.0, help="Drop matches scoring below this.")
]
SmeOption = Annotated[
    str | None,
    typer.Option(
        "--sme",
        help="Reverse view: the needs that fit this SME best. An id, or an SME file "
        "(.yaml) ranked against the catalogue's needs without copying it in.",
    ),
]
WeightsOption = Annotated[
    Path | None,
    typer.Option(
        "--weights", help="Weights file (default: $GSSC_MATCH_WEIGHTS or built-in).", dir_okay=False
    ),
]
