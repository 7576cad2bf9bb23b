"""Hostile and odd files read as missions: clear problems or a mission, never a traceback."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from gssc_match.catalogue.loader import Catalogue
from gssc_match.errors import CatalogueError
from gssc_match.planning.load import load_mission

YAML_TEST_SUITE = Path(__file__).resolve().parents[3] / "shared" / "yaml-test-suite"
CORPUS = sorted(YAML_TEST_SUITE.glob("*.yaml")) if YAML_TEST_SUITE.is_dir() else []
PROBLEM_LINE = re.compile(r"^[^\n]+:\d+:\d+: (error|warning): [^\n]+ \([a-z-]+\)$")


def _problems(path: Path, mini: Catalogue) -> list[str]:
    try:
        load_mission(path, mini)
    except CatalogueError as exc:
        return [p.render() for p in exc.problems]
    return []


@pytest.mark.skipif(not CORPUS, reason=f"{YAML_TEST_SUITE} is not present")
def test_the_yaml_test_suite_as_missions(mini: Catalogue) -> None:
    for path in CORPUS:
        lines = _problems(path, mini)
        assert lines, path.name  # none of them is a mission
        assert all(PROBLEM_LINE.match(line) for line in lines), (path.name, lines)


HOSTILE = {
    "alias-bomb": 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n',
    "python-tag": "id: !!python/object/apply:os.system ['echo hi']\n",
    "deep": "[" * 100_000,
    "two-documents": "id: a\n---\nid: b\n",
    "session-times-as-numbers": (
        "id: m\ntitle: T\ncountry: chile\ntimezone: America/Santiago\nmeeting_minutes: 20\n"
        "sessions: [{date: 2027-03-10, start: 900, end: 1200}]\n"
        "delegations: [{id: d, name: D, needs: [cl-temuco-residuos-organicos]}]\n"
    ),
    "timezone-path": (
        "id: m\ntitle: T\ncountry: chile\ntimezone: /etc/localtime\nmeeting_minutes: 20\n"
        "sessions: [{date: 2027-03-10, start: '09:00', end: '12:00'}]\n"
        "delegations: [{id: d, name: D, needs: [cl-temuco-residuos-organicos]}]\n"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_missions_are_refused_with_a_place(
    name: str, tmp_path: Path, mini: Catalogue
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    lines = _problems(path, mini)
    assert lines
    assert all(PROBLEM_LINE.match(line) for line in lines), lines


def test_a_mission_that_is_a_pipe_or_a_folder(tmp_path: Path, mini: Catalogue) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert "not a regular file" in _problems(pipe, mini)[0]
    assert "is a directory" in _problems(folder, mini)[0]
