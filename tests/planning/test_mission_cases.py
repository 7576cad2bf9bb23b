"""Bad mission files: each gives its exact problem lines with line and column, and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gssc_match.cli import app

CASES = Path(__file__).parent / "cases"
MINI = Path(__file__).parents[1] / "fixtures" / "mini"
FILES = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("case", FILES, ids=lambda p: p.stem)
def test_bad_mission(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)
    result = CliRunner().invoke(app, ["plan", "--mission", case.name, "--data", str(MINI)])
    assert result.exit_code == 1
    assert result.stdout == ""
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert result.stderr.splitlines() == expected


def test_every_case_has_its_lines() -> None:
    assert FILES
    assert all(f.with_suffix(".expected").exists() for f in FILES)


REQUIRED = {
    "unknown-ids": "unknown need",
    "need-of-another-country": "is a need of vietnam, not of chile",
    "unknown-timezone": "unknown time zone",
    "session-end-before-start": "not after it starts",
    "sessions-overlap": "overlaps session 1",
    "meeting-longer-than-session": "shorter than one meeting",
    "pin-and-block": "both pinned",
    "negative-cap": "'delegations[1].max_meetings' must be a whole number",
    "clock-change": "never happens",
}


@pytest.mark.parametrize(("stem", "words"), sorted(REQUIRED.items()))
def test_the_issue_list_of_mistakes_is_covered(stem: str, words: str) -> None:
    assert words in (CASES / f"{stem}.expected").read_text(encoding="utf-8")
