"""The competency catalogue: a cover, contents by cluster and one card per SME.

Texts appear in the languages the SMEs wrote them in; the best-fitting needs of each SME are
`rank --sme`'s answer across all target countries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .render import render
from .views import MatchView, match_view

if TYPE_CHECKING:
    from ...catalogue.loader import Catalogue
    from ...catalogue.models import Sme
    from ...matching.ranking import Match
    from ...matching.scoring import LabelCutoffs


@dataclass(frozen=True)
class Card:
    """One SME's card."""

    sme: Sme
    cluster_name: str
    fits: tuple[MatchView, ...]
    countries: Mapping[str, str]


@dataclass(frozen=True)
class Section:
    """One cluster's SMEs, in name order."""

    id: str
    name: str
    organisation: str | None
    cards: tuple[Card, ...]


def catalogue_html(
    catalogue: Catalogue,
    fits: Mapping[str, Sequence[Match]],
    about: dict[str, Any],
    labels: LabelCutoffs,
) -> str:
    """The whole catalogue as one self-contained HTML document."""
    return render("catalogue.html.j2", **catalogue_context(catalogue, fits, about, labels))


def catalogue_context(
    catalogue: Catalogue,
    fits: Mapping[str, Sequence[Match]],
    about: dict[str, Any],
    labels: LabelCutoffs,
) -> dict[str, Any]:
    sections = cluster_sections(catalogue, fits, labels)
    return {
        "title": "Competency catalogue",
        "about": about,
        "sections": sections,
        "sme_count": len(catalogue.smes),
        "home_countries": sorted({s.country for s in catalogue.smes}),
        "target_countries": [c.name for c in catalogue.taxonomy.source.countries],
        "data": {
            "about": about,
            # Contacts stay out of a page meant to be shared (as rank leaves them out).
            "smes": [s.model_dump(mode="json", exclude={"contact"}) for s in catalogue.smes],
            "best_needs": {
                sme_id: [{"need_id": m.need.id, "score": round(m.score, 4)} for m in matches]
                for sme_id, matches in sorted(fits.items())
            },
        },
    }


def cluster_sections(
    catalogue: Catalogue, fits: Mapping[str, Sequence[Match]], labels: LabelCutoffs
) -> list[Section]:
    """Clusters in the taxonomy's order (unknown ones after, by id); SMEs by name."""
    clusters = catalogue.taxonomy.clusters
    countries = {c.id: c.name for c in catalogue.taxonomy.source.countries}
    order = {cluster_id: i for i, cluster_id in enumerate(clusters)}
    grouped: dict[str, list[Sme]] = {}
    for sme in catalogue.smes:
        grouped.setdefault(sme.cluster, []).append(sme)
    sections = []
    for cluster_id in sorted(grouped, key=lambda c: (order.get(c, len(order)), c)):
        cluster = clusters.get(cluster_id)
        name = cluster.name if cluster else cluster_id
        smes = sorted(grouped[cluster_id], key=lambda s: (s.name.casefold(), s.id))
        cards = tuple(
            Card(s, name, tuple(match_view(m, labels) for m in fits.get(s.id, ())), countries)
            for s in smes
        )
        sections.append(Section(cluster_id, name, cluster.organisation if cluster else None, cards))
    return sections
