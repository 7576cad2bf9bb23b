"""gssc-match: pair European SME solutions with the needs of small and mid-sized cities.

The public API (imported lazily, so that `validate` never pays for scikit-learn):
`open_catalogue`, `rank`, `suggest_teams`, `Selection`, `load_weights`, `validate`,
`taxonomy_gaps`, `diagnose`, `remedies_of`, `read_records` (sheets).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "open_catalogue": "api",
    "rank": "api",
    "suggest_teams": "api",
    "Result": "outputs.rows",
    "Selection": "selection",
    "Matcher": "matching.ranking",
    "load_weights": "matching.scoring",
    "validate": "catalogue.validate",
    "taxonomy_gaps": "api",
    "diagnose": "api",
    "remedies_of": "catalogue.remedies",
    "read_records": "catalogue.intake",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
