"""Remedy kinds: what a need asks to be done and what an SME offers, in any language."""

from __future__ import annotations

from pathlib import Path

import pytest

from gssc_match.catalogue.loader import bundled_data, load_taxonomy, taxonomy_path
from gssc_match.catalogue.models import Need, Sme
from gssc_match.catalogue.remedies import ASIDE, remedies_of
from gssc_match.catalogue.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def bundled() -> Taxonomy:
    taxonomy, problems = load_taxonomy(taxonomy_path(bundled_data()))
    assert taxonomy is not None, problems
    return taxonomy


def need(description: str, language: str = "en", title: str = "A town problem") -> Need:
    return Need.model_validate(
        {
            "id": "n",
            "country": "chile",
            "city": "Arica",
            "title": title,
            "description": description,
            "language": language,
            "priority": "low",
        }
    )


def sme(offerings: list[str], description: str = "A company.") -> Sme:
    return Sme.model_validate(
        {
            "id": "s",
            "name": "S",
            "country": "PL",
            "cluster": "ict",
            "description": description,
            "offerings": offerings,
            "languages": ["en"],
        }
    )


def asked(taxonomy: Taxonomy, text: str, language: str = "en") -> set[str]:
    return set(remedies_of(need(text, language), taxonomy).kinds)


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("The river needs new dykes and retaining walls", "en", "build"),
        ("Buscamos financiamiento para la planta", "es", "finance"),
        ("Precisamos de sensores no rio", "pt", "monitor"),  # Portuguese 'no' is 'in the'
        ("Cần tái định cư cho 500 hộ dân", "vi", "land"),
        ("Serve la formazione del personale comunale", "it", "train"),
        ("Potrzebna jest nowa uchwała rady gminy", "pl", "regulate"),
    ],
)
def test_a_need_asks_for_a_kind_in_any_language(
    bundled: Taxonomy, text: str, language: str, kind: str
) -> None:
    assert kind in asked(bundled, text, language)


def test_a_negated_cue_is_not_asked(bundled: Taxonomy) -> None:
    kinds = asked(bundled, "No buscamos sensores ni sistemas de alerta. Faltan muros.", "es")
    assert "monitor" not in kinds
    assert "build" in kinds


def test_a_contrast_word_ends_the_negation(bundled: Taxonomy) -> None:
    kinds = asked(bundled, "What we need is not more sensors but a change in the law.")
    assert kinds == {"regulate"}


def test_a_done_phrase_cancels_its_whole_clause(bundled: Taxonomy) -> None:
    text = "El sistema de alerta temprana ya existe; necesitamos financiamiento."
    assert asked(bundled, text, "es") == {"finance"}


def test_negations_of_another_language_do_not_apply(bundled: Taxonomy) -> None:
    # 'no' negates in Spanish and English but means 'in the' in Portuguese.
    assert "monitor" not in asked(bundled, "No sensores en el río.", "es")
    assert "monitor" in asked(bundled, "Sensores no rio.", "pt")


def test_the_title_counts_more_than_the_description(bundled: Taxonomy) -> None:
    profile = remedies_of(need("We want monitoring.", title="Build new dykes"), bundled)
    assert profile.weight("build") > profile.weight("monitor") > 0


def test_an_sme_offers_what_its_offerings_say_not_what_its_product_is_for(
    bundled: Taxonomy,
) -> None:
    profile = remedies_of(
        sme(["Flood early-warning sirens"], "Our sirens protect towns behind seawalls."),
        bundled,
    )
    assert profile.kinds == {"monitor"}
    assert profile.hits[0].words == ("early warning",)


def test_remedies_are_reported_in_the_record_s_own_words(bundled: Taxonomy) -> None:
    profile = remedies_of(sme(["Desalinización por ósmosis inversa"]), bundled)
    assert profile.kinds == {"treat"}
    assert profile.hits[0].words == ("Desalinización", "ósmosis inversa")


def test_a_taxonomy_without_remedies_finds_none(mini_path: Path) -> None:
    taxonomy, problems = load_taxonomy(taxonomy_path(mini_path))
    assert taxonomy is not None, problems
    assert taxonomy.source.remedies is None
    assert not remedies_of(need("We need new dykes and funding"), taxonomy).hits


def test_a_misspelled_remedies_key_is_a_located_problem(tmp_path: Path, mini_path: Path) -> None:
    text = taxonomy_path(mini_path).read_text(encoding="utf-8")
    bad = text + "remedies:\n  negation: {}\n"
    path = tmp_path / "taxonomy.yaml"
    path.write_text(bad, encoding="utf-8")
    taxonomy, problems = load_taxonomy(path)
    assert taxonomy is None
    line = len(text.splitlines()) + 2
    assert any(p.line == line and "negation" in str(p) for p in problems), problems


def test_a_cue_before_the_request_is_the_need_s_story(bundled: Taxonomy) -> None:
    text = "Our plants treat half of the wastewater. We need sewer connections and a loan."
    profile = remedies_of(need(text), bundled)
    assert profile.weight("treat") == pytest.approx(ASIDE)
    assert profile.weight("build") == profile.weight("finance") == 1.0


def test_a_request_covers_its_sentence_across_a_colon(bundled: Taxonomy) -> None:
    profile = remedies_of(need("Lo que nos falta: muros y diques.", "es"), bundled)
    assert profile.weight("build") == 2.0
    assert remedies_of(need("Muros y diques.", "es"), bundled).weight("build") == 2 * ASIDE


def test_a_remedy_kind_id_used_twice_is_a_located_problem(tmp_path: Path) -> None:
    text = taxonomy_path(bundled_data()).read_text(encoding="utf-8")
    doubled = text.replace("    - id: treat\n", "    - id: monitor\n", 1)
    path = tmp_path / "taxonomy.yaml"
    path.write_text(doubled, encoding="utf-8")
    taxonomy, problems = load_taxonomy(path)
    assert taxonomy is None
    line = text.splitlines().index("    - id: treat") + 1
    assert [(p.line, "used twice" in str(p)) for p in problems] == [(line, True)]
