"""Team rows and files: the JSON fields the issue lists, flat CSV/XLSX/Markdown, safe writes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from gssc_match.cli import app
from gssc_match.outputs.team_rows import TEAM_COLUMNS

TWO_PART_NEED = (Path(__file__).parents[1] / "matching" / "test_teams.py").read_text(
    encoding="utf-8"
)
NEED_TEXT = TWO_PART_NEED.split('TWO_PART_NEED = """\\\n')[1].split('"""')[0]
NEED_ID = "cv-mindelo-agua-e-fugas"
ISSUE_FIELDS = {
    "need_id",
    "country",
    "city",
    "team_rank",
    "sme_ids",
    "sme_names",
    "clusters",
    "score",
    "coverage",
    "relevance",
    "overlap",
    "best_single_sme_id",
    "best_single_score",
    "members",
    "uncovered",
    "reason",
}


@pytest.fixture
def catalogue(mini_copy: Path) -> Path:
    (mini_copy / "needs" / "cape-verde" / f"{NEED_ID}.yaml").write_text(NEED_TEXT, encoding="utf-8")
    return mini_copy


def invoke(data: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["teams", *args, "--data", str(data)], env={"COLUMNS": "200"})


def json_rows(data: Path, *args: str) -> list[dict[str, Any]]:
    result = invoke(data, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"about", "rows"}
    rows: list[dict[str, Any]] = document["rows"]
    return rows


def test_json_rows_carry_the_issue_fields(catalogue: Path) -> None:
    rows = json_rows(catalogue)
    assert rows and all(set(row) >= ISSUE_FIELDS for row in rows)
    team = next(r for r in rows if r["need_id"] == NEED_ID)
    assert team["team_rank"] == 1
    assert sorted(team["sme_ids"]) == ["brine-less", "fuga-cero"]
    assert len(team["sme_names"]) == len(team["clusters"]) == 2
    assert team["score"] == pytest.approx(
        0.6 * team["coverage"] + 0.4 * team["relevance"] - 0.2 * team["overlap"], abs=2e-4
    )
    for member in team["members"]:
        assert member["sme_id"] in team["sme_ids"]
        assert member["parts"] and all(p["words"] for p in member["parts"])
    assert team["best_single_sme_id"] in {"brine-less", "fuga-cero"}
    assert team["score"] > team["best_single_score"]


def test_a_need_without_a_team_is_one_row_with_its_reason(catalogue: Path) -> None:
    rows = json_rows(catalogue, "--need", "cl-temuco-residuos-organicos")
    assert len(rows) == 1
    row = rows[0]
    assert row["sme_ids"] == [] and row["team_rank"] is None and row["members"] == []
    assert row["best_single_sme_id"] == "humus-comune"
    assert "alone covers every part" in row["reason"]


def test_csv_has_every_column_flat(catalogue: Path) -> None:
    result = invoke(catalogue, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == TEAM_COLUMNS
    team = next(r for r in rows if r["need_id"] == NEED_ID)
    assert set(team["sme_ids"].split("; ")) == {"brine-less", "fuga-cero"}
    assert "brine-less: Desalination" in team["members"]


def test_the_table_explains_each_team(catalogue: Path) -> None:
    result = invoke(catalogue, "--need", NEED_ID)
    assert result.exit_code == 0, result.output
    for text in ("parts:", "best single SME", "Brineless", "Fuga Cero", "+cov", "-ovl"):
        assert text in result.stdout


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".md"])
def test_out_writes_every_format_from_the_same_rows(catalogue: Path, suffix: str) -> None:
    out = catalogue.parent / f"teams{suffix}"
    result = invoke(catalogue, "--out", str(out))
    assert result.exit_code == 0, result.output
    shown = json_rows(catalogue)
    if suffix == ".json":
        assert json.loads(out.read_text(encoding="utf-8"))["rows"] == shown
    elif suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert [r["need_id"] for r in rows] == [r["need_id"] for r in shown]
    elif suffix == ".xlsx":
        sheet = openpyxl.load_workbook(out).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0] == TEAM_COLUMNS and len(values) == len(shown) + 1
        assert sheet.title == "teams"
        no_team = openpyxl.load_workbook(out)["no team"]
        listed = [r[0] for r in list(no_team.iter_rows(values_only=True))[1:]]
        assert listed == [r["need_id"] for r in shown if not r["sme_ids"]]
        assert listed and NEED_ID not in listed
    else:
        text = out.read_text(encoding="utf-8")
        assert text.startswith("# Teams") and NEED_ID in text


def test_out_never_overwrites_without_force(catalogue: Path) -> None:
    out = catalogue.parent / "teams.csv"
    out.write_text("last week's list", encoding="utf-8")
    result = invoke(catalogue, "--out", str(out))
    assert result.exit_code == 1 and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "last week's list"
    assert invoke(catalogue, "--out", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8-sig").startswith('"need_id"')


def test_out_never_writes_over_an_input_file(catalogue: Path) -> None:
    target = catalogue / "smes" / "brine-less.yaml"
    before = target.read_bytes()
    result = invoke(catalogue, "--out", str(target.with_suffix(".csv")))
    assert result.exit_code == 0
    result = invoke(catalogue, "--out", str(target), "--force")
    assert result.exit_code != 0
    assert target.read_bytes() == before


def test_csv_cells_that_look_like_formulas_are_neutralised(catalogue: Path) -> None:
    sme = catalogue / "smes" / "fuga-cero.yaml"
    sme.write_text(
        sme.read_text(encoding="utf-8").replace(
            "tags: [detección de fugas", "tags: ['=HYPERLINK(1)', detección de fugas"
        ),
        encoding="utf-8",
    )
    out = catalogue.parent / "teams.csv"
    assert invoke(catalogue, "--out", str(out), "--delimiter", ";").exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_same_inputs_same_bytes(catalogue: Path) -> None:
    first, second = invoke(catalogue, "--format", "json"), invoke(catalogue, "--format", "json")
    assert first.stdout == second.stdout


@pytest.mark.parametrize(
    "args", [["--size", "1"], ["--size", "4"], ["--top", "0"], ["--delimiter", "ab"]]
)
def test_bad_options_are_usage_errors(catalogue: Path, args: list[str]) -> None:
    assert invoke(catalogue, *args).exit_code == 2


def test_semicolon_csv_writes_decimal_commas(catalogue: Path) -> None:
    out = catalogue.parent / "teams.csv"
    assert invoke(catalogue, "--out", str(out), "--delimiter", ";").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    team = next(r for r in rows if r["need_id"] == NEED_ID)
    assert "," in team["score"] and "." not in team["score"]
    assert float(team["score"].replace(",", ".")) > 0


def test_catalogue_text_is_never_read_as_rich_markup(catalogue: Path) -> None:
    sme = catalogue / "smes" / "brine-less.yaml"
    sme.write_text(
        sme.read_text(encoding="utf-8").replace(
            "name: Brineless Desalination Ltd", "name: Brineless [red]Desalination[/red] Ltd"
        ),
        encoding="utf-8",
    )
    result = invoke(catalogue, "--need", NEED_ID)
    assert result.exit_code == 0, result.output
    assert "Brineless [red]Desalination[/red] Ltd" in result.stdout
