"""The `weights` command: the default weights as a commented file to start from."""

from __future__ import annotations

import sys

from .app import app


@app.command()
def weights() -> None:
    """Print the default weights, commented, to copy and change (`> my-weights.yaml`)."""
    from ..matching.scoring import DEFAULT_WEIGHTS

    sys.stdout.write(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
