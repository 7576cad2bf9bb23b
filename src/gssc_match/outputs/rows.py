"""Flat result rows: the one shape that the screen, JSON, CSV, XLSX and Markdown all show.

Building every output from these rows is what makes an export equal what was on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from ..matching.scoring import Part

if TYPE_CHECKING:  # type-only: formats and the CLI must not pay for numpy
    from ..matching.ranking import Match, Shortlist
    from ..matching.scoring import LabelCutoffs, Weights

DECIMALS = 4


@dataclass(frozen=True)
class Row:
    """One proposed SME for one need, or one need with no good match (sme_id None)."""

    need_id: str
    country: str
    city: str
    need_title: str
    rank: int | None
    sme_id: str | None
    sme_name: str | None
    sme_country: str | None
    cluster: str | None
    score: float | None
    label: str | None
    text: float | None
    concept: float | None
    remedy: float | None
    language: float | None
    market: float | None
    readiness: float | None
    matched_concepts: str
    related_concepts: str
    shared_terms: str
    no_good_match: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Row))
PART_COLUMNS: tuple[str, ...] = tuple(p.value for p in Part)
NUMBER_COLUMNS = frozenset({"rank", "score", *PART_COLUMNS})


def rows_for_shortlists(shortlists: Iterable[Shortlist], labels: LabelCutoffs) -> list[Row]:
    """Rows of the forward view: per need, its ranked SMEs or one no-good-match row."""
    rows: list[Row] = []
    for shortlist in shortlists:
        if shortlist.no_good_match or not shortlist.matches:
            rows.append(_empty_row(shortlist))
        else:
            rows.extend(match_row(m, labels) for m in shortlist.matches)
    return rows


def rows_for_matches(matches: Iterable[Match], labels: LabelCutoffs) -> list[Row]:
    """Rows of the reverse view (the needs that fit one SME)."""
    return [match_row(m, labels) for m in matches]


def missing_text(match: Match) -> str:
    """What the SME does not answer of what the need asks for, if anything.

    `offers monitoring and warning; not civil works` for a partial answer, `not offered:
    civil works` when it offers none of the kinds asked.
    """
    fit = match.remedy
    if not fit.missing:
        return ""
    if not fit.offered:
        return f"not offered: {', '.join(fit.missing)}"
    return f"offers {', '.join(fit.offered)}; not {', '.join(fit.missing)}"


def match_row(match: Match, labels: LabelCutoffs) -> Row:
    need, sme = match.need, match.sme
    points = {c.part: round(c.points, DECIMALS) for c in match.breakdown.contributions}
    return Row(
        need_id=need.id,
        country=need.country,
        city=need.city,
        need_title=need.title,
        rank=match.rank,
        sme_id=sme.id,
        sme_name=sme.name,
        sme_country=sme.country,
        cluster=sme.cluster,
        score=round(match.score, DECIMALS),
        label=labels.label(match.score),
        text=points[Part.TEXT],
        concept=points[Part.CONCEPT],
        remedy=points[Part.REMEDY],
        language=points[Part.LANGUAGE],
        market=points[Part.MARKET],
        readiness=points[Part.READINESS],
        matched_concepts=concepts_text(match),
        related_concepts=related_text(match),
        shared_terms="; ".join(match.shared_terms),
        no_good_match=False,
        reason=missing_text(match),
    )


def concepts_text(match: Match) -> str:
    """`Desalination (dessalinização / desalination); …` in each side's own words."""
    return "; ".join(
        f"{c.name} ({', '.join(c.need_words[:2])} / {', '.join(c.sme_words[:2])})"
        for c in match.concepts
    )


def related_text(match: Match) -> str:
    """`Waste: Landfills / Recycling; …`: same pillar, different concepts, need side first."""
    return "; ".join(
        f"{r.pillar}: {', '.join(r.need_concepts)} / {', '.join(r.sme_concepts)}"
        for r in match.related
    )


def _empty_row(shortlist: Shortlist) -> Row:
    need = shortlist.need
    return Row(
        need_id=need.id,
        country=need.country,
        city=need.city,
        need_title=need.title,
        rank=None,
        sme_id=None,
        sme_name=None,
        sme_country=None,
        cluster=None,
        score=None,
        label=None,
        text=None,
        concept=None,
        remedy=None,
        language=None,
        market=None,
        readiness=None,
        matched_concepts="",
        related_concepts="",
        shared_terms="",
        no_good_match=shortlist.no_good_match,
        reason=shortlist.reason if shortlist.no_good_match else "no SME reaches the minimum score",
    )


@dataclass(frozen=True)
class Result:
    """What `rank` found: shortlists per need (or matches for one SME) and their rows."""

    weights: Weights
    shortlists: tuple[Shortlist, ...]
    sme_matches: tuple[Match, ...]
    rows: tuple[Row, ...]
