"""Rank SMEs for needs (and needs for an SME), with an explanation for every match."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from ..catalogue.loader import Catalogue
from ..catalogue.models import Need, Priority, Sme
from ..catalogue.taxonomy import spelling_key
from ..errors import UnknownRecordError, UsageError
from ..memory import gc_paused
from ..selection import Selection
from .features import Space, need_fields, sme_fields
from .remedy import NO_FIT, RemedyFit, RemedyMatrix
from .scoring import Breakdown, Part, Weights, breakdown

CHUNK = 256  # needs scored at once: bounds the dense block to CHUNK x number of SMEs
REASON_SMES = 3  # the closest SMEs a no-match reason says what they do instead


@dataclass(frozen=True)
class MatchedConcept:
    """A concept both records name, in the words each of them used."""

    concept_id: str
    name: str
    need_words: tuple[str, ...]
    sme_words: tuple[str, ...]


@dataclass(frozen=True)
class RelatedConcepts:
    """Different concepts of one pillar on each side: what the pillar share of the score
    rewards (a landfill problem and a recycling offer are related, not the same)."""

    pillar: str
    need_concepts: tuple[str, ...]
    sme_concepts: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """One SME proposed for one need, with the breakdown of its score."""

    rank: int
    need: Need
    sme: Sme
    breakdown: Breakdown
    concepts: tuple[MatchedConcept, ...]
    shared_terms: tuple[str, ...]
    related: tuple[RelatedConcepts, ...] = ()
    remedy: RemedyFit = NO_FIT
    below_threshold: bool = False
    """Shown only because the user named this pair: its relevance is below the threshold."""
    unanswered: str = ""
    """Shown only because the user named this need, which the shortlist flags: the reason."""

    @property
    def score(self) -> float:
        return self.breakdown.total

    @property
    def proposed(self) -> bool:
        """Whether the shortlists propose this pair (not merely shown because it was named)."""
        return not (self.below_threshold or self.unanswered)


@dataclass(frozen=True)
class Shortlist:
    """The SMEs proposed for one need; empty and flagged when nothing fits well enough."""

    need: Need
    matches: tuple[Match, ...]
    no_good_match: bool
    best_relevance: float
    reason: str = ""


class Matcher:
    """A catalogue's fitted vector spaces; scores any need against any SME."""

    def __init__(self, catalogue: Catalogue, weights: Weights) -> None:
        if not (catalogue.smes or catalogue.needs):
            raise UsageError(f"no SMEs and no needs in '{catalogue.root}': nothing to rank")
        self.catalogue = catalogue
        self.weights = weights
        # Sorted here, so that output order and ties never depend on the order records came in.
        self.smes = tuple(sorted(catalogue.smes, key=lambda s: s.id))
        self.needs = tuple(sorted(catalogue.needs, key=lambda n: n.id))
        self.space = Space(
            [need_fields(n) for n in self.needs],
            [sme_fields(s) for s in self.smes],
            catalogue.taxonomy,
            weights,
        )
        self.remedies = RemedyMatrix(self.needs, self.smes, catalogue.taxonomy)
        self._need_index = {n.id: i for i, n in enumerate(self.needs)}
        self._sme_index = {s.id: i for i, s in enumerate(self.smes)}
        self._fits: dict[str, dict[Part, np.ndarray]] = {}
        self._readiness = np.array([readiness(s.trl) for s in self.smes], dtype=np.float64)
        self._fit_points_by_country: dict[str, np.ndarray] = {}

    # -- selection ---------------------------------------------------------------------

    def select_needs(self, selection: Selection) -> list[int]:
        """Indices of the needs a selection names: high priority first, then medium, low; by id."""
        for need_id in selection.need_ids:
            if need_id not in self._need_index:
                raise UnknownRecordError(f"unknown need '{need_id}'")
        chosen = [i for i, need in enumerate(self.needs) if _selected(need, selection)]
        return sorted(chosen, key=lambda i: (PRIORITY_ORDER[self.needs[i].priority], i))

    def sme_mask(self, cluster: str | None) -> np.ndarray:
        """Which SMEs may be proposed (all, or one cluster's)."""
        if cluster is None:
            return np.ones(len(self.smes), dtype=bool)
        if cluster not in self.catalogue.taxonomy.clusters:
            known = ", ".join(sorted(self.catalogue.taxonomy.clusters))
            raise UsageError(f"unknown cluster '{cluster}'; choose one of: {known}")
        return np.array([s.cluster == cluster for s in self.smes], dtype=bool)

    # -- scoring -----------------------------------------------------------------------

    def fit_vectors(self, country_id: str) -> dict[Part, np.ndarray]:
        """Per-SME language, market and readiness values for a target country (computed once)."""
        if country_id not in self._fits:
            self._fits[country_id] = self._compute_fit_vectors(country_id)
        return self._fits[country_id]

    def _compute_fit_vectors(self, country_id: str) -> dict[Part, np.ndarray]:
        country = self.catalogue.taxonomy.countries.get(country_id)
        languages = country.languages if country else []
        markets = [country.iso] if country else []
        return {
            Part.LANGUAGE: self._any_of(self._speakers, languages),
            Part.MARKET: self._any_of(self._present_in, markets),
            Part.READINESS: self._readiness,
        }

    def _any_of(self, holders: dict[str, np.ndarray], codes: Sequence[str]) -> np.ndarray:
        """1 for every SME listed under any of the codes, else 0."""
        vector = np.zeros(len(self.smes))
        for code in codes:
            vector[holders.get(code, np.empty(0, dtype=np.int64))] = 1.0
        return vector

    @cached_property
    def _speakers(self) -> dict[str, np.ndarray]:
        """For each language code, the indices of the SMEs whose staff speak it."""
        return _inverted((i, s.languages) for i, s in enumerate(self.smes))

    @cached_property
    def _present_in(self) -> dict[str, np.ndarray]:
        """For each country code, the indices of the SMEs already operating there."""
        return _inverted((i, s.markets) for i, s in enumerate(self.smes))

    def fit_points(self, country_id: str) -> np.ndarray:
        """Each SME's weighted fit points (language, market, readiness) for a country."""
        if country_id not in self._fit_points_by_country:
            vectors = self.fit_vectors(country_id)
            self._fit_points_by_country[country_id] = sum(
                (self.weights.of(part) * values for part, values in vectors.items()),
                np.zeros(len(self.smes)),
            )
        return self._fit_points_by_country[country_id]

    def relevance_block(self, need_indices: Sequence[int]) -> np.ndarray:
        """Weighted text + concept relevance of some needs against every SME (dense block)."""
        return self.space.relevance_block(need_indices)

    def totals(self, need_index: int, relevance: np.ndarray) -> np.ndarray:
        """Every SME's total score for a need, from its relevance row."""
        country = self.needs[need_index].country
        remedy = self._remedy_points(self.remedies.coverage(need_index))
        return self._combine(relevance, self.fit_points(country) + remedy)

    def _remedy_points(self, coverage: np.ndarray) -> np.ndarray:
        points: np.ndarray = self.weights.of(Part.REMEDY) * coverage
        return points

    def _combine(self, relevance: np.ndarray, secondary: np.ndarray) -> np.ndarray:
        """Relevance plus the other parts' points scaled by the relevance share.

        Scaled, a pair with no relevance gains nothing from language or market, and no
        pair can outrank one whose relevance is more than 1 / (text + concept weights)
        times its own. Rounded so that float noise in the sparse product cannot split a
        tie; equal totals then go to the lower index, which is the lower id.
        """
        most = self.weights.parts.relevance
        share = np.clip(relevance / most, 0.0, 1.0) if most > 0 else np.ones_like(relevance)
        total: np.ndarray = np.round(relevance + share * secondary, 6)
        return total

    def explain(self, need_index: int, sme_index: int, rank: int = 0) -> Match:
        """The full breakdown and evidence for one pair."""
        need, sme = self.needs[need_index], self.smes[sme_index]
        fits = self.fit_vectors(need.country)
        shared = self.space.compare(need_index, sme_index)
        values = {
            Part.TEXT: _clip(shared.text),
            Part.CONCEPT: _clip(shared.concept),
            Part.REMEDY: self.remedies.pair_coverage(need_index, sme_index),
            **{part: float(vector[sme_index]) for part, vector in fits.items()},
        }
        return Match(
            rank,
            need,
            sme,
            breakdown(values, self.weights),
            self._matched_concepts(need_index, sme_index),
            shared.shared_terms,
            self._related_concepts(need_index, sme_index),
            self.remedies.fit(need_index, sme_index, self.weights.remedy.min_asked),
        )

    def _matched_concepts(self, need_index: int, sme_index: int) -> tuple[MatchedConcept, ...]:
        need_profile = self.space.profiles[need_index]
        sme_profile = self.space.profiles[len(self.needs) + sme_index]
        shared = sorted(
            set(need_profile.weights) & set(sme_profile.weights),
            key=lambda c: (-need_profile.weights[c] * sme_profile.weights[c], c),
        )
        concepts = self.catalogue.taxonomy.concepts
        return tuple(
            MatchedConcept(c, concepts[c].name, need_profile.surfaces[c], sme_profile.surfaces[c])
            for c in shared
        )

    def _related_concepts(self, need_index: int, sme_index: int) -> tuple[RelatedConcepts, ...]:
        """Pillars both sides touch only through different concepts, strongest first."""
        taxonomy = self.catalogue.taxonomy
        need_weights = self.space.profiles[need_index].weights
        sme_weights = self.space.profiles[len(self.needs) + sme_index].weights
        need_by, sme_by = self._by_pillar(need_weights), self._by_pillar(sme_weights)
        related = []
        for pillar in set(need_by) & set(sme_by):
            need, sme = need_by[pillar], sme_by[pillar]
            if not set(need) & set(sme):
                strength = sum(need_weights[c] for c in need) * sum(sme_weights[c] for c in sme)
                related.append((-strength, pillar, need, sme))
        names = taxonomy.concepts
        return tuple(
            RelatedConcepts(
                taxonomy.pillar_of[need[0]].name,
                tuple(names[c].name for c in need[:2]),
                tuple(names[c].name for c in sme[:2]),
            )
            for _, _, need, sme in sorted(related)
        )

    def _by_pillar(self, weights: dict[str, float]) -> dict[str, list[str]]:
        """A record's concepts grouped by pillar, heaviest first."""
        groups: dict[str, list[str]] = {}
        for concept in sorted(weights, key=lambda c: (-weights[c], c)):
            groups.setdefault(self.catalogue.taxonomy.pillar_of[concept].id, []).append(concept)
        return groups

    # -- use cases ---------------------------------------------------------------------

    def shortlists(self, selection: Selection) -> Iterator[Shortlist]:
        """A shortlist per selected need, in need-id order, chunk by chunk."""
        mask = self.sme_mask(selection.cluster)
        chosen = self.select_needs(selection)
        for start in range(0, len(chosen), CHUNK):
            part = chosen[start : start + CHUNK]
            with gc_paused():  # see memory.gc_paused: a big catalogue makes full scans costly
                block = self.relevance_block(part)
                done = [
                    self._shortlist(need_index, row, mask, selection)
                    for row, need_index in zip(block, part, strict=True)
                ]
            yield from done

    def _shortlist(
        self, need_index: int, relevance: np.ndarray, mask: np.ndarray, selection: Selection
    ) -> Shortlist:
        need = self.needs[need_index]
        total = self.totals(need_index, relevance)
        best = float(np.max(relevance if mask.all() else relevance[mask], initial=0.0))
        threshold = self.weights.no_match_threshold
        if best < threshold:
            reason = f"no SME is about this need (best relevance {best:.3f} < {threshold:.2f})"
            return Shortlist(need, (), True, best, reason)
        # A candidate that only language and market lift is padding, not a match.
        relevant = mask & (relevance >= threshold)
        unanswered = self._unanswered(need_index, relevance, relevant)
        if unanswered:
            return Shortlist(need, (), True, best, unanswered)
        total = np.where(relevant, total, -np.inf)
        candidates = [int(j) for j in top_k(total, selection.top) if relevant[j]]
        matches = [self.explain(need_index, j) for j in candidates]
        kept = [m for m in matches if m.score >= selection.min_score]
        ranked = tuple(_with_rank(m, r) for r, m in enumerate(kept, start=1))
        return Shortlist(need, ranked, False, best)

    def _unanswered(self, need_index: int, relevance: np.ndarray, relevant: np.ndarray) -> str:
        """Why no SME answers the need, or "" when a close SME offers enough of it.

        The close SMEs are the few most relevant ones (by relevance alone: ranked by total,
        SMEs that offer some side remedy would crowd out the ones the need is about), each
        weighed by its relevance (`RemedyMatrix.answer`): if none offers a fair share of what
        the need asks for, the shared words are about the problem, not the answer.
        """
        settings = self.weights.remedy
        if self.remedies.asked[need_index].total < settings.min_asked:
            return ""  # one passing mention is not a request
        ranked = top_k(np.where(relevant, relevance, -np.inf), settings.closest)
        close = [int(j) for j in ranked if relevant[j]]
        if self.remedies.answer(need_index, close, relevance) >= settings.min_answer:
            return ""
        return self.remedies.no_answer_reason(need_index, close[:REASON_SMES])

    def for_sme(self, sme_id: str, selection: Selection) -> list[Match]:
        """The needs, across all countries unless one is chosen, that fit one SME best.

        A need its own shortlist flags as unanswered (no close SME offers what it asks for)
        is left out, as the forward view leaves the SME out: both views tell one story.
        """
        if sme_id not in self._sme_index:
            raise UnknownRecordError(f"unknown SME '{sme_id}'")
        sme_index = self._sme_index[sme_id]
        chosen = self.select_needs(selection)
        if not chosen:
            return []
        relevance = self.space.relevance_for_sme(chosen, sme_index)
        fit = [self.fit_points(self.needs[i].country)[sme_index] for i in chosen]
        coverage = self.remedies.coverage_for_sme(chosen, sme_index)
        secondary = np.array(fit, dtype=np.float64) + self._remedy_points(coverage)
        total = self._combine(relevance, secondary)
        below = relevance < self.weights.no_match_threshold
        # A need the user named is shown even when not proposed, marked: "why not me?"
        named = np.array([self.needs[i].id in selection.need_ids for i in chosen], dtype=bool)
        shown = ~below | named
        order = [int(i) for i in top_k(np.where(shown, total, -np.inf), len(chosen)) if shown[i]]
        matches: list[Match] = []
        for batch in _batches(order, min(max(2 * selection.top, 16), CHUNK)):
            reasons = self._unanswered_reasons([chosen[i] for i in batch if not below[i]])
            for i in batch:
                flag = reasons.get(chosen[i], "")
                if flag and not named[i]:
                    continue
                match = self.explain(chosen[i], sme_index)
                matches.append(replace(match, below_threshold=bool(below[i]), unanswered=flag))
            if len(matches) >= selection.top:
                break
        kept = [m for m in matches[: selection.top] if m.score >= selection.min_score]
        return [_with_rank(m, r) for r, m in enumerate(kept, start=1)]

    def _unanswered_reasons(self, need_indices: Sequence[int]) -> dict[int, str]:
        """The shortlist's no-answer reason of each need that has one (all SMEs eligible)."""
        if not need_indices:
            return {}
        reasons = {}
        for row, need_index in zip(self.relevance_block(need_indices), need_indices, strict=True):
            reason = self._unanswered(need_index, row, row >= self.weights.no_match_threshold)
            if reason:
                reasons[need_index] = reason
        return reasons


def _batches(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


def _selected(need: Need, selection: Selection) -> bool:
    """Whether a need passes every filter of a selection (ids, country, city, priority)."""
    return (
        (not selection.need_ids or need.id in selection.need_ids)
        and (not selection.country or need.country == selection.country)
        and (not selection.city or spelling_key(need.city) == spelling_key(selection.city))
        and (not selection.priority or need.priority == selection.priority)
    )


def _inverted(rows: Iterable[tuple[int, Sequence[str]]]) -> dict[str, np.ndarray]:
    table: dict[str, list[int]] = {}
    for index, codes in rows:
        for code in codes:
            table.setdefault(code, []).append(index)
    return {code: np.array(ids, dtype=np.int64) for code, ids in table.items()}


def readiness(trl: int | None) -> float:
    """A TRL as a value in [0, 1]: 9 (proven in operation) gives 1, 4 or less gives 0.

    An SME that states no TRL gets 0.5, neither rewarded nor punished.
    """
    if trl is None:
        return 0.5
    return min(1.0, max(0.0, (trl - 4) / 5))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first, ties broken by index (= by id)."""
    k = min(k, scores.size)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < scores.size:
        kth = scores[np.argpartition(-scores, k - 1)[:k]].min()
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(scores.size)
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order[:k]]


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _with_rank(match: Match, rank: int) -> Match:
    return replace(match, rank=rank)
