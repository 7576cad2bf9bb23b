"""Provenance of a result: tool version, catalogue fingerprint, weights, selection, date."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict
from typing import Any

from . import __version__
from .catalogue.loader import Catalogue
from .matching.scoring import Weights
from .selection import Selection


def about_run(catalogue: Catalogue, weights: Weights, selection: Selection) -> dict[str, Any]:
    """What is needed to reproduce a result (no clock: same inputs, same bytes)."""
    return {
        "tool": f"gssc-match {__version__}",
        "catalogue_fingerprint": catalogue.fingerprint,
        "smes": len(catalogue.smes),
        "needs": len(catalogue.needs),
        "weights": weights.model_dump(mode="json"),
        "selection": asdict(selection),
        "filter": selection.describe(),
    }


def generated_date() -> str:
    """Today's date, or the date of $SOURCE_DATE_EPOCH for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch and epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return when.date().isoformat()
