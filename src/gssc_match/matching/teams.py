"""Suggest teams of two or three SMEs whose offers together cover the parts of a need.

A need's parts are the clauses of its request ("we need A; B, and C": three parts, in the
need's own words) when it has two or more, else the taxonomy concepts its words carry,
weighted as the matcher weighs them. An SME covers a concept part through the same
concept in its own words, or partly through another concept of the same pillar; it covers
a clause by the better of the concepts the clause names and the rare words of the clause
its own text uses. A team's score is the visible sum

    coverage x w_coverage + relevance x w_relevance - overlap x w_overlap

and a team is proposed only when every member brings a part that no other member covers
as well (no passengers) and the team beats the best single SME, scored the same way, by
the margin in the weights file. The search never tries every triple: it keeps the best
SMEs per part and by relevance, scores every pair of those at once, and extends only the
best pairs with a third member.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np

from ..catalogue.clauses import request_clauses
from ..catalogue.models import Need, Sme
from ..catalogue.text import analyse
from ..errors import UsageError
from ..memory import gc_paused
from ..selection import Selection
from .ranking import CHUNK, Match, Matcher
from .team_weights import TeamWeights

DECIMALS = 6  # team scores are rounded so that float noise never splits a tie


class TeamPart(StrEnum):
    """The named parts of a team score, in display order."""

    COVERAGE = "coverage"
    RELEVANCE = "relevance"
    OVERLAP = "overlap"


@dataclass(frozen=True)
class NeedPart:
    """One thing a need asks for: a concept, its pillar, its share and the need's words."""

    concept_id: str
    name: str
    pillar: str
    share: float
    words: tuple[str, ...]
    stems: tuple[str, ...] = ()  # a clause part: its content stems
    named: tuple[str, ...] = ()  # a clause part: the concepts it names

    @property
    def is_clause(self) -> bool:
        return self.pillar == CLAUSE


CLAUSE = "request"  # the pillar shown for a part that is a clause of the need's request
_NAME_LENGTH = 48  # a clause longer than this is named by its first words


@dataclass(frozen=True)
class PartCover:
    """How well one member covers one part, in the member's own words."""

    part: NeedPart
    value: float
    words: tuple[str, ...]
    via: str | None  # the related concept's name when covered through the pillar only
    brings: bool  # no other member of the team covers this part as well


@dataclass(frozen=True)
class Member:
    """One SME in a team: its own match for the need and the parts it covers."""

    match: Match
    covers: tuple[PartCover, ...]
    unique: float  # coverage the team would lose without this member

    @property
    def sme(self) -> Sme:
        return self.match.sme


@dataclass(frozen=True)
class TeamContribution:
    """One part of a team score; the overlap weight is negative (it is subtracted)."""

    part: TeamPart
    value: float
    weight: float

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class Team:
    """A proposed team (or, with one member, the best single SME scored the same way)."""

    rank: int | None
    members: tuple[Member, ...]
    contributions: tuple[TeamContribution, ...]
    uncovered: tuple[NeedPart, ...]

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.contributions), DECIMALS)

    def value(self, part: TeamPart) -> float:
        return next(c.value for c in self.contributions if c.part is part)


@dataclass(frozen=True)
class TeamSuggestion:
    """A need's parts, its best single SME, the teams worth proposing, or why there are none."""

    need: Need
    parts: tuple[NeedPart, ...]
    best_single: Team | None
    teams: tuple[Team, ...]
    reason: str


@dataclass(frozen=True)
class _Scored:
    """A candidate team as candidate positions, before it is explained."""

    positions: tuple[int, ...]
    coverage: float
    relevance: float
    overlap: float
    score: float


class TeamFinder:
    """Team search over a fitted matcher; reuses its concept profiles and relevance."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.settings: TeamWeights = matcher.weights.teams
        self._n_needs = len(matcher.needs)
        self._matches: dict[tuple[int, int], Match] = {}

    # -- the need's parts and each SME's coverage ---------------------------------------

    def parts_of(self, need_index: int) -> tuple[NeedPart, ...]:
        """The clauses of the need's request, or, with fewer than two, its concepts."""
        clauses = self._clause_parts(need_index)
        return clauses if len(clauses) >= 2 else self._concept_parts(need_index)

    def _clause_parts(self, need_index: int) -> tuple[NeedPart, ...]:
        """One equal part per clause of the request, named in the need's own words."""
        taxonomy = self.matcher.catalogue.taxonomy
        found = request_clauses(self.matcher.needs[need_index], taxonomy)
        return tuple(
            NeedPart(
                f"clause-{k}",
                _short(clause.text),
                CLAUSE,
                1 / len(found),
                (clause.text,),
                clause.stems,
                tuple(sorted({h.concept_id for h in taxonomy.concept_index.find(clause.text)})),
            )
            for k, clause in enumerate(found, start=1)
        )

    def _concept_parts(self, need_index: int) -> tuple[NeedPart, ...]:
        """The concepts a need carries with a real share of its weight, heaviest first."""
        profile = self.matcher.space.profiles[need_index]
        total = sum(profile.weights.values())
        if total <= 0:
            return ()
        kept = {
            c: w for c, w in profile.weights.items() if w / total >= self.settings.min_part_share
        }
        kept_total = sum(kept.values())
        taxonomy = self.matcher.catalogue.taxonomy
        return tuple(
            NeedPart(
                c,
                taxonomy.concepts[c].name,
                taxonomy.pillar_of[c].name,
                w / kept_total,
                profile.surfaces[c],
            )
            for c, w in sorted(kept.items(), key=lambda item: (-item[1], item[0]))
        )

    def cover(self, sme_index: int, part: NeedPart) -> tuple[float, tuple[str, ...], str | None]:
        """(value, SME words, related concept) for one SME and one part.

        The value grows with how strongly the SME names the concept (`full_mention`) and
        with how central it is to the SME's offer (`focus`): a demolition-waste recycler
        that mentions landfills covers the landfill part less than a landfill-gas firm.
        """
        if part.is_clause:
            return self._clause_cover(sme_index, part)
        profile = self.matcher.space.profiles[self._n_needs + sme_index]
        if part.concept_id in profile.weights:
            value = self._strength(sme_index, part.concept_id)
            return value, profile.surfaces[part.concept_id], None
        related = self._pillar_best[sme_index].get(part.pillar)
        if related is None or self.settings.related_credit <= 0:
            return 0.0, (), None
        concept = related[0]
        value = self.settings.related_credit * self._strength(sme_index, concept)
        name = self.matcher.catalogue.taxonomy.concepts[concept].name
        return value, profile.surfaces[concept], name

    def _clause_cover(
        self, sme_index: int, part: NeedPart
    ) -> tuple[float, tuple[str, ...], str | None]:
        """The better of the concepts the clause names and the clause's words in the SME's.

        Words count by their rarity among the SMEs (idf), so "cold storage" weighs more than
        "system"; a share of `clause_words` of the clause's weight already covers it fully.
        """
        taxonomy = self.matcher.catalogue.taxonomy
        by_concept = max(
            (
                self.cover(sme_index, NeedPart(c, c, taxonomy.pillar_of[c].name, 1.0, ()))
                for c in part.named
            ),
            key=lambda found: found[0],
            default=(0.0, (), None),
        )
        idf, unseen = self._idf
        own = self._sme_stems[sme_index]
        total = sum(idf.get(s, unseen) for s in part.stems)
        got = sum(idf.get(s, unseen) for s in part.stems if s in own)
        by_words = min(1.0, got / total / self.settings.clause_words) if total > 0 else 0.0
        if by_concept[0] >= by_words:
            return by_concept
        return by_words, self._words_used(sme_index, part), None

    def _words_used(self, sme_index: int, part: NeedPart) -> tuple[str, ...]:
        """The SME's own words for the clause's stems it shares, in its text's order."""
        sme = self.matcher.smes[sme_index]
        wanted = set(part.stems)
        used: list[str] = []
        for line in (*sme.tags, *sme.offerings, sme.description):
            analysed = analyse(line)
            for word, key in zip(analysed.words, analysed.stems, strict=True):
                if key in wanted and word.lower() not in used:
                    used.append(word.lower())
        return tuple(used[:3])

    @cached_property
    def _sme_stems(self) -> list[frozenset[str]]:
        """Each SME's content stems: tags, offerings and description."""
        return [
            frozenset(analyse(" ".join([*s.tags, *s.offerings, s.description])).content_stems())
            for s in self.matcher.smes
        ]

    @cached_property
    def _idf(self) -> tuple[dict[str, float], float]:
        """Smoothed idf of each stem over the SMEs, and that of a stem no SME uses."""
        counts: dict[str, int] = {}
        for own in self._sme_stems:
            for key in own:
                counts[key] = counts.get(key, 0) + 1
        n = len(self._sme_stems)
        idf = {key: math.log((1 + n) / (1 + d)) + 1 for key, d in counts.items()}
        return idf, math.log(1 + n) + 1

    def _strength(self, sme_index: int, concept: str) -> float:
        weight = self.matcher.space.profiles[self._n_needs + sme_index].weights[concept]
        mention = min(1.0, weight / self.settings.full_mention)
        share: float = (weight / self._top_weight[sme_index]) ** self.settings.focus
        return mention * share

    @cached_property
    def _top_weight(self) -> list[float]:
        """Each SME's strongest concept weight (what its offer is mostly about)."""
        return [
            max(p.weights.values(), default=1.0)
            for p in self.matcher.space.profiles[self._n_needs :]
        ]

    @cached_property
    def _pillar_best(self) -> list[dict[str, tuple[str, float]]]:
        """For each SME, its heaviest concept in each pillar it touches (by pillar name)."""
        pillar_of = self.matcher.catalogue.taxonomy.pillar_of
        table: list[dict[str, tuple[str, float]]] = []
        for profile in self.matcher.space.profiles[self._n_needs :]:
            best: dict[str, tuple[str, float]] = {}
            for concept, weight in sorted(profile.weights.items()):
                pillar = pillar_of[concept].name
                if pillar not in best or weight > best[pillar][1]:
                    best[pillar] = (concept, weight)
            table.append(best)
        return table

    @cached_property
    def _holders(self) -> dict[str, list[int]]:
        """For each concept and each pillar name, the SMEs whose profile names it."""
        pillar_of = self.matcher.catalogue.taxonomy.pillar_of
        table: dict[str, set[int]] = {}
        for j, profile in enumerate(self.matcher.space.profiles[self._n_needs :]):
            for concept in profile.weights:
                table.setdefault(concept, set()).add(j)
                table.setdefault("pillar:" + pillar_of[concept].name, set()).add(j)
        return {key: sorted(members) for key, members in table.items()}

    # -- use case -----------------------------------------------------------------------

    def suggestions(
        self, selection: Selection, size: int = 3, top: int = 3
    ) -> Iterator[TeamSuggestion]:
        """A suggestion per selected need, in need-id order, chunk by chunk like `rank`."""
        if size not in (2, 3):
            raise UsageError(f"a team has 2 or 3 members, not {size}")
        matcher = self.matcher
        mask = matcher.sme_mask(selection.cluster)
        chosen = matcher.select_needs(selection)
        for start in range(0, len(chosen), CHUNK):
            part = chosen[start : start + CHUNK]
            flagged = self._no_good_match(part, selection.cluster)
            with gc_paused():
                block = matcher.relevance_block(part)
                done = [
                    self.suggest(
                        i,
                        row.astype(np.float64),
                        mask,
                        size,
                        top,
                        selection.min_score,
                        flagged.get(matcher.needs[i].id),
                    )
                    for row, i in zip(block, part, strict=True)
                ]
            yield from done

    def _no_good_match(self, need_indices: Sequence[int], cluster: str | None) -> dict[str, str]:
        """The needs `rank` flags as having no good match, with its reason.

        Asked of the matcher itself, so that teams never contradict `rank` however its
        no-match rule changes: a need with no fitting SME has no fitting team either.
        """
        ids = tuple(self.matcher.needs[i].id for i in need_indices)
        selection = Selection(need_ids=ids, cluster=cluster, top=1)
        return {
            s.need.id: f"no good match: {s.reason or 'rank finds no SME that fits this need'}"
            for s in self.matcher.shortlists(selection)
            if s.no_good_match
        }

    def suggest(
        self,
        need_index: int,
        relevance: np.ndarray,
        mask: np.ndarray,
        size: int,
        top: int,
        min_score: float = 0.0,
        no_good_match: str | None = None,
    ) -> TeamSuggestion:
        """Teams for one need from its relevance row against every SME."""
        need = self.matcher.needs[need_index]
        parts = self.parts_of(need_index)
        self._matches.clear()  # explanations are kept for one need at a time
        threshold = self.matcher.weights.no_match_threshold
        eligible = mask & (relevance >= threshold)
        if no_good_match is not None or not eligible.any():
            reason = no_good_match or f"no good match: no SME reaches {threshold:.2f}"
            return TeamSuggestion(need, parts, None, (), reason)
        candidates = self._candidates(parts, relevance, eligible)
        trust = self._trust(relevance, candidates)
        cover = self._cover_matrix(candidates, parts) * trust[:, None]
        shares = np.array([p.share for p in parts], dtype=np.float64)
        rel = relevance[candidates]
        singles = [self._score((k,), cover, shares, rel) for k in range(len(candidates))]
        best = min(singles, key=lambda s: (-s.score, candidates[s.positions[0]]))
        found = self._search(cover, shares, rel, size)
        bar = max(round(best.score + self.settings.margin, DECIMALS), min_score)
        worthy = [t for t in found if t.score >= bar]
        worthy.sort(
            key=lambda t: (-t.score, len(t.positions), [candidates[p] for p in t.positions])
        )
        single = self._explain(need_index, best, candidates, cover, parts, None)
        teams = tuple(
            self._explain(need_index, t, candidates, cover, parts, r)
            for r, t in enumerate(worthy[:top], start=1)
        )
        reason = "" if teams else self._why_none(best, found, single, bar)
        return TeamSuggestion(need, parts, single, teams, reason)

    def _why_none(self, best: _Scored, found: list[_Scored], single: Team, bar: float) -> str:
        name = single.members[0].sme.name
        if not single.members[0].covers and not found:
            if single.uncovered:  # there are parts, but no candidate covers any of them
                return f"no SME covers a part of the need; {name} fits best"
            return f"the need names no taxonomy concept to split it into parts; {name} fits best"
        if not found and best.coverage >= 0.999:
            return f"{name} alone covers every part of the need"
        if not found:
            return (
                f"{name} suffices: no other SME brings a part it does not cover as well "
                f"(each member must add at least {self.settings.min_unique:.2f} coverage)"
            )
        top = max(found, key=lambda t: t.score)
        margin_bar = round(single.score + self.settings.margin, DECIMALS)
        if top.score >= margin_bar:
            return f"no team reaches the minimum score {bar:.3f} (the best scores {top.score:.3f})"
        return (
            f"{name} suffices: the best team scores {top.score:.3f}, below "
            f"{single.score:.3f} + margin {self.settings.margin:.2f} = {margin_bar:.3f}"
        )

    # -- search -------------------------------------------------------------------------

    def _candidates(
        self, parts: Sequence[NeedPart], relevance: np.ndarray, eligible: np.ndarray
    ) -> list[int]:
        """The best SMEs for each part and the most relevant ones, in id order."""
        settings = self.settings
        k = settings.candidates_per_part
        chosen: set[int] = set()
        for part in parts:
            scored = self._best_for(
                self._holders.get(part.concept_id, []), part, relevance, eligible
            )
            # A related concept covers at most `related_credit`: look at the (many) SMEs
            # of the pillar only when the direct holders leave room for one.
            if settings.related_credit > 0 and (
                len(scored) < k or scored[k - 1][0] < settings.related_credit
            ):
                holders = {*self._holders.get(part.concept_id, [])}
                holders |= {*self._holders.get("pillar:" + part.pillar, [])}
                scored = self._best_for(sorted(holders), part, relevance, eligible)
            chosen.update(j for value, j in scored[:k] if value > 0)
        ranked = np.flatnonzero(eligible)
        order = np.lexsort((ranked, -relevance[ranked]))
        chosen.update(int(j) for j in ranked[order[: settings.candidates_by_relevance]])
        return sorted(chosen)

    def _best_for(
        self, holders: Sequence[int], part: NeedPart, relevance: np.ndarray, eligible: np.ndarray
    ) -> list[tuple[float, int]]:
        """(cover, SME) of the eligible holders, best cover first, then relevance, then id."""
        scored = [(self.cover(j, part)[0], j) for j in holders if eligible[j]]
        scored.sort(key=lambda item: (-item[0], -relevance[item[1]], item[1]))
        return scored

    def _trust(self, relevance: np.ndarray, candidates: Sequence[int]) -> np.ndarray:
        """How far each candidate's claims count: its relevance against the best one's, to
        the power `trust`. Off (0) by default: on the judged needs, crediting a concept by
        its place in the firm's offer (`focus`) did better than by the firm's relevance."""
        rel = relevance[list(candidates)]
        top = float(rel.max()) if rel.size else 0.0
        if top <= 0 or self.settings.trust == 0:
            return np.ones(len(candidates))
        factors: np.ndarray = (rel / top) ** self.settings.trust
        return factors

    def _cover_matrix(self, candidates: Sequence[int], parts: Sequence[NeedPart]) -> np.ndarray:
        matrix = np.zeros((len(candidates), len(parts)), dtype=np.float64)
        for k, j in enumerate(candidates):
            for p, part in enumerate(parts):
                matrix[k, p] = self.cover(j, part)[0]
        return matrix

    def _score(
        self, positions: tuple[int, ...], cover: np.ndarray, shares: np.ndarray, rel: np.ndarray
    ) -> _Scored:
        rows = cover[list(positions)]
        best = rows.max(axis=0) if rows.size else np.zeros(cover.shape[1])
        coverage = float(best @ shares)
        overlap = (
            float((rows.sum(axis=0) - best) @ shares) / (len(positions) - 1)
            if len(positions) > 1
            else 0.0
        )
        relevance = float(rel[list(positions)].mean())
        weights = self.settings.parts
        score = (
            weights.coverage * coverage + weights.relevance * relevance - weights.overlap * overlap
        )
        return _Scored(positions, coverage, relevance, overlap, round(score, DECIMALS))

    def _search(
        self, cover: np.ndarray, shares: np.ndarray, rel: np.ndarray, size: int
    ) -> list[_Scored]:
        """Every valid pair of candidates, and the best pairs extended by a third member."""
        gain = _unique_gains(cover, shares)
        enough = gain >= self.settings.min_unique
        valid = enough & enough.T
        pairs = self._score_pairs(np.nonzero(np.triu(valid, 1)), cover, shares, rel)
        if size < 3 or not pairs:
            return pairs
        best_pairs = sorted(pairs, key=lambda t: (-t.score, t.positions))
        triples: dict[tuple[int, ...], _Scored] = {}
        for pair in best_pairs[: self.settings.pairs_extended]:
            for third in self._third_members(pair.positions, cover, shares):
                key = tuple(sorted((*pair.positions, third)))
                if key not in triples:
                    triples[key] = self._score(key, cover, shares, rel)
        return pairs + list(triples.values())

    def _score_pairs(
        self,
        pairs: tuple[np.ndarray, ...],
        cover: np.ndarray,
        shares: np.ndarray,
        rel: np.ndarray,
    ) -> list[_Scored]:
        """`_score` for many pairs at once: for two members the overlap is the smaller cover."""
        first, second = pairs
        a, b = cover[first], cover[second]
        coverage = np.maximum(a, b) @ shares
        overlap = np.minimum(a, b) @ shares
        relevance = (rel[first] + rel[second]) / 2
        w = self.settings.parts
        scores = np.round(w.coverage * coverage + w.relevance * relevance - w.overlap * overlap, 6)
        return [
            _Scored((int(i), int(j)), float(c), float(r), float(o), float(t))
            for i, j, c, r, o, t in zip(
                first, second, coverage, relevance, overlap, scores, strict=True
            )
        ]

    def _third_members(
        self, pair: tuple[int, ...], cover: np.ndarray, shares: np.ndarray
    ) -> list[int]:
        """Candidates that can join a pair with no passenger among the three, all at once.

        For each possible third member c: what c adds beyond the pair, and what each of the
        pair still adds beyond its partner and c.
        """
        a, b = cover[pair[0]], cover[pair[1]]
        minimum = self.settings.min_unique
        adds = np.maximum(cover - np.maximum(a, b), 0.0) @ shares
        a_adds = np.maximum(a - np.maximum(b, cover), 0.0) @ shares
        b_adds = np.maximum(b - np.maximum(a, cover), 0.0) @ shares
        ok = (adds >= minimum) & (a_adds >= minimum) & (b_adds >= minimum)
        ok[list(pair)] = False
        return [int(c) for c in np.flatnonzero(ok)]

    # -- explanation --------------------------------------------------------------------

    def _explain(
        self,
        need_index: int,
        scored: _Scored,
        candidates: Sequence[int],
        cover: np.ndarray,
        parts: Sequence[NeedPart],
        rank: int | None,
    ) -> Team:
        rows = cover[list(scored.positions)]
        members = tuple(
            self._member(need_index, candidates[pos], rows, m, parts)
            for m, pos in enumerate(scored.positions)
        )
        best = rows.max(axis=0)
        uncovered = tuple(p for p, value in zip(parts, best, strict=True) if value <= 0)
        weights = self.settings.parts
        contributions = (
            TeamContribution(TeamPart.COVERAGE, scored.coverage, weights.coverage),
            TeamContribution(TeamPart.RELEVANCE, scored.relevance, weights.relevance),
            TeamContribution(TeamPart.OVERLAP, scored.overlap, -weights.overlap),
        )
        return Team(rank, members, contributions, uncovered)

    def _member(
        self, need_index: int, sme_index: int, rows: np.ndarray, m: int, parts: Sequence[NeedPart]
    ) -> Member:
        others = np.delete(rows, m, axis=0)
        covers = []
        for p, part in enumerate(parts):
            value = float(rows[m, p])  # as scored: scaled by the member's trust
            if value > 0:
                _, words, via = self.cover(sme_index, part)
                brings = bool(others.size == 0 or value > others[:, p].max())
                covers.append(PartCover(part, round(value, 4), words, via, brings))
        # What the member brings first, then its direct claims, then the related ones.
        covers.sort(key=lambda c: (not c.brings, c.via is not None, -c.value, c.part.concept_id))
        shares = np.array([p.share for p in parts], dtype=np.float64)
        unique = _gain(rows[m], others, shares)
        return Member(self._match(need_index, sme_index), tuple(covers), round(unique, 4))

    def _match(self, need_index: int, sme_index: int) -> Match:
        """A member's own match, explained once per need however many teams it is in."""
        key = (need_index, sme_index)
        if key not in self._matches:
            self._matches[key] = self.matcher.explain(need_index, sme_index)
        return self._matches[key]


def _short(text: str) -> str:
    """A clause's first words, cut at a word, when it is too long to name a part."""
    if len(text) <= _NAME_LENGTH:
        return text
    return text[:_NAME_LENGTH].rsplit(" ", 1)[0] + "…"


def _gain(row: np.ndarray, others: np.ndarray, shares: np.ndarray) -> float:
    """Coverage one member adds beyond the best of the others."""
    if others.size == 0:
        return float(row @ shares)
    return float(np.maximum(row - others.max(axis=0), 0.0) @ shares)


def _unique_gains(cover: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """gain[a, b]: the coverage candidate a adds to candidate b, for every pair at once."""
    difference = np.maximum(cover[:, None, :] - cover[None, :, :], 0.0)
    gains: np.ndarray = difference @ shares
    return gains


def find_teams(
    matcher: Matcher, selection: Selection, size: int = 3, top: int = 3
) -> list[TeamSuggestion]:
    """Team suggestions for the selected needs (the library entry point)."""
    return list(TeamFinder(matcher).suggestions(selection, size, top))
