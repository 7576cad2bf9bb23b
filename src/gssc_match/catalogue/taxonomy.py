"""The loaded taxonomy: clusters, target countries (with their spellings) and concepts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..errors import UnknownCountryError
from .models import Cluster, Concept, Pillar, TargetCountry, TaxonomyFile
from .text import fold

if TYPE_CHECKING:
    from .concepts import ConceptIndex
    from .remedies import RemedyIndex


@dataclass(frozen=True)
class Taxonomy:
    """Lookups over a validated taxonomy file."""

    source: TaxonomyFile
    path: str
    digest: str = ""

    @cached_property
    def clusters(self) -> dict[str, Cluster]:
        return {cluster.id: cluster for cluster in self.source.clusters}

    @cached_property
    def countries(self) -> dict[str, TargetCountry]:
        return {country.id: country for country in self.source.countries}

    @cached_property
    def concepts(self) -> dict[str, Concept]:
        return {c.id: c for pillar in self.source.pillars for c in pillar.concepts}

    @cached_property
    def pillar_of(self) -> dict[str, Pillar]:
        """The pillar each concept id belongs to."""
        return {c.id: pillar for pillar in self.source.pillars for c in pillar.concepts}

    @cached_property
    def concept_index(self) -> ConceptIndex:
        """The synonym index, built once per taxonomy (validation and ranking share it)."""
        from .concepts import ConceptIndex

        return ConceptIndex(self)

    @cached_property
    def remedy_index(self) -> RemedyIndex:
        """The remedy cues, built once per taxonomy (empty when the file has no `remedies`)."""
        from .remedies import RemedyIndex

        return RemedyIndex(self)

    @cached_property
    def _country_spellings(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for country in self.source.countries:
            for spelling in (country.id, country.name, country.iso, *country.aliases):
                table[_country_key(spelling)] = country.id
        return table

    def resolve_country(self, text: str) -> TargetCountry:
        """`vietnam`, `VN`, `Viet Nam` and `Việt Nam` all name the same country."""
        found = self._country_spellings.get(_country_key(text))
        if found is None:
            raise UnknownCountryError(text, sorted(self.countries))
        return self.countries[found]


def _country_key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())
