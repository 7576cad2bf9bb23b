"""Provenance of a result: tool version, catalogue fingerprint, weights, selection, date."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import __version__
from .catalogue import Catalogue
from .scoring import Weights
from .selection import Selection


def fingerprint(catalogue: Catalogue) -> str:
    """SHA-256 over the catalogue's input files (relative names and bytes), in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(catalogue.files, key=lambda p: _relative(p, catalogue.root)):
        digest.update(_relative(path, catalogue.root).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def about_run(catalogue: Catalogue, weights: Weights, selection: Selection) -> dict[str, Any]:
    """What is needed to reproduce a result (no clock: same inputs, same bytes)."""
    return {
        "tool": f"gssc-match {__version__}",
        "catalogue_fingerprint": fingerprint(catalogue),
        "smes": len(catalogue.smes),
        "needs": len(catalogue.needs),
        "weights": weights.model_dump(mode="json"),
        "selection": asdict(selection),
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
