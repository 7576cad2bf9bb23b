"""What to rank: a frozen set of options shared by the library, `rank` and `export`.

Kept apart from `ranking` so that the command line can build one without importing numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


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

    def describe(self) -> str:
        """`country vietnam, cluster water, top 5`: every option that differs from the default.

        Written into every export, so that a short list says what shortened it."""
        default = Selection()
        parts = [
            f"{_OPTION_NAMES.get(f.name, f.name.replace('_', ' '))} {_shown(getattr(self, f.name))}"
            for f in fields(self)
            if f.name == "top" or getattr(self, f.name) != getattr(default, f.name)
        ]
        if len(parts) == 1:
            parts.insert(0, "all needs and SMEs")
        return ", ".join(parts)


_OPTION_NAMES = {"need_ids": "needs", "sme_id": "SME", "min_score": "min score"}


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)
