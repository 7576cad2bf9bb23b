"""The library's use cases in one place: open a catalogue, rank it, get rows."""

from __future__ import annotations

from pathlib import Path

from .catalogue.loader import Catalogue, data_dir, load_catalogue
from .errors import CatalogueError
from .matching.ranking import Matcher
from .matching.scoring import Weights, load_weights
from .outputs.rows import Context, Result, rows_for_matches, rows_for_shortlists
from .progress import Progress, silent
from .selection import Selection


def open_catalogue(data: Path | None = None, progress: Progress = silent) -> Catalogue:
    """Load a catalogue; raises CatalogueError listing every error if any file is invalid."""
    catalogue, checked = load_catalogue(data_dir(data), progress)
    if catalogue is None or checked.errors:
        raise CatalogueError(checked.errors or checked.problems)
    return catalogue


def rank(
    catalogue: Catalogue,
    selection: Selection | None = None,
    weights: Weights | None = None,
    progress: Progress = silent,
) -> Result:
    """Rank SMEs for the selected needs, or needs for `selection.sme_id`.

    `progress` wraps the stream of shortlists (the CLI passes a progress bar on a terminal).
    """
    selection = selection or Selection()
    weights = weights or load_weights()
    matcher = Matcher(catalogue, weights)
    context = Context(selection, weights.no_match_threshold, weights.labels)
    if selection.sme_id is not None:
        matches = tuple(matcher.for_sme(selection.sme_id, selection))
        return Result(weights, (), matches, tuple(rows_for_matches(matches, context)), context)
    total = len(matcher.select_needs(selection))
    shortlists = tuple(progress(matcher.shortlists(selection), total, "ranking"))
    rows = tuple(rows_for_shortlists(shortlists, context))
    return Result(weights, shortlists, (), rows, context)
