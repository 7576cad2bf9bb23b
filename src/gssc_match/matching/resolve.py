"""What the user typed, as catalogue ids: countries, cities, clusters, needs and the SME.

Every value is trimmed and compared like country names (case, accents, spaces and
punctuation folded away), so `"Đà Lạt "`, `da lat` and `DA-LAT` name the same city. A value
that names nothing is a usage error with a did-you-mean, never an empty result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..catalogue.loader import Catalogue
from ..catalogue.models import Need
from ..catalogue.suggest import did_you_mean
from ..catalogue.taxonomy import spelling_key
from ..errors import UnknownRecordError, UsageError
from ..selection import Selection


def resolve_selection(catalogue: Catalogue, selection: Selection) -> Selection:
    """The same selection with every value replaced by the id it names (idempotent)."""
    taxonomy = catalogue.taxonomy
    country = taxonomy.resolve_country(selection.country).id if selection.country else None
    cluster = taxonomy.resolve_cluster(selection.cluster).id if selection.cluster else None
    sme_id = _record_id("SME", selection.sme_id, (s.id for s in catalogue.smes))
    if sme_id is not None and cluster is not None:
        raise UsageError(
            "--cluster chooses which SMEs are proposed for a need; with --sme the SME is "
            "already chosen, so leave --cluster out"
        )
    need_ids = tuple(
        _record_id("need", need, (n.id for n in catalogue.needs)) or need
        for need in selection.need_ids
    )
    city = _city(catalogue.needs, selection.city, country) if selection.city else None
    return replace(
        selection, country=country, cluster=cluster, sme_id=sme_id, need_ids=need_ids, city=city
    )


def _record_id(what: str, given: str | None, known: Iterable[str]) -> str | None:
    """An SME or need id as typed, trimmed; an unknown one is a usage error."""
    if given is None:
        return None
    ids = set(known)
    wanted = given.strip()
    if wanted in ids:
        return wanted
    by_key = {spelling_key(i): i for i in ids}
    found = by_key.get(spelling_key(wanted))
    if found is not None:
        return found
    raise UnknownRecordError(f"unknown {what} '{wanted}'; {did_you_mean(wanted, ids)}")


def _city(needs: Iterable[Need], given: str, country: str | None) -> str:
    """The city as the needs write it; unknown, or not in the chosen country: usage error."""
    countries_of: dict[str, set[str]] = {}
    written: dict[str, str] = {}
    for need in needs:
        key = spelling_key(need.city)
        countries_of.setdefault(key, set()).add(need.country)
        written.setdefault(key, need.city)
    key = spelling_key(given)
    if key not in written:
        hint = did_you_mean(given.strip(), written.values())
        raise UsageError(f"no need is in a city called '{given.strip()}'; {hint}")
    if country is not None and country not in countries_of[key]:
        where = ", ".join(sorted(countries_of[key]))
        raise UsageError(f"the needs of {written[key]} are in {where}, not in {country}")
    return written[key]
