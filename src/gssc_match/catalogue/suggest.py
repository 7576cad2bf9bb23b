"""Did-you-mean hints for a value that names nothing known (ids, countries, clusters, cities)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from .text import fold

_WORD = re.compile(r"\w+")
LISTED = 12
"""Up to this many choices, a miss lists them all; beyond, only the closest are named."""


def did_you_mean(given: str, choices: Iterable[str], *, cutoff: float = 70) -> str:
    """`did you mean 'x'?`, else the choices when few, else the closest few.

    Compared folded (case and accents do not count), as whole strings or as sets of
    words: `Hanga Roa` finds `Hanga Roa (Rapa Nui)`, and a loose partial match that would
    offer `Hội An` for it is not used.
    """
    known = sorted(set(choices))
    best = process.extractOne(given, known, scorer=_similarity, processor=_key, score_cutoff=cutoff)
    if best:
        return f"did you mean '{best[0]}'?"
    if len(known) <= LISTED:
        return f"choose one of: {', '.join(known)}"
    near = process.extract(given, known, scorer=_similarity, processor=_key, limit=3)
    return f"closest: {', '.join(name for name, _, _ in near)}"


def _key(text: str) -> str:
    """Folded, with punctuation as spaces: `salobre` is a word of `salobre-modular`."""
    return " ".join(_WORD.findall(fold(text)))


def _similarity(a: str, b: str, *, score_cutoff: float | None = None) -> float:
    """Edit similarity, or word-set similarity when both sides are long enough to mean it."""
    words = fuzz.token_set_ratio(a, b) if min(len(a), len(b)) >= 4 else 0.0
    return max(fuzz.ratio(a, b), words)
