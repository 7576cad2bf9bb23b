"""What a delegation-SME pair is worth: the best `rank` score over the delegation's needs.

Only the public shapes of ranking are used (Matcher.shortlists, Shortlist, Match.score
and its matched concepts), so that the scorer's internals may change freely. Every SME
`rank` finds relevant to a need (relevance at or above the no-match threshold) counts,
not only the top 5 that `rank` shows: a mission has room for more than five meetings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..catalogue.mission import Mission
from ..matching.ranking import Match, Matcher
from ..selection import Selection


@dataclass(frozen=True)
class PairValue:
    """A pair's score, the needs it serves (best first) and why, in a few words."""

    score: float
    need_ids: tuple[str, ...]
    why: str
    relevant: bool = True  # False for a pinned pair that `rank` would not shortlist


def pair_values(matcher: Matcher, mission: Mission) -> dict[tuple[str, str], PairValue]:
    """(delegation id, SME id) -> value, for every pair `rank` finds relevant."""
    need_ids = tuple(sorted({n for d in mission.delegations for n in d.needs}))
    selection = Selection(need_ids=need_ids, top=max(1, len(matcher.smes)))
    by_need = {s.need.id: s.matches for s in matcher.shortlists(selection)}
    values: dict[tuple[str, str], PairValue] = {}
    for delegation in mission.delegations:
        matches = [m for n in delegation.needs for m in by_need.get(n, ())]
        for sme_id, group in _by_sme(matches).items():
            values[(delegation.id, sme_id)] = _value(group, relevant=True)
    return values


def pinned_value(matcher: Matcher, need_ids: Iterable[str], sme_id: str) -> PairValue:
    """The score of a pinned pair that `rank` would not shortlist, for the record."""
    needs = {n.id: i for i, n in enumerate(matcher.needs)}
    smes = {s.id: i for i, s in enumerate(matcher.smes)}
    matches = [matcher.explain(needs[n], smes[sme_id]) for n in need_ids if n in needs]
    if not matches or sme_id not in smes:
        return PairValue(0.0, (), "pinned by the organiser", relevant=False)
    value = _value(matches, relevant=False)
    return PairValue(value.score, value.need_ids, "pinned by the organiser; " + value.why, False)


def _by_sme(matches: list[Match]) -> dict[str, list[Match]]:
    groups: dict[str, list[Match]] = {}
    for match in matches:
        groups.setdefault(match.sme.id, []).append(match)
    return groups


def _value(matches: list[Match], *, relevant: bool) -> PairValue:
    ordered = sorted(matches, key=lambda m: (-m.score, m.need.id))
    best = ordered[0]
    why = _why(best)
    return PairValue(round(best.score, 4), tuple(m.need.id for m in ordered), why, relevant)


def _why(match: Match) -> str:
    """The strongest evidence first: shared concepts, related ones, then shared words."""
    if match.concepts:
        return ", ".join(c.name for c in match.concepts[:3])
    if match.related:
        r = match.related[0]
        return f"{r.pillar}: {', '.join(r.need_concepts)} / {', '.join(r.sme_concepts)}"
    terms = [t for t in match.shared_terms if len(t) > 2][:4]
    return "shared words: " + ", ".join(terms) if terms else "similar wording"
