"""`rank` options as users type them: folded values, did-you-mean, priority, the reverse view."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from gssc_match.cli import app

BELOW = ("brine-less", "vn-hoi-an-lantern-crafts")  # a pair under the relevance threshold


def rank(mini_path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["rank", "--data", str(mini_path), *args], env={"COLUMNS": "250"}
    )


def rows(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)["rows"]
    return found


def need_ids(result: Result) -> list[str]:
    return list(dict.fromkeys(r["need_id"] for r in rows(result)))


# -- values are folded like country names; a value that names nothing is a usage error --


@pytest.mark.parametrize("spelling", ["Huế", "hue", " HUE ", "Hu\u0065\u0302\u0301"])
def test_city_is_trimmed_and_folded(mini_path: Path, spelling: str) -> None:
    result = rank(mini_path, "--city", spelling, "--format", "json")
    assert need_ids(result) == ["vn-hue-canh-bao-lu"]


def test_a_city_with_spaces_and_accents(mini_path: Path) -> None:
    result = rank(mini_path, "--city", "hoi an ", "--format", "json")
    assert need_ids(result) == ["vn-hoi-an-lantern-crafts"]


def test_an_unknown_city_is_a_usage_error_with_a_hint(mini_path: Path) -> None:
    result = rank(mini_path, "--city", "Hanga Roa")
    assert result.exit_code == 2
    assert "no need is in a city called 'Hanga Roa'" in result.stderr
    assert "Valparaíso" in result.stderr
    typo = rank(mini_path, "--city", "Valparaso")
    assert typo.exit_code == 2
    assert "did you mean 'Valparaíso'?" in typo.stderr


def test_a_city_of_another_country_is_a_usage_error(mini_path: Path) -> None:
    result = rank(mini_path, "--city", "Huế", "--country", "chile")
    assert result.exit_code == 2
    assert "the needs of Huế are in vietnam, not in chile" in result.stderr


def test_an_unknown_need_is_a_usage_error_with_a_hint(mini_path: Path) -> None:
    result = rank(mini_path, "--need", "cl-valparaiso-perdidas-agu")
    assert result.exit_code == 2
    assert "did you mean 'cl-valparaiso-perdidas-agua'?" in result.stderr
    spaced = rank(mini_path, "--need", " cl-valparaiso-perdidas-agua ", "--format", "json")
    assert need_ids(spaced) == ["cl-valparaiso-perdidas-agua"]


@pytest.mark.parametrize("spelling", ["Water", "WATER", " water"])
def test_cluster_by_any_spelling(mini_path: Path, spelling: str) -> None:
    expected = rows(rank(mini_path, "--cluster", "water", "--format", "json"))
    assert rows(rank(mini_path, "--cluster", spelling, "--format", "json")) == expected
    assert {r["cluster"] for r in expected} <= {"water", None}


def test_cluster_by_its_name(mini_path: Path) -> None:
    by_name = rows(rank(mini_path, "--cluster", "Nanotechnology", "--format", "json"))
    assert by_name == rows(rank(mini_path, "--cluster", "nano", "--format", "json"))


def test_an_unknown_cluster_gets_a_hint(mini_path: Path) -> None:
    result = rank(mini_path, "--cluster", "watr")
    assert result.exit_code == 2
    assert "unknown cluster 'watr'; did you mean 'water'?" in result.stderr


# -- priority ----------------------------------------------------------------------------


def test_needs_come_by_priority_then_id(mini_path: Path) -> None:
    assert need_ids(rank(mini_path, "--format", "json")) == [
        "cl-valparaiso-perdidas-agua",
        "cv-sal-dessalinizacao",
        "vn-hue-canh-bao-lu",
        "cl-temuco-residuos-organicos",
        "cv-praia-servicos-online",
        "vn-hoi-an-lantern-crafts",
    ]


def test_priority_filter(mini_path: Path) -> None:
    high = need_ids(rank(mini_path, "--priority", "high", "--format", "json"))
    assert high == ["cl-valparaiso-perdidas-agua", "cv-sal-dessalinizacao", "vn-hue-canh-bao-lu"]
    low = rank(mini_path, "--priority", "low", "--country", "VN", "--format", "json")
    assert need_ids(low) == ["vn-hoi-an-lantern-crafts"]
    assert rank(mini_path, "--priority", "urgent").exit_code == 2


def test_priority_is_recorded_in_the_provenance(mini_path: Path) -> None:
    result = rank(mini_path, "--priority", "medium", "--format", "json")
    assert json.loads(result.stdout)["about"]["selection"]["priority"] == "medium"


# -- the reverse view --------------------------------------------------------------------


def test_the_reverse_view_explains(mini_path: Path) -> None:
    result = rank(mini_path, "--sme", "brine-less", "--top", "1", "--explain")
    assert result.exit_code == 0, result.output
    assert "#1 cv-sal-dessalinizacao: score" in result.stdout
    assert "readiness" in result.stdout and "total" in result.stdout


def test_the_reverse_view_refuses_cluster_with_a_reason(mini_path: Path) -> None:
    result = rank(mini_path, "--sme", "brine-less", "--cluster", "water")
    assert result.exit_code == 2
    assert "with --sme the SME is already chosen" in result.stderr


def test_a_named_pair_below_the_threshold_is_shown_and_marked(mini_path: Path) -> None:
    sme, need = BELOW
    assert need not in need_ids(rank(mini_path, "--sme", sme, "--format", "json"))
    [row] = rows(rank(mini_path, "--sme", sme, "--need", need, "--format", "json"))
    assert (row["sme_id"], row["need_id"], row["no_good_match"]) == (sme, need, True)
    assert row["score"] > 0
    as_csv = rank(mini_path, "--sme", sme, "--need", need, "--format", "csv")
    [csv_row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert (csv_row["sme_id"], csv_row["no_good_match"]) == (sme, "true")
    table = rank(mini_path, "--sme", sme, "--need", need, "--explain")
    assert "not proposed: relevance below the threshold 0.10" in table.stdout
    assert f"#1 {need}: score" in table.stdout
    assert "(not proposed: relevance below the threshold)" in table.stdout


def test_a_named_pair_above_the_threshold_is_not_marked(mini_path: Path) -> None:
    [row] = rows(
        rank(
            mini_path, "--sme", "brine-less", "--need", "cv-sal-dessalinizacao", "--format", "json"
        )
    )
    assert row["no_good_match"] is False


# -- rank --sme FILE ---------------------------------------------------------------------


def test_an_sme_file_is_ranked_without_joining_the_catalogue(
    mini_copy: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "elsewhere" / "my-company.yaml"
    mine.parent.mkdir()
    text = (mini_copy / "smes" / "brine-less.yaml").read_text(encoding="utf-8")
    mine.write_text(text.replace("id: brine-less", "id: my-company"), encoding="utf-8")
    before = sorted(p.name for p in (mini_copy / "smes").iterdir())
    first = rank(mini_copy, "--sme", str(mine), "--format", "json")
    from_file = rows(first)
    assert {r["sme_id"] for r in from_file} == {"my-company"}
    assert from_file[0]["need_id"] == "cv-sal-dessalinizacao"
    assert sorted(p.name for p in (mini_copy / "smes").iterdir()) == before
    fingerprint = json.loads(first.stdout)["about"]["catalogue_fingerprint"]
    mine.write_text(mine.read_text(encoding="utf-8").replace("trl: 9", "trl: 8"), "utf-8")
    again = json.loads(rank(mini_copy, "--sme", str(mine), "--format", "json").stdout)
    assert again["about"]["catalogue_fingerprint"] != fingerprint


def test_an_sme_file_replaces_the_record_of_the_same_id(mini_copy: Path, tmp_path: Path) -> None:
    mine = tmp_path / "brine-less.yaml"
    shutil.copy(mini_copy / "smes" / "brine-less.yaml", mine)
    assert rows(rank(mini_copy, "--sme", str(mine), "--format", "json")) == rows(
        rank(mini_copy, "--sme", "brine-less", "--format", "json")
    )


def test_a_bad_sme_file_gets_its_problems_with_their_lines(mini_copy: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my-company.yaml"
    mine.write_text(
        "id: my-company\nname: Mine\ncountry: Spain\ncluster: WATER\ndescription: x\n"
        "offerings: [x]\nlanguages: [es]\n",
        encoding="utf-8",
    )
    result = rank(mini_copy, "--sme", str(mine))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(
        line.endswith(
            ":3:10: error: 'country': 'Spain' is not an ISO 3166-1 alpha-2 country"
            " code; did you mean ES? (schema)"
        )
        for line in lines
    ), lines
    assert any("did you mean 'water'?" in line for line in lines)
    assert lines[-1].startswith("gssc-match: error: the SME file ")
    missing = rank(mini_copy, "--sme", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1
    assert "cannot read file" in missing.stderr


def test_filters_that_leave_no_need_say_so(mini_path: Path) -> None:
    result = rank(mini_path, "--priority", "low", "--city", "Huế")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No need matches these filters."


def test_a_reverse_view_with_nothing_above_the_threshold_says_why(mini_path: Path) -> None:
    result = rank(mini_path, "--sme", "brine-less", "--min-score", "0.99")
    assert result.exit_code == 0
    assert "Name a need with --need to see the pair anyway." in " ".join(result.stdout.split())


def test_export_never_writes_over_the_sme_file_it_ranks(mini_path: Path, tmp_path: Path) -> None:
    mine = tmp_path / "brine-less.yaml"
    shutil.copy(mini_path / "smes" / "brine-less.yaml", mine)
    before = mine.read_bytes()
    args = ["export", "--data", str(mini_path), "--sme", str(mine), "--format", "csv"]
    result = CliRunner().invoke(app, [*args, "-o", str(mine), "--force"])
    assert result.exit_code == 1
    assert "refusing to write over the input file" in result.stderr
    assert mine.read_bytes() == before


# -- teams and report take the same selection, so the same typos get the same answer --


@pytest.mark.parametrize("command", ["teams", "report"])
def test_teams_and_report_refuse_an_unknown_city_like_rank(
    mini_path: Path, tmp_path: Path, command: str
) -> None:
    out = ["--out", str(tmp_path / "r.html")] if command == "report" else []
    result = CliRunner().invoke(
        app, [command, "--data", str(mini_path), "--city", "Valparaso", *out]
    )
    assert result.exit_code == 2, result.output
    assert "did you mean 'Valparaíso'?" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_takes_the_priority_filter(mini_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    args = ["report", "--data", str(mini_path), "--priority", "high", "--out", str(page)]
    assert CliRunner().invoke(app, args).exit_code == 0
    text = page.read_text(encoding="utf-8")
    high = rows(rank(mini_path, "--priority", "high", "--format", "json"))
    low = rows(rank(mini_path, "--priority", "low", "--format", "json"))
    assert high and low
    assert all(r["need_id"] in text for r in high)
    assert not any(r["need_id"] in text for r in low)
