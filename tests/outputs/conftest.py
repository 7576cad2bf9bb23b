"""A catalogue with hostile text, shared by the page tests (plain and in a browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HOSTILE_NAME = "<script>alert(1)</script>"

HOSTILE_SME = """\
id: hostile-name
name: "<script>alert(1)</script>"
country: MT
cluster: water
description: >-
  Desalination plants and leak detection for water networks in dry islands: reverse
  osmosis with solar power. </script><script>alert(2)</script> & "quotes" cost $5 or
  $10 per m3 and <b>bold</b> claims.
offerings:
  - "Reverse osmosis desalination </textarea> units"
tags: [desalination, water leaks, "$x^2$"]
languages: [en]
markets: [CV]
trl: 7
website: https://example.com/a?b=1&c=<2>
"""


@pytest.fixture(scope="session")
def hostile_path(tmp_path_factory: pytest.TempPathFactory, mini_path: Path) -> Path:
    """The test catalogue plus an SME whose every text tries to break out of HTML, JSON
    or matplotlib's mathtext."""
    root = tmp_path_factory.mktemp("hostile") / "mini"
    shutil.copytree(mini_path, root)
    (root / "smes" / "hostile-name.yaml").write_text(HOSTILE_SME, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def hostile_name() -> str:
    return HOSTILE_NAME
