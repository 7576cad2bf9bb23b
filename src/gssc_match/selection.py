"""What to rank: a frozen set of options shared by the library, `rank` and `export`.

Kept apart from `ranking` so that the command line can build one without importing numpy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    """Which needs (or which SME) to rank, and how many matches to keep."""

    country: str | None = None
    need_ids: tuple[str, ...] = ()
    city: str | None = None
    cluster: str | None = None
    sme_id: str | None = None
    top: int = 5
    min_score: float = 0.0
    priority: str | None = None
    """Only needs of this priority (high, medium or low)."""
