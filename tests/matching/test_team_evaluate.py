"""evaluate --teams: judged parts, located errors, our top team beside rank's top 2 and 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gssc_match.api import open_catalogue
from gssc_match.cli import app
from gssc_match.errors import CatalogueError
from gssc_match.matching.team_evaluate import TeamJudgment, load_team_judgments, measure

NEED_FILE = Path(__file__).with_name("test_teams.py").read_text(encoding="utf-8")
NEED_TEXT = NEED_FILE.split('TWO_PART_NEED = """\\\n')[1].split('"""')[0]
NEED_ID = "cv-mindelo-agua-e-fugas"
JUDGED = f"""\
{NEED_ID}:
  why: Brineless builds the plant, Fuga Cero finds the leaks.
  parts:
    - name: a new reverse osmosis plant
      smes: [brine-less]
    - name: leak detection on the old network
      smes: [fuga-cero]
cl-temuco-residuos-organicos:
  why: Humus Comune does the whole job.
  parts:
    - name: composting the organic fraction
      smes: [humus-comune]
"""


@pytest.fixture
def catalogue(mini_copy: Path) -> Path:
    (mini_copy / "needs" / "cape-verde" / f"{NEED_ID}.yaml").write_text(NEED_TEXT, encoding="utf-8")
    (mini_copy / "team-judgments.yaml").write_text(JUDGED, encoding="utf-8")
    return mini_copy


def evaluate(data: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["evaluate", "--teams", *args, "--data", str(data)])


def judgment(*parts: list[str]) -> TeamJudgment:
    return TeamJudgment.model_validate(
        {"why": "x", "parts": [{"name": f"p{i}", "smes": p} for i, p in enumerate(parts)]}
    )


@pytest.mark.parametrize(
    ("members", "coverage", "precision"),
    [
        (["a", "b"], 1.0, 1.0),
        (["a"], 0.5, 1.0),
        (["a", "c"], 0.5, 0.5),
        (["c", "d", "a"], 0.5, 1 / 3),
        ([], 0.0, 0.0),
    ],
)
def test_measure(members: list[str], coverage: float, precision: float) -> None:
    judged = judgment(["a", "x"], ["b"])
    assert measure(members, judged) == pytest.approx((coverage, precision))


def test_a_part_nobody_can_provide_still_counts() -> None:
    assert measure(["a"], judgment(["a"], [])) == pytest.approx((0.5, 1.0))


def test_the_report_puts_our_team_beside_rank(catalogue: Path) -> None:
    result = evaluate(catalogue, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    systems = {s["system"]: s for s in report["systems"]}
    assert set(systems) == {"teams", "rank top-2", "rank top-3"}
    ours = {n["need_id"]: n for n in report["needs"] if n["system"] == "teams"}
    assert sorted(ours[NEED_ID]["sme_ids"]) == ["brine-less", "fuga-cero"]
    assert ours[NEED_ID]["coverage"] == ours[NEED_ID]["precision"] == 1.0
    assert ours["cl-temuco-residuos-organicos"]["sme_ids"] == ["humus-comune"]
    assert systems["teams"]["precision"] >= systems["rank top-3"]["precision"]


def test_the_text_report(catalogue: Path) -> None:
    result = evaluate(catalogue)
    assert result.exit_code == 0, result.output
    assert "part coverage" in result.stdout and "rank top-3" in result.stdout


def test_unknown_ids_are_reported_with_their_place(catalogue: Path) -> None:
    bad = JUDGED.replace("[fuga-cero]", "[fuga-cero, fuga-zero]").replace(
        "cl-temuco-residuos-organicos:", "cl-temuco-nowhere:"
    )
    (catalogue / "team-judgments.yaml").write_text(bad, encoding="utf-8")
    result = evaluate(catalogue)
    assert result.exit_code == 1
    assert "team-judgments.yaml:7:25: error: unknown SME 'fuga-zero'" in result.output
    assert "team-judgments.yaml:8:1: error: unknown need 'cl-temuco-nowhere'" in result.output


def test_a_misspelled_key_is_located(catalogue: Path) -> None:
    bad = JUDGED.replace("      smes: [humus-comune]", "      sme: [humus-comune]")
    path = catalogue / "elsewhere.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_team_judgments(path, open_catalogue(catalogue))
    rendered = [p.render() for p in caught.value.problems]
    assert any(":12:7: error: unknown field 'sme'" in line for line in rendered)


def test_a_missing_judgments_file_is_a_usage_error(mini_copy: Path) -> None:
    assert evaluate(mini_copy).exit_code == 2


def test_validate_recognises_a_team_judgments_file(catalogue: Path) -> None:
    path = catalogue / "team-judgments.yaml"
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    path.write_text(JUDGED.replace("  why:", "  wy:", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "team-judgments.yaml:2:3: error: unknown field 'wy'" in result.output


FIXTURES = Path(__file__).parents[1] / "fixtures" / "teams"
REALSET = Path(__file__).parents[2].parent / "shared" / "realset"


def test_the_development_judgments_fit_the_bundled_catalogue() -> None:
    judged = load_team_judgments(FIXTURES / "bundled-team-judgments.yaml", open_catalogue())
    assert len(judged) >= 12
    assert all(j.parts for j in judged.values())


@pytest.mark.skipif(not REALSET.is_dir(), reason="the real-firm set lives outside the repo")
def test_the_realset_judgments_fit_the_realset() -> None:
    docs = Path(__file__).parents[2] / "docs" / "realset" / "team-judgments.yaml"
    assert len(load_team_judgments(docs, open_catalogue(REALSET))) >= 6


HOSTILE = sorted((Path(__file__).parents[1] / "cases" / "bad" / "smes").glob("*.yaml"))


@pytest.mark.parametrize("path", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_a_hostile_team_judgments_file_is_reported_never_a_crash(
    mini_path: Path, path: Path
) -> None:
    result = CliRunner().invoke(
        app, ["evaluate", "--teams", "--team-judgments", str(path), "--data", str(mini_path)]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the team judgments file has" in result.output
    assert "Traceback" not in result.output
