"""Flat result rows: the one shape that the screen, JSON, CSV, XLSX and Markdown all show.

Building every output from these rows is what makes an export equal what was on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING

from ..matching.scoring import LabelCutoffs, Part
from ..selection import Selection

if TYPE_CHECKING:  # type-only: formats and the CLI must not pay for numpy
    from ..matching.ranking import Match, Shortlist
    from ..matching.scoring import Weights

DECIMALS = 4
SUMMARY_LENGTH = 300  # characters of a need's description that travel in every row


@dataclass(frozen=True)
class Row:
    """One proposed SME for one need, or one need with no good match (sme_id None)."""

    need_id: str
    country: str
    city: str
    need_title: str
    need_title_en: str | None
    need_priority: str
    need_budget_eur: int | None
    need_description: str
    rank: int | None
    sme_id: str | None
    sme_name: str | None
    sme_country: str | None
    cluster: str | None
    sme_website: str | None
    sme_contact_name: str | None
    sme_contact_email: str | None
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
    why: str
    selection: str
    no_good_match: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Row))
PART_COLUMNS: tuple[str, ...] = tuple(p.value for p in Part)
NUMBER_COLUMNS = frozenset({"rank", "score", "need_budget_eur", *PART_COLUMNS})
CONTACT_COLUMNS = ("sme_contact_name", "sme_contact_email")

HEADERS: dict[str, str] = {
    "need_id": "Need id",
    "country": "Country",
    "city": "City",
    "need_title": "Need",
    "need_title_en": "Need (English)",
    "need_priority": "Priority",
    "need_budget_eur": "Budget (EUR)",
    "need_description": "Need description",
    "rank": "#",
    "sme_id": "SME id",
    "sme_name": "SME",
    "sme_country": "SME country",
    "cluster": "Cluster",
    "sme_website": "Website",
    "sme_contact_name": "Contact",
    "sme_contact_email": "Contact e-mail",
    "score": "Score",
    "label": "Label",
    "text": "Text points",
    "concept": "Concept points",
    "remedy": "Remedy points",
    "language": "Language points",
    "market": "Market points",
    "readiness": "Readiness points",
    "matched_concepts": "Matched concepts (need words / SME words)",
    "related_concepts": "Related concepts (need / SME)",
    "shared_terms": "Shared terms",
    "why": "Why",
    "selection": "Selection",
    "no_good_match": "No good match",
    "reason": "Reason (what is missing)",
}


def header(column: str) -> str:
    """The heading people read for a column (a column added later still gets a fair one)."""
    return HEADERS.get(column) or column.replace("_", " ").capitalize()


def output_columns(with_contacts: bool = False) -> tuple[str, ...]:
    """The columns a file or stdout gets: contacts only when asked for."""
    return COLUMNS if with_contacts else tuple(c for c in COLUMNS if c not in CONTACT_COLUMNS)


@dataclass(frozen=True)
class Context:
    """How the rows were chosen, stated in each of them: the filter and the threshold."""

    selection: Selection = field(default_factory=Selection)
    threshold: float = 0.0
    labels: LabelCutoffs = field(default_factory=LabelCutoffs.unfitted)  # the weights file's


def rows_for_shortlists(shortlists: Iterable[Shortlist], context: Context = Context()) -> list[Row]:
    """Rows of the forward view: per need, its ranked SMEs or one no-good-match row."""
    rows: list[Row] = []
    for shortlist in shortlists:
        if shortlist.no_good_match or not shortlist.matches:
            rows.append(_empty_row(shortlist, context))
        else:
            rows.extend(match_row(m, context) for m in shortlist.matches)
    return rows


def rows_for_matches(matches: Iterable[Match], context: Context = Context()) -> list[Row]:
    """Rows of the reverse view (the needs that fit one SME)."""
    return [match_row(m, context) for m in matches]


def match_row(match: Match, context: Context = Context()) -> Row:
    need, sme = match.need, match.sme
    points = {c.part: round(c.points, DECIMALS) for c in match.breakdown.contributions}
    return Row(
        need_id=need.id,
        country=need.country,
        city=need.city,
        need_title=need.title,
        need_title_en=need.title_en,
        need_priority=str(need.priority),
        need_budget_eur=need.budget_eur,
        need_description=summary(need.description),
        rank=match.rank,
        sme_id=sme.id,
        sme_name=sme.name,
        sme_country=sme.country,
        cluster=sme.cluster,
        sme_website=sme.website,
        sme_contact_name=sme.contact.name if sme.contact else None,
        sme_contact_email=sme.contact.email if sme.contact else None,
        score=round(match.score, DECIMALS),
        label=context.labels.label(match.score) if match.proposed else None,
        text=points[Part.TEXT],
        concept=points[Part.CONCEPT],
        remedy=points[Part.REMEDY],
        language=points[Part.LANGUAGE],
        market=points[Part.MARKET],
        readiness=points[Part.READINESS],
        matched_concepts=concepts_text(match),
        related_concepts=related_text(match),
        shared_terms="; ".join(match.shared_terms),
        why=why(match),
        selection=context.selection.describe(),
        no_good_match=not match.proposed,  # a pair shown only because it was named
        reason=match.unanswered or missing_text(match),
    )


def why(match: Match) -> str:
    """One line: shared concepts, else related ones (same pillar), else shared words; and
    what the need asks for that the SME does not offer, when there is such a part."""
    missing = missing_text(match)
    return f"{_evidence(match)} — {missing}" if missing else _evidence(match)


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


def _evidence(match: Match) -> str:
    names = [c.name for c in match.concepts[:3]]
    if names:
        return "concepts: " + ", ".join(names)
    if match.related:
        first = match.related[0]
        return f"related ({first.pillar}): {first.need_concepts[0]} ~ {first.sme_concepts[0]}"
    if match.shared_terms:
        return "shared terms: " + ", ".join(match.shared_terms[:4])
    return "similar wording"


def no_match_text(shortlist: Shortlist, context: Context) -> str:
    """Why a need has no SME, naming the SME filter when one was in force."""
    cluster = context.selection.cluster
    among = f" among the SMEs of cluster '{cluster}' (the filter in force)" if cluster else ""
    if shortlist.no_good_match:
        return f"No good match{among}: {shortlist.reason}."
    return f"No SME{among} reaches the minimum score {context.selection.min_score:g}."


def summary(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """A description cut at a word boundary near `limit` characters, marked with …"""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + " …"


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


def _empty_row(shortlist: Shortlist, context: Context) -> Row:
    need = shortlist.need
    return Row(
        need_id=need.id,
        country=need.country,
        city=need.city,
        need_title=need.title,
        need_title_en=need.title_en,
        need_priority=str(need.priority),
        need_budget_eur=need.budget_eur,
        need_description=summary(need.description),
        rank=None,
        sme_id=None,
        sme_name=None,
        sme_country=None,
        cluster=None,
        sme_website=None,
        sme_contact_name=None,
        sme_contact_email=None,
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
        why=no_match_text(shortlist, context),
        selection=context.selection.describe(),
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
    context: Context = field(default_factory=Context)
