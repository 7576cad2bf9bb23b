"""Finding taxonomy concepts in text and tags, in all six languages."""

from __future__ import annotations

import pytest

from gssc_match.catalogue.concepts import ConceptHit, ConceptIndex
from gssc_match.catalogue.loader import Catalogue


@pytest.fixture(scope="module")
def index(mini: Catalogue) -> ConceptIndex:
    return ConceptIndex(mini.taxonomy)


@pytest.mark.parametrize(
    ("text", "concept", "surface"),
    [
        ("We need leak detection in old pipes", "water-losses", "leak detection"),
        ("Buscamos desalinización por ósmosis inversa", "desalination", "desalinización"),
        ("A central de dessalinização é antiga", "desalination", "dessalinização"),
        ("Hệ thống cảnh báo lũ sớm cho sông Hương", "flood-warning", "cảnh báo lũ"),
        ("raccolta porta a porta dei rifiuti organici", "composting", "rifiuti organici"),
        ("Wykrywanie wycieków w sieci", "water-losses", "Wykrywanie wycieków"),
        ("Instalamos paneles solares", "photovoltaics", "paneles solares"),
        ("one solar panel on the roof", "photovoltaics", "solar panel"),
    ],
)
def test_find_names_concepts_in_any_language(
    index: ConceptIndex, text: str, concept: str, surface: str
) -> None:
    assert ConceptHit(concept, surface) in index.find(text)


def test_find_prefers_the_longest_phrase(index: ConceptIndex) -> None:
    assert index.find("odsalanie wody morskiej") == [
        ConceptHit("desalination", "odsalanie wody morskiej")
    ]


def test_find_reports_every_mention_in_order(index: ConceptIndex) -> None:
    hits = index.find("Desalinización por ósmosis inversa y detección de fugas")
    assert [h.concept_id for h in hits] == ["desalination", "desalination", "water-losses"]


def test_find_nothing_in_unrelated_text(index: ConceptIndex) -> None:
    assert index.find("Apprenticeships for traditional lantern makers") == []


@pytest.mark.parametrize(
    ("text", "concept"), [("PV array of 40 kW", "photovoltaics"), ("SWRO plant", "desalination")]
)
def test_abbreviations_match_in_capitals(index: ConceptIndex, text: str, concept: str) -> None:
    assert index.find(text) == [ConceptHit(concept, text.split()[0])]


@pytest.mark.parametrize("text", ["pv array of 40 kW", "a swro plant", "Pv array"])
def test_abbreviations_are_case_sensitive(index: ConceptIndex, text: str) -> None:
    assert index.find(text) == []


@pytest.mark.parametrize(
    ("tag", "concept", "meant"),
    [
        ("fotowlotaika", "photovoltaics", "fotowoltaika"),
        ("kompsotowanie", "composting", "kompostowanie"),
        ("desalniation", "desalination", "desalination"),
        ("leak detektion", "water-losses", "leak detection"),
    ],
)
def test_tags_with_typos_match_fuzzily(
    index: ConceptIndex, tag: str, concept: str, meant: str
) -> None:
    assert index.find(tag) == []  # running text is never matched fuzzily
    assert index.match_tag(tag) == [ConceptHit(concept, tag)]
    assert index.suggest(tag) == meant


@pytest.mark.parametrize("tag", ["xyzzy", "heritage crafts", "pv", "ab"])
def test_unrelated_or_short_tags_match_nothing(index: ConceptIndex, tag: str) -> None:
    assert index.match_tag(tag) == []


def test_exact_tags_need_no_fuzzy_match(index: ConceptIndex) -> None:
    assert index.match_tag("PV") == [ConceptHit("photovoltaics", "PV")]
    assert [h.concept_id for h in index.match_tag("Qualità dell'aria")] == ["air-quality"]
