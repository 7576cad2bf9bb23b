"""What a briefing needs beyond the shortlists: every pair's score at a glance (per SME, or
best per cluster), each need's main pillar, and the best candidate of every need.

The scores are the ones `rank` ranks by (`Matcher.totals`), so a shortlisted pair shows the
same score here as in every other output. A pair below the relevance threshold has no
score in a grid (NaN): `rank` would never propose it either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..memory import gc_paused
from ..selection import Selection
from .ranking import CHUNK, Match, Matcher

NO_PILLAR = "(no concept found)"


@dataclass(frozen=True)
class Grid:
    """Scores of needs (rows) against columns (SME ids or cluster ids); NaN = not relevant."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


@dataclass(frozen=True)
class NeedFacts:
    """A need's main pillar and its best candidate, whether or not it clears the threshold."""

    need_id: str
    pillar: str
    best: Match | None


@dataclass(frozen=True)
class Overview:
    """The grids and per-need facts of one selection."""

    smes_in_scope: tuple[str, ...]
    by_sme: Grid | None
    by_cluster: Grid
    needs: tuple[NeedFacts, ...]


def overview(matcher: Matcher, selection: Selection, sme_column_limit: int) -> Overview:
    """Score every selected need against every SME in scope, chunk by chunk.

    The per-SME grid is kept only when there are at most `sme_column_limit` SMEs: a grid of
    a thousand columns is neither readable nor small.
    """
    mask = matcher.sme_mask(selection.cluster)
    in_scope = np.flatnonzero(mask)
    clusters = sorted({matcher.smes[j].cluster for j in in_scope})
    members = [
        np.array([j for j in in_scope if matcher.smes[j].cluster == c], dtype=np.int64)
        for c in clusters
    ]
    keep_smes = len(in_scope) <= sme_column_limit
    chosen = matcher.select_needs(selection)
    sme_rows: list[np.ndarray] = []
    cluster_rows: list[np.ndarray] = []
    facts: list[NeedFacts] = []
    for start in range(0, len(chosen), CHUNK):
        part = chosen[start : start + CHUNK]
        with gc_paused():
            block = matcher.relevance_block(part)
        for relevance, need_index in zip(block, part, strict=True):
            scores = _scores(matcher, need_index, relevance, mask)
            if keep_smes:
                sme_rows.append(scores[in_scope])
            cluster_rows.append(np.array([_best(scores[m]) for m in members]))
            facts.append(_facts(matcher, need_index, relevance, mask))
    need_ids = tuple(matcher.needs[i].id for i in chosen)
    by_sme = None
    if keep_smes:
        sme_ids = tuple(matcher.smes[j].id for j in in_scope)
        by_sme = Grid(need_ids, sme_ids, _stack(sme_rows, len(sme_ids)))
    by_cluster = Grid(need_ids, tuple(clusters), _stack(cluster_rows, len(clusters)))
    sme_ids_in_scope = tuple(matcher.smes[j].id for j in in_scope)
    return Overview(sme_ids_in_scope, by_sme, by_cluster, tuple(facts))


def _scores(
    matcher: Matcher, need_index: int, relevance: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """Total scores as `rank` computes them; NaN where the pair is out of scope or irrelevant."""
    total = matcher.totals(need_index, relevance)
    relevant = mask & (relevance >= matcher.weights.no_match_threshold)
    scores: np.ndarray = np.where(relevant, total, np.nan)
    return scores


def _best(values: np.ndarray) -> float:
    """The highest score, NaN when none is relevant (without numpy's all-NaN warning)."""
    finite = values[~np.isnan(values)]
    return float(finite.max()) if finite.size else float("nan")


def _stack(rows: Sequence[np.ndarray], columns: int) -> np.ndarray:
    if not rows:
        return np.empty((0, columns))
    return np.vstack(rows)


def _facts(matcher: Matcher, need_index: int, relevance: np.ndarray, mask: np.ndarray) -> NeedFacts:
    need = matcher.needs[need_index]
    if not mask.any():
        return NeedFacts(need.id, main_pillar(matcher, need_index), None)
    total = np.where(mask, matcher.totals(need_index, relevance), -np.inf)
    best = int(np.argmax(total))  # the first maximum: ties go to the lower id
    return NeedFacts(need.id, main_pillar(matcher, need_index), matcher.explain(need_index, best))


def main_pillar(matcher: Matcher, need_index: int) -> str:
    """The name of the pillar that holds most of a need's concept weight."""
    weights = matcher.space.profiles[need_index].weights
    pillar_of = matcher.catalogue.taxonomy.pillar_of
    totals: dict[str, float] = {}
    for concept, weight in weights.items():
        name = pillar_of[concept].name
        totals[name] = totals.get(name, 0.0) + weight
    if not totals:
        return NO_PILLAR
    return min(totals, key=lambda name: (-totals[name], name))
