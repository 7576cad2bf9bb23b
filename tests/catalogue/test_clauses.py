from __future__ import annotations

from gssc_match.api import open_catalogue
from gssc_match.catalogue.clauses import request_clauses
from gssc_match.catalogue.models import Need
from gssc_match.catalogue.taxonomy import Taxonomy


def _need(description: str, language: str = "en") -> Need:
    return Need.model_validate(
        {
            "id": "cv-test-need",
            "country": "cape-verde",
            "city": "Praia",
            "title": "A test need",
            "description": description,
            "language": language,
            "tags": [],
            "priority": "high",
        }
    )


def _bundled() -> Taxonomy:
    return open_catalogue().taxonomy


def test_a_request_is_cut_at_punctuation_and_the_word_for_and() -> None:
    need = _need(
        "Our harbour loses fish to the heat. We need solar cold storage for the "
        "cooperative; remote temperature alarms, and a small ice plant near the quay."
    )
    texts = [c.text for c in request_clauses(need, _bundled())]
    assert texts == [
        "We need solar cold storage for the cooperative",
        "remote temperature alarms",
        "a small ice plant near the quay",
    ]


def test_the_story_before_the_request_word_is_no_part() -> None:
    need = _need("The old landfill burns every summer and smoke reaches the schools.")
    assert request_clauses(need, _bundled()) == ()


def test_the_words_are_those_of_the_needs_language() -> None:
    need = _need(
        "Necesitamos sensores de calidad del aire en las escuelas y pinturas que "
        "descompongan los contaminantes en sus muros.",
        language="es",
    )
    clauses = request_clauses(need, _bundled())
    assert [c.text for c in clauses] == [
        "Necesitamos sensores de calidad del aire en las escuelas",
        "pinturas que descompongan los contaminantes en sus muros",
    ]
    assert all(len(c.stems) >= 2 for c in clauses)


def test_a_clause_of_one_content_word_is_a_fragment_not_a_part() -> None:
    need = _need("We need leak detection on the old network, quickly.")
    assert [c.text for c in request_clauses(need, _bundled())] == [
        "We need leak detection on the old network"
    ]


def test_without_conjunctions_in_the_taxonomy_there_are_no_clauses() -> None:
    taxonomy = _bundled()
    remedies = taxonomy.source.remedies
    assert remedies is not None and remedies.conjunctions is not None
    bare = Taxonomy(
        taxonomy.source.model_copy(
            update={"remedies": remedies.model_copy(update={"conjunctions": None})}
        ),
        taxonomy.path,
    )
    need = _need("We need solar cold storage, remote temperature alarms and an ice plant.")
    assert request_clauses(need, bare) == ()


def test_a_negated_request_word_asks_for_nothing() -> None:
    need = _need(
        "Não precisamos de contadores nem de outro sistema; precisamos de um mecanismo "
        "de financiamento e de canalizadores para fazer as ligações.",
        language="pt",
    )
    assert [c.text for c in request_clauses(need, _bundled())] == [
        "precisamos de um mecanismo de financiamento",
        "de canalizadores para fazer as ligações",
    ]


def test_place_names_are_no_content_of_a_clause() -> None:
    need = _need(
        "Precisamos de aumentar a capacidade de frio e de gelo barato em Cabo Verde, que paga a "
        "eletricidade mais cara de África.",
        language="pt",
    )
    clauses = request_clauses(need, _bundled())
    assert clauses
    assert all("verd" not in s and "cab" not in s for c in clauses for s in c.stems)
    assert any("Cabo Verde" in c.text for c in clauses)  # the text stays the need's own
