"""What the scorer reads in one record, and what it nearly matches.

For an SME: the concepts found in its own words, the needs it just misses (ranked just
outside their top N, or just below the relevance threshold) and, for each, the concepts
the need names that the SME's profile does not, with the taxonomy's words for them. An SME
that really does that work can then say so; one that does not learns why it is not shown.
The same for a need, against SMEs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ..catalogue.blind import blind_spot, need_texts, sme_texts
from ..catalogue.models import LANGUAGES_OF_TAXONOMY
from ..catalogue.text import fold
from ..errors import UnknownRecordError
from .features import ConceptProfile
from .ranking import CHUNK, Matcher

NEAR_SHARE = 0.6  # a relevance above this share of the threshold is "just below" it
NEAR_RANKS = 5  # ranks after the shortlist that count as "just outside" it
WORDS_SHOWN = 3  # taxonomy words shown per concept and language


class Side(StrEnum):
    """Which kind of record is examined."""

    SME = "sme"
    NEED = "need"


@dataclass(frozen=True)
class ConceptRead:
    """A concept found in the record, in the record's own words."""

    concept_id: str
    name: str
    pillar: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class RemedyRead:
    """A remedy kind the record offers (an SME) or asks for (a need), in its own words."""

    kind: str
    name: str
    weight: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class Bridge:
    """A concept the other record names and this one does not: words that would connect them."""

    concept_id: str
    name: str
    their_words: tuple[str, ...]
    taxonomy_words: dict[str, tuple[str, ...]]
    """The concept's first synonyms in each of this record's languages, in that order."""


@dataclass(frozen=True)
class NearMiss:
    """A record on the other side that this one nearly matches, and why it does not."""

    other_id: str
    other_name: str
    position: int
    """This SME's place among all SMEs for the need (for a need: that SME's place)."""
    relevance: float
    why: str
    shared: tuple[str, ...]
    bridges: tuple[Bridge, ...]


@dataclass(frozen=True)
class Diagnosis:
    """Everything `doctor` says about one record."""

    side: Side
    record_id: str
    name: str
    concepts: tuple[ConceptRead, ...]
    blind: str | None
    threshold: float
    top: int
    near_misses: tuple[NearMiss, ...]
    remedies: tuple[RemedyRead, ...] = ()
    """What an SME offers or a need asks for (see `catalogue.remedies`), strongest first."""


def diagnose(
    matcher: Matcher, side: Side, record_id: str, top: int = 5, limit: int = 5
) -> Diagnosis:
    """Read one record as the scorer does and list its `limit` nearest misses."""
    own = _index_of(matcher, side, record_id)
    profile = _profile(matcher, side, own)
    taxonomy = matcher.catalogue.taxonomy
    concepts = tuple(
        ConceptRead(
            c, taxonomy.concepts[c].name, taxonomy.pillar_of[c].name, _distinct(profile.surfaces[c])
        )
        for c in sorted(profile.weights, key=lambda c: (-profile.weights[c], c))
    )
    misses = sorted(_near(matcher, side, own, top), key=lambda m: (-m[1], m[0]))[:limit]
    return Diagnosis(
        side,
        record_id,
        _name(matcher, side, own),
        concepts,
        _blind(matcher, side, own),
        matcher.weights.no_match_threshold,
        top,
        tuple(_near_miss(matcher, side, own, other, pos, rel) for other, rel, pos in misses),
        _remedies(matcher, side, own),
    )


def _remedies(matcher: Matcher, side: Side, index: int) -> tuple[RemedyRead, ...]:
    """The remedy kinds the matcher read in the record, as `remedies_of` gives them."""
    remedies = matcher.remedies
    profile = remedies.offered[index] if side is Side.SME else remedies.asked[index]
    return tuple(
        RemedyRead(h.kind, remedies.name(h.kind), round(h.weight, 2), h.words) for h in profile.hits
    )


def _distinct(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words as first written, without repeats that differ only in case or accents."""
    seen: dict[str, str] = {}
    for word in words:
        seen.setdefault(fold(word), word)
    return tuple(seen.values())


def _index_of(matcher: Matcher, side: Side, record_id: str) -> int:
    ids = [s.id for s in matcher.smes] if side is Side.SME else [n.id for n in matcher.needs]
    if record_id in ids:
        return ids.index(record_id)
    raise UnknownRecordError(f"unknown {'SME' if side is Side.SME else 'need'} '{record_id}'")


def _profile(matcher: Matcher, side: Side, index: int) -> ConceptProfile:
    offset = len(matcher.needs) if side is Side.SME else 0
    return matcher.space.profiles[offset + index]


def _name(matcher: Matcher, side: Side, index: int) -> str:
    return matcher.smes[index].name if side is Side.SME else matcher.needs[index].title


def _blind(matcher: Matcher, side: Side, index: int) -> str | None:
    taxonomy = matcher.catalogue.taxonomy
    if side is Side.SME:
        sme = matcher.smes[index]
        return blind_spot(taxonomy, sme.tags, sme_texts(sme))
    need = matcher.needs[index]
    return blind_spot(taxonomy, need.tags, need_texts(need))


def _near(matcher: Matcher, side: Side, own: int, top: int) -> Iterator[tuple[int, float, int]]:
    """(other index, relevance, position) of every pair that just misses a shortlist."""
    threshold = matcher.weights.no_match_threshold
    for need, relevance in _relevance_rows(matcher, side, own):
        total = matcher.totals(need, relevance)
        shown = np.where(relevance >= threshold, total, -np.inf)
        smes = [own] if side is Side.SME else range(len(matcher.smes))
        for sme in smes:
            position = _position(shown, total, sme)
            nearly = (
                top < position <= top + NEAR_RANKS
                if relevance[sme] >= threshold
                else relevance[sme] >= NEAR_SHARE * threshold
            )
            if nearly:
                other = need if side is Side.SME else sme
                yield other, float(relevance[sme]), position


def _relevance_rows(matcher: Matcher, side: Side, own: int) -> Iterator[tuple[int, np.ndarray]]:
    """(need index, relevance of every SME) for the needs to look at, chunk by chunk."""
    needs: Sequence[int] = range(len(matcher.needs)) if side is Side.SME else [own]
    for start in range(0, len(needs), CHUNK):
        part = list(needs[start : start + CHUNK])
        yield from zip(part, matcher.relevance_block(part), strict=True)


def _position(shown: np.ndarray, total: np.ndarray, sme: int) -> int:
    """An SME's place for a need (1 = first), as if it were shortlisted at its total.

    Ties go to the lower index (the lower id), as in ranking.
    """
    ahead = np.count_nonzero(shown > total[sme]) + np.count_nonzero(shown[:sme] == total[sme])
    return int(ahead) + 1


def _near_miss(
    matcher: Matcher, side: Side, own: int, other: int, position: int, relevance: float
) -> NearMiss:
    need, sme = (other, own) if side is Side.SME else (own, other)
    threshold = matcher.weights.no_match_threshold
    if relevance < threshold:
        why = f"relevance {relevance:.3f} is below the threshold {threshold:.2f}"
    else:
        why = f"would rank {position}, outside the shortlist"
    other_side = Side.NEED if side is Side.SME else Side.SME
    return NearMiss(
        _id(matcher, other_side, other),
        _name(matcher, other_side, other),
        position,
        round(relevance, 6),
        why,
        matcher.space.compare(need, sme).shared_terms,
        _bridges(matcher, side, own, other),
    )


def _id(matcher: Matcher, side: Side, index: int) -> str:
    return matcher.smes[index].id if side is Side.SME else matcher.needs[index].id


def _bridges(matcher: Matcher, side: Side, own: int, other: int) -> tuple[Bridge, ...]:
    """The other record's concepts this one lacks, strongest first, at most three."""
    mine = _profile(matcher, side, own)
    theirs = _profile(matcher, Side.NEED if side is Side.SME else Side.SME, other)
    missing = sorted(set(theirs.weights) - set(mine.weights), key=lambda c: (-theirs.weights[c], c))
    concepts = matcher.catalogue.taxonomy.concepts
    languages = _languages(matcher, side, own)
    return tuple(
        Bridge(
            c,
            concepts[c].name,
            _distinct(theirs.surfaces[c])[: WORDS_SHOWN + 1],
            {lang: tuple(getattr(concepts[c].synonyms, lang)[:WORDS_SHOWN]) for lang in languages},
        )
        for c in missing[:3]
    )


def _languages(matcher: Matcher, side: Side, index: int) -> tuple[str, ...]:
    """The taxonomy languages this record is written or read in (English as a fallback)."""
    if side is Side.NEED:
        wanted = [matcher.needs[index].language, "en"]
    else:
        wanted = [*matcher.smes[index].languages, "en"]
    known = [lang for lang in wanted if lang in LANGUAGES_OF_TAXONOMY]
    return tuple(dict.fromkeys(known))[:2]
