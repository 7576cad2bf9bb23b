"""Does an SME offer the kind of remedy a need asks for? Coverage per pair, and the words.

A need's asked kinds carry weights (a cue in the title counts more than one in passing);
a pair's coverage is the share of that weight the SME offers. Unknown stays neutral: a
need that asks for no kind we know, or an SME whose offerings name none, gets 0.5.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..catalogue.models import Need, Sme
from ..catalogue.remedies import RemedyProfile
from ..catalogue.taxonomy import Taxonomy

UNKNOWN = 0.5


@dataclass(frozen=True)
class RemedyFit:
    """What one SME offers of what one need asks for, by kind name."""

    asked: tuple[str, ...]
    offered: tuple[str, ...]
    missing: tuple[str, ...]


NO_FIT = RemedyFit((), (), ())


class RemedyMatrix:
    """Asked kinds of every need and offered kinds of every SME, as dense matrices."""

    def __init__(self, needs: Sequence[Need], smes: Sequence[Sme], taxonomy: Taxonomy) -> None:
        index = taxonomy.remedy_index
        self.kinds = index.kinds
        self.asked = [index.asked(n) for n in needs]
        self.offered = [index.offered(s) for s in smes]
        columns = {k: i for i, k in enumerate(sorted(self.kinds))}
        self._asks = np.zeros((len(needs), len(columns)))
        for row, profile in enumerate(self.asked):
            for hit in profile.hits:
                self._asks[row, columns[hit.kind]] = hit.weight / profile.total
        self._offers = np.zeros((len(smes), len(columns)))
        for row, profile in enumerate(self.offered):
            for kind in profile.kinds:
                self._offers[row, columns[kind]] = 1.0
        self._sme_known: np.ndarray = np.asarray(self._offers.any(axis=1))

    def coverage(self, need: int) -> np.ndarray:
        """Every SME's share of what the need asks for (0.5 where either side is unknown)."""
        if not self.asked[need].hits:
            return np.full(len(self.offered), UNKNOWN)
        return np.where(self._sme_known, self._offers @ self._asks[need], UNKNOWN)

    def pair_coverage(self, need: int, sme: int) -> float:
        """One pair's coverage (what `coverage` gives, without the whole row)."""
        if not self.asked[need].hits or not self._sme_known[sme]:
            return UNKNOWN
        return float(self._offers[sme] @ self._asks[need])

    def coverage_for_sme(self, needs: Sequence[int], sme: int) -> np.ndarray:
        """One SME's coverage of several needs (0.5 where either side is unknown)."""
        rows = list(needs)
        if not self._sme_known[sme]:
            return np.full(len(rows), UNKNOWN)
        asks_known = self._asks[rows].any(axis=1)
        covered: np.ndarray = np.where(asks_known, self._asks[rows] @ self._offers[sme], UNKNOWN)
        return covered

    def answer(self, need: int, smes: Sequence[int], relevance: np.ndarray) -> float:
        """How well the best of these SMEs answers the need, in [0, 1] (1 when it asks for
        nothing we know: no evidence is not a reason to flag).

        Each SME counts by its coverage of the ask times its relevance over the best
        relevance among them: a firm that sells the remedy but is only half as much about
        the need is half an answer, so a weak side candidate cannot vouch for a need the
        closest firms do not answer, nor can the top one by words alone.
        """
        rows = list(smes)
        if not self.asked[need].hits or not rows:
            return 1.0
        near = relevance[rows]
        best = float(np.max(near))
        if best <= 0:
            return 0.0
        return float(np.max(self.coverage(need)[rows] * near / best))

    def fit(self, need: int, sme: int, min_weight: float = 0.0) -> RemedyFit:
        """The asked kinds, split by whether the SME offers them, as names.

        Only kinds asked with at least `min_weight` count: a kind named once in passing is
        not a part of the need an SME can be said to miss.
        """
        asked = [h.kind for h in self.asked[need].hits if h.weight >= min_weight]
        offers = self.offered[sme].kinds
        return RemedyFit(
            tuple(self.name(k) for k in asked),
            tuple(self.name(k) for k in asked if k in offers),
            tuple(self.name(k) for k in asked if k not in offers),
        )

    def name(self, kind: str) -> str:
        return self.kinds[kind].name

    def no_answer_reason(self, need: int, closest: Sequence[int]) -> str:
        """`asks for civil works; the closest SMEs monitor and warn, study, map and plan`."""
        asked = ", ".join(self.name(h.kind) for h in self.asked[need].hits[:3])
        verbs = _unique(self.kinds[k].verb for j in closest for k in _ordered(self.offered[j]))
        doing = ", ".join(verbs[:3]) if verbs else "name no remedy kind we know"
        return f"asks for {asked}; the closest SMEs {doing}"


def _ordered(profile: RemedyProfile) -> list[str]:
    return [h.kind for h in profile.hits]


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
