"""What the pages show of one match: the named parts of its score and the shared concepts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..rows import related_text

if TYPE_CHECKING:
    from ...matching.ranking import Match
    from ...matching.scoring import LabelCutoffs


@dataclass(frozen=True)
class PartView:
    """One named part of a score: value x weight x share = points."""

    name: str
    value: float
    weight: float
    share: float  # the relevance share that scales a secondary part (1 for text, concept)
    points: float


@dataclass(frozen=True)
class ConceptView:
    """A concept both sides name, in each side's own words."""

    name: str
    need_words: str
    sme_words: str


@dataclass(frozen=True)
class MatchView:
    """One SME proposed for one need, as a page shows it."""

    rank: int
    need_id: str
    need_title: str
    city: str
    country: str
    sme_id: str
    sme_name: str
    sme_country: str
    cluster: str
    score: float
    label: str
    parts: tuple[PartView, ...]
    concepts: tuple[ConceptView, ...]
    related: str
    shared_terms: str
    website: str | None


def match_view(match: Match, labels: LabelCutoffs) -> MatchView:
    """The page's view of a match; the score is rounded like the rows of every other output."""
    from ..rows import DECIMALS

    parts = tuple(
        PartView(c.part.value, c.value, c.weight, c.scale, round(c.points, DECIMALS))
        for c in match.breakdown.contributions
    )
    concepts = tuple(
        ConceptView(c.name, ", ".join(c.need_words[:3]), ", ".join(c.sme_words[:3]))
        for c in match.concepts
    )
    return MatchView(
        rank=match.rank,
        need_id=match.need.id,
        need_title=match.need.title,
        city=match.need.city,
        country=match.need.country,
        sme_id=match.sme.id,
        sme_name=match.sme.name,
        sme_country=match.sme.country,
        cluster=match.sme.cluster,
        score=round(match.score, DECIMALS),
        label=labels.label(match.score),
        parts=parts,
        concepts=concepts,
        related=related_text(match),
        shared_terms=", ".join(match.shared_terms),
        website=match.sme.website,
    )
