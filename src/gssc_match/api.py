"""The library's use cases in one place: open a catalogue, rank it, get rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue.gaps import GapReport, find_gaps, records_of
from .catalogue.loader import Catalogue, Checked, data_dir, load_catalogue
from .errors import CatalogueError, UsageError
from .matching.doctor import Diagnosis, Side
from .matching.doctor import diagnose as diagnose_record
from .matching.overview import Overview, overview
from .matching.ranking import Match, Matcher
from .matching.scoring import Weights, load_weights
from .outputs.rows import Context, Result, rows_for_matches, rows_for_shortlists
from .outputs.team_rows import TeamResult, rows_for_suggestions
from .progress import Progress, silent
from .selection import Selection

if TYPE_CHECKING:
    from .planning.agenda import Agenda


def open_catalogue(data: Path | None = None, progress: Progress = silent) -> Catalogue:
    """Load a catalogue; raises CatalogueError listing every error if any file is invalid."""
    return _open(data, progress)[0]


def _open(data: Path | None, progress: Progress = silent) -> tuple[Catalogue, Checked]:
    catalogue, checked = load_catalogue(data_dir(data), progress)
    if catalogue is None or checked.errors:
        raise CatalogueError(checked.errors or checked.problems)
    return catalogue, checked


def taxonomy_gaps(data: Path | None = None, top: int = 20) -> GapReport:
    """The most used words and phrases of a catalogue that no taxonomy concept covers."""
    catalogue, checked = _open(data)
    return find_gaps(records_of(checked), catalogue.taxonomy, top)


def diagnose(
    record_id: str,
    side: Side,
    *,
    data: Path | None = None,
    weights_path: Path | None = None,
    top: int = 5,
    limit: int = 5,
) -> Diagnosis:
    """What the scorer reads in one SME or need, and the records it nearly matches."""
    matcher = Matcher(open_catalogue(data), load_weights(weights_path))
    return diagnose_record(matcher, side, record_id, top, limit)


def rank(
    catalogue: Catalogue,
    selection: Selection | None = None,
    weights: Weights | None = None,
    progress: Progress = silent,
) -> Result:
    """Rank SMEs for the selected needs, or needs for `selection.sme_id`.

    `progress` wraps the stream of shortlists (the CLI passes a progress bar on a terminal).
    """
    matcher = Matcher(catalogue, weights or load_weights())
    return _rank(matcher, selection or Selection(), progress)


def _rank(matcher: Matcher, selection: Selection, progress: Progress) -> Result:
    weights = matcher.weights
    context = Context(selection, weights.no_match_threshold, weights.labels)
    if selection.sme_id is not None:
        matches = tuple(matcher.for_sme(selection.sme_id, selection))
        return Result(weights, (), matches, tuple(rows_for_matches(matches, context)), context)
    total = len(matcher.select_needs(selection))
    shortlists = tuple(progress(matcher.shortlists(selection), total, "ranking"))
    rows = tuple(rows_for_shortlists(shortlists, context))
    return Result(weights, shortlists, (), rows, context)


def briefing(
    catalogue: Catalogue,
    selection: Selection,
    weights: Weights | None = None,
    progress: Progress = silent,
    sme_column_limit: int = 60,
) -> tuple[Result, Overview]:
    """`rank`'s result for a selection of needs, with the overview a report page shows.

    Both come from one fitted matcher, so every score on the page is the score `rank` gives.
    With `selection.sme_id`, the needs are those that fit that SME best (`rank --sme`).
    """
    matcher = Matcher(catalogue, weights or load_weights())
    forward = replace(selection, sme_id=None)
    if selection.sme_id is not None:
        fitting = tuple(m.need.id for m in matcher.for_sme(selection.sme_id, selection))
        if not fitting:
            raise UsageError(f"no need fits SME '{selection.sme_id}'; nothing to report")
        forward = replace(forward, need_ids=fitting, country=None, city=None)
    return _rank(matcher, forward, progress), overview(matcher, forward, sme_column_limit)


def best_needs(
    catalogue: Catalogue, weights: Weights | None = None, top: int = 3, progress: Progress = silent
) -> dict[str, tuple[Match, ...]]:
    """Per SME id, the needs across all countries that fit it best (as `rank --sme`)."""
    matcher = Matcher(catalogue, weights or load_weights())
    selection = Selection(top=top)
    return {
        sme.id: tuple(matcher.for_sme(sme.id, selection))
        for sme in progress(matcher.smes, len(matcher.smes), "matching")
    }


def plan(
    mission_path: Path,
    catalogue: Catalogue,
    weights: Weights | None = None,
    *,
    accept_gap: float = 0.0,
) -> Agenda:
    """Read a mission, check it against the catalogue, and plan its agenda."""
    from .planning.agenda import agenda_of
    from .planning.build import plan_mission
    from .planning.load import load_mission

    mission = load_mission(mission_path, catalogue)
    matcher = Matcher(catalogue, weights or load_weights())
    return agenda_of(plan_mission(mission, catalogue, matcher, accept_gap=accept_gap))


def suggest_teams(
    catalogue: Catalogue,
    selection: Selection | None = None,
    weights: Weights | None = None,
    size: int = 3,
    top: int = 3,
) -> TeamResult:
    """Teams of 2..size SMEs for the selected needs, with the rows every output shows."""
    from .matching.teams import TeamFinder

    selection = selection or Selection()
    weights = weights or load_weights()
    finder = TeamFinder(Matcher(catalogue, weights))
    suggestions = tuple(finder.suggestions(selection, size, top))
    return TeamResult(weights, suggestions, tuple(rows_for_suggestions(suggestions)))
