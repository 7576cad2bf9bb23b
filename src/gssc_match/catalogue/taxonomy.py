"""The loaded taxonomy: clusters, target countries (with their spellings) and concepts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..errors import UnknownCountryError, UsageError
from .models import Cluster, Concept, Pillar, TargetCountry, TaxonomyFile
from .suggest import did_you_mean
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
    def accepted_tags(self) -> frozenset[str]:
        """Tags a maintainer accepted on purpose, folded (case and accents do not matter)."""
        return frozenset(fold(tag) for tag in self.source.accepted_tags)

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
                table[spelling_key(spelling)] = country.id
        return table

    def find_country(self, text: str) -> TargetCountry | None:
        """`vietnam`, `VN`, `Viet Nam` and `Việt Nam` all name the same country."""
        found = self._country_spellings.get(spelling_key(text))
        return None if found is None else self.countries[found]

    def resolve_country(self, text: str) -> TargetCountry:
        """Like `find_country`, but an unknown country is a usage error."""
        found = self.find_country(text)
        if found is None:
            raise UnknownCountryError(text, sorted(self.countries))
        return found

    @cached_property
    def _cluster_spellings(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for cluster in self.source.clusters:
            for spelling in (cluster.id, cluster.name, cluster.organisation or cluster.id):
                table[spelling_key(spelling)] = cluster.id
        return table

    def find_cluster(self, text: str) -> Cluster | None:
        """`water`, `Water`, `WATER` and the cluster's name or organisation name one cluster."""
        found = self._cluster_spellings.get(spelling_key(text))
        return None if found is None else self.clusters[found]

    def resolve_cluster(self, text: str) -> Cluster:
        """Like `find_cluster`, but an unknown cluster is a usage error with a hint."""
        found = self.find_cluster(text)
        if found is None:
            hint = did_you_mean(text, self.clusters)
            raise UsageError(f"unknown cluster '{text.strip()}'; {hint}")
        return found


def spelling_key(text: str) -> str:
    """What is left of a spelling once case, accents, spaces and punctuation are folded away."""
    return "".join(ch for ch in fold(text) if ch.isalnum())
