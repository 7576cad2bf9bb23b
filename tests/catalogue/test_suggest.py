"""Did-you-mean hints: close spellings are named, loose look-alikes are not."""

from __future__ import annotations

import pytest

from gssc_match.catalogue.suggest import did_you_mean

CITIES = ["Hanga Roa (Rapa Nui)", "Hội An", "Valparaíso", "Đà Lạt"]


@pytest.mark.parametrize(
    ("given", "choices", "expected"),
    [
        ("Hanga Roa", CITIES, "did you mean 'Hanga Roa (Rapa Nui)'?"),
        ("Valparaso", CITIES, "did you mean 'Valparaíso'?"),
        ("DA LAT", CITIES, "did you mean 'Đà Lạt'?"),
        ("salobre", ["salobre-modular", "candil-solar"], "did you mean 'salobre-modular'?"),
        ("Lima", CITIES, "choose one of: Hanga Roa (Rapa Nui), Hội An, Valparaíso, Đà Lạt"),
        ("zz", [f"city-{i:02}" for i in range(20)], "closest: city-00, city-01, city-02"),
    ],
)
def test_did_you_mean(given: str, choices: list[str], expected: str) -> None:
    assert did_you_mean(given, choices) == expected
