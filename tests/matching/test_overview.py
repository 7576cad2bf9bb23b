"""The overview a report shows: the same scores as rank, per SME and best per cluster."""

from __future__ import annotations

import math

import numpy as np

from gssc_match.api import briefing, rank
from gssc_match.catalogue.loader import Catalogue
from gssc_match.selection import Selection


def test_every_shortlisted_pair_has_its_rank_score_in_the_grid(mini: Catalogue) -> None:
    result, overview = briefing(mini, Selection(top=3))
    grid = overview.by_sme
    assert grid is not None
    rows, columns = grid.rows, grid.columns
    checked = 0
    for row in result.rows:
        if row.sme_id is None:
            continue
        value = grid.values[rows.index(row.need_id), columns.index(row.sme_id)]
        assert math.isclose(value, row.score or 0.0, abs_tol=1e-4)
        checked += 1
    assert checked == sum(1 for r in result.rows if r.sme_id)


def test_briefing_rows_equal_rank_rows(mini: Catalogue) -> None:
    selection = Selection(country="chile", top=2)
    assert briefing(mini, selection)[0].rows == rank(mini, selection).rows


def test_cluster_cells_are_the_best_of_their_smes(mini: Catalogue) -> None:
    _, overview = briefing(mini, Selection())
    by_sme, by_cluster = overview.by_sme, overview.by_cluster
    assert by_sme is not None
    cluster_of = {s.id: s.cluster for s in mini.smes}
    for c, cluster in enumerate(by_cluster.columns):
        members = [j for j, sme in enumerate(by_sme.columns) if cluster_of[sme] == cluster]
        for r in range(len(by_sme.rows)):
            values = by_sme.values[r, members]
            expected = np.nanmax(values) if not np.isnan(values).all() else np.nan
            assert np.isclose(by_cluster.values[r, c], expected, equal_nan=True)


def test_a_need_with_no_good_match_has_no_score_and_a_best_candidate(mini: Catalogue) -> None:
    result, overview = briefing(mini, Selection(country="vietnam"))
    unmet = [s.need.id for s in result.shortlists if s.no_good_match]
    assert unmet == ["vn-hoi-an-lantern-crafts"]
    grid = overview.by_cluster
    assert np.isnan(grid.values[grid.rows.index(unmet[0])]).all()
    facts = {f.need_id: f for f in overview.needs}
    best = facts[unmet[0]].best
    assert best is not None
    assert best.breakdown.relevance < result.weights.no_match_threshold


def test_the_best_candidate_of_a_met_need_is_its_first_match(mini: Catalogue) -> None:
    result, overview = briefing(mini, Selection())
    facts = {f.need_id: f for f in overview.needs}
    for shortlist in result.shortlists:
        if shortlist.matches:
            best = facts[shortlist.need.id].best
            assert best is not None
            assert best.sme.id == shortlist.matches[0].sme.id


def test_too_many_smes_for_columns_keeps_only_the_cluster_grid(mini: Catalogue) -> None:
    _, overview = briefing(mini, Selection(), sme_column_limit=3)
    assert overview.by_sme is None
    assert len(overview.by_cluster.columns) == len({s.cluster for s in mini.smes})


def test_a_cluster_selection_narrows_the_columns(mini: Catalogue) -> None:
    _, overview = briefing(mini, Selection(cluster="water"))
    assert overview.by_cluster.columns == ("water",)
    assert overview.smes_in_scope == tuple(sorted(s.id for s in mini.smes if s.cluster == "water"))


def test_an_sme_selection_reports_the_needs_it_fits(mini: Catalogue) -> None:
    result, _ = briefing(mini, Selection(sme_id="brine-less", top=2))
    reverse = rank(mini, Selection(sme_id="brine-less", top=2))
    assert {s.need.id for s in result.shortlists} == {m.need.id for m in reverse.sme_matches}
