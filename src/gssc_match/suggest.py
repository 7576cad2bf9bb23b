"""Did-you-mean hints for a value that names nothing known (ids, countries, clusters, cities)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

LISTED = 12
"""Up to this many choices, a miss lists them all; beyond, only the closest are named."""


def did_you_mean(given: str, choices: Iterable[str], *, cutoff: float = 60) -> str:
    """`did you mean 'x'?`, else the choices when few, else the closest few."""
    known = sorted(set(choices))
    best = process.extractOne(
        given, known, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=cutoff
    )
    if best:
        return f"did you mean '{best[0]}'?"
    if len(known) <= LISTED:
        return f"choose one of: {', '.join(known)}"
    near = process.extract(given, known, processor=utils.default_process, limit=3)
    return f"closest: {', '.join(name for name, _, _ in near)}"
