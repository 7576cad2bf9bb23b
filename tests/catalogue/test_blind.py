"""Records the taxonomy cannot read: no concept, or concepts only of another pillar."""

from __future__ import annotations

from gssc_match.catalogue.blind import blind_spot
from gssc_match.catalogue.loader import Catalogue


def test_a_record_with_concepts_is_seen(mini: Catalogue) -> None:
    assert blind_spot(mini.taxonomy, ["bombeo solar"], ["Kits de bombeo solar"]) is None


def test_no_concept_anywhere(mini: Catalogue) -> None:
    why = blind_spot(mini.taxonomy, ["drones"], ["Drone flights over roofs."])
    assert why is not None
    assert why.startswith("no taxonomy concept") and "gssc-match taxonomy gaps" in why


def test_text_only_in_another_pillar_than_the_tags(mini: Catalogue) -> None:
    why = blind_spot(mini.taxonomy, ["bombeo solar"], ["We cut water losses in old pipes."])
    assert why is not None
    assert "'Energy'" in why and "'Water'" in why


def test_text_in_the_tags_pillar_too_is_seen(mini: Catalogue) -> None:
    text = ["Solar pumping against water losses."]
    assert blind_spot(mini.taxonomy, ["bombeo solar"], text) is None


def test_tags_without_concepts_suggest_no_pillar(mini: Catalogue) -> None:
    assert blind_spot(mini.taxonomy, ["drones"], ["We cut water losses."]) is None
