"""The remedy part, the no-good-match rule it drives, and relevance first."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gssc_match.api import open_catalogue, rank
from gssc_match.catalogue.loader import Catalogue, bundled_data, load_taxonomy, taxonomy_path
from gssc_match.catalogue.models import Need
from gssc_match.catalogue.taxonomy import Taxonomy
from gssc_match.matching.ranking import Matcher
from gssc_match.matching.scoring import RELEVANCE_PARTS, Part, Weights, breakdown, load_weights
from gssc_match.outputs.rows import missing_text
from gssc_match.selection import Selection

WORKS_ONLY = (
    "Cada invierno el río Huasco inunda el barrio bajo. No buscamos sensores ni sistemas "
    "de alerta de inundaciones; eso ya existe. Necesitamos obras: muros de contención y "
    "diques en la ribera, y contratistas que los construyan."
)
WARNING_AND_WORKS = (
    "Cada invierno el río Huasco inunda el barrio bajo. Necesitamos un sistema de alerta "
    "temprana de inundaciones con sensores de nivel en el río, y luego muros de contención "
    "y diques."
)


@pytest.fixture(scope="module")
def weights() -> Weights:
    return load_weights()


@pytest.fixture(scope="module")
def with_remedies(mini: Catalogue) -> Catalogue:
    """The test catalogue read with the bundled remedy vocabulary (its own has none)."""
    bundled, _ = load_taxonomy(taxonomy_path(bundled_data()))
    assert bundled is not None and bundled.source.remedies is not None
    source = mini.taxonomy.source.model_copy(update={"remedies": bundled.source.remedies})
    return dataclasses.replace(mini, taxonomy=Taxonomy(source, mini.taxonomy.path))


def flood_need(description: str) -> Need:
    return Need.model_validate(
        {
            "id": "cl-huasco-inundaciones",
            "country": "chile",
            "city": "Huasco",
            "title": "Inundaciones del río en el barrio bajo",
            "description": description,
            "language": "es",
            "tags": ["inundaciones"],
            "priority": "high",
        }
    )


def shortlist_for(catalogue: Catalogue, description: str, weights: Weights) -> object:
    catalogue = dataclasses.replace(catalogue, needs=(*catalogue.needs, flood_need(description)))
    result = rank(catalogue, Selection(need_ids=("cl-huasco-inundaciones",)), weights)
    [shortlist] = result.shortlists
    return shortlist, result.rows


def test_a_need_asking_only_for_what_no_sme_offers_is_flagged_with_why(
    with_remedies: Catalogue, weights: Weights
) -> None:
    shortlist, rows = shortlist_for(with_remedies, WORKS_ONLY, weights)
    assert shortlist.no_good_match  # type: ignore[attr-defined]
    assert shortlist.best_relevance >= weights.no_match_threshold  # type: ignore[attr-defined]
    reason = shortlist.reason  # type: ignore[attr-defined]
    assert reason.startswith("asks for civil works; the closest SMEs ")
    assert "monitor and warn" in reason
    [row] = rows  # type: ignore[misc]
    assert row.sme_id is None and row.no_good_match and row.reason == reason


def test_a_partly_answerable_need_keeps_its_shortlist_and_names_what_is_missing(
    with_remedies: Catalogue, weights: Weights
) -> None:
    shortlist, rows = shortlist_for(with_remedies, WARNING_AND_WORKS, weights)
    assert not shortlist.no_good_match  # type: ignore[attr-defined]
    first = shortlist.matches[0]  # type: ignore[attr-defined]
    assert first.sme.id == "powodz-alarm"
    assert "monitoring and warning" in first.remedy.offered
    assert "civil works" in first.remedy.missing
    assert missing_text(first) == "offers monitoring and warning; not civil works"
    assert rows[0].reason == missing_text(first)  # type: ignore[index]


def test_without_a_remedy_vocabulary_only_relevance_decides(
    mini: Catalogue, weights: Weights
) -> None:
    shortlist, _ = shortlist_for(mini, WORKS_ONLY, weights)
    assert not shortlist.no_good_match  # type: ignore[attr-defined]
    for match in shortlist.matches:  # type: ignore[attr-defined]
        assert match.breakdown.value(Part.REMEDY) == 0.5  # unknown is neutral


def test_offering_the_asked_remedy_adds_points(with_remedies: Catalogue, weights: Weights) -> None:
    shortlist, _ = shortlist_for(with_remedies, WARNING_AND_WORKS, weights)
    first = shortlist.matches[0]  # type: ignore[attr-defined]
    assert 0 < first.breakdown.value(Part.REMEDY) < 1


# -- relevance first -------------------------------------------------------------------

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
part_values = st.fixed_dictionaries({p: unit for p in Part})
raw_weights = st.lists(st.floats(min_value=0.01, max_value=1.0), min_size=6, max_size=6)


def weights_from(raw: list[float], base: Weights) -> Weights:
    total = sum(raw)
    parts = {p.value: w / total for p, w in zip(Part, raw, strict=True)}
    return base.model_copy(update={"parts": base.parts.model_copy(update=parts)})


@given(raw_weights, part_values, part_values)
def test_no_pair_outranks_one_with_clearly_higher_relevance(
    raw: list[float], a: dict[Part, float], b: dict[Part, float]
) -> None:
    """Whatever language, market, readiness and remedy say, a pair whose relevance is more
    than 1 / (text + concept weights) times another's ranks above it."""
    weights = weights_from(raw, load_weights())
    first, second = breakdown(a, weights), breakdown(b, weights)
    if second.relevance > first.relevance / weights.parts.relevance + 1e-9:
        assert second.total > first.total
    for result in (first, second):
        assert -1e-9 <= result.total <= 1 + 1e-9
        assert math.isclose(result.total, sum(c.points for c in result.contributions))


def test_a_candidate_without_a_matched_concept_never_outranks_a_clearly_better_one(
    weights: Weights,
) -> None:
    catalogue = open_catalogue(bundled_data())
    matcher = Matcher(catalogue, weights)
    factor = 1 / weights.parts.relevance
    checked = 0
    for shortlist in matcher.shortlists(Selection(top=len(catalogue.smes))):
        for high, match in enumerate(shortlist.matches):
            if match.concepts:
                continue
            for better in shortlist.matches[high + 1 :]:
                if better.concepts:
                    checked += 1
                    assert better.breakdown.relevance <= factor * match.breakdown.relevance
    assert checked > 0


def test_secondary_parts_are_scaled_by_relevance(
    with_remedies: Catalogue, weights: Weights
) -> None:
    matcher = Matcher(with_remedies, weights)
    match = matcher.explain(0, 0)
    share = min(1.0, match.breakdown.relevance / weights.parts.relevance)
    for c in match.breakdown.contributions:
        assert math.isclose(c.scale, 1.0 if c.part in RELEVANCE_PARTS else share)


def test_a_small_share_of_the_ask_does_not_answer_a_need(
    with_remedies: Catalogue, weights: Weights
) -> None:
    text = "Necesitamos muros de contención, diques, compuertas y obras de defensa; y alertas."
    catalogue = dataclasses.replace(with_remedies, needs=(*with_remedies.needs, flood_need(text)))
    matcher = Matcher(catalogue, weights)
    need = next(i for i, n in enumerate(matcher.needs) if n.id == "cl-huasco-inundaciones")
    warner = next(j for j, s in enumerate(matcher.smes) if s.id == "powodz-alarm")
    share = float(matcher.remedies.coverage(need)[warner])
    assert 0 < share < weights.remedy.min_answer
    relevance = np.zeros(len(matcher.smes))
    relevance[warner] = 0.3
    # Alone (the best relevance), the warner answers exactly its share of the ask.
    assert math.isclose(matcher.remedies.answer(need, [warner], relevance), share)


def test_a_less_relevant_seller_answers_in_proportion_to_its_relevance(
    with_remedies: Catalogue, weights: Weights
) -> None:
    """A firm that sells the whole remedy but is a third as much about the need as the
    closest one is a third of an answer: side candidates cannot vouch for a need."""
    text = "Necesitamos alertas tempranas y sensores de nivel del río."
    catalogue = dataclasses.replace(with_remedies, needs=(*with_remedies.needs, flood_need(text)))
    matcher = Matcher(catalogue, weights)
    need = next(i for i, n in enumerate(matcher.needs) if n.id == "cl-huasco-inundaciones")
    coverage = matcher.remedies.coverage(need)
    seller = int(np.argmax(coverage))
    other = next(j for j in range(len(matcher.smes)) if coverage[j] == 0)
    assert coverage[seller] == 1.0
    relevance = np.zeros(len(matcher.smes))
    relevance[[seller, other]] = 0.1, 0.3
    assert math.isclose(matcher.remedies.answer(need, [seller, other], relevance), 1 / 3)
    relevance[[seller, other]] = 0.3, 0.1
    assert matcher.remedies.answer(need, [seller, other], relevance) == 1.0
    assert matcher.remedies.answer(need, [], relevance) == 1.0  # nobody close: not this rule
