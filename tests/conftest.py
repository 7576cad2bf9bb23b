"""Shared fixtures: the small test catalogue under tests/fixtures/mini/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gssc_match.api import open_catalogue
from gssc_match.catalogue.loader import Catalogue

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="session")
def mini_path() -> Path:
    """The folder of the test catalogue (read-only: copy it before changing anything)."""
    return MINI


@pytest.fixture(scope="session")
def mini(mini_path: Path) -> Catalogue:
    """The test catalogue, loaded once."""
    return open_catalogue(mini_path)


@pytest.fixture
def mini_copy(tmp_path: Path, mini_path: Path) -> Path:
    """A private copy of the test catalogue that a test may change."""
    target = tmp_path / "mini"
    shutil.copytree(mini_path, target)
    return target


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a catalogue, weights or date from the developer's environment."""
    for name in ("GSSC_MATCH_DATA", "GSSC_MATCH_WEIGHTS", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
