"""The command line end to end: help, options, exit codes, formats, and what it imports."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from gssc_match.catalogue.models import Need, Sme
from gssc_match.cli import app
from gssc_match.matching.scoring import DEFAULT_WEIGHTS as WEIGHTS_FILE
from gssc_match.outputs.rows import NUMBER_COLUMNS, output_columns

COMMANDS = (
    "validate",
    "schema",
    "rank",
    "export",
    "evaluate",
    "weights",
    "plan",
    "teams",
    "report",
    "catalogue",
    "taxonomy",
    "doctor",
    "template",
    "import",
)
COLUMNS = output_columns()
VIETNAM_NEEDS = {"vn-hue-canh-bao-lu", "vn-hoi-an-lantern-crafts"}


def run(*args: str) -> Result:
    # A wide terminal, so that rich tables do not wrap the ids the tests look for.
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def rank(mini_path: Path, *args: str) -> Result:
    return run("rank", "--data", str(mini_path), *args)


def json_rows(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)["rows"]
    return rows


def csv_rows(result: Result) -> list[dict[str, Any]]:
    """CSV rows with their values converted back to what JSON shows."""
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return [{c: _value(c, v) for c, v in row.items()} for row in reader]


def _value(column: str, text: str) -> object:
    if text == "":
        return None
    if column == "no_good_match":
        return text == "true"
    if column == "rank":
        return int(text)
    return float(text) if column in NUMBER_COLUMNS else text


def blank_to_none(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: None if v == "" else v for k, v in row.items()} for row in rows]


# -- help ------------------------------------------------------------------------------


def test_every_command_is_tested_here() -> None:
    registered = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert registered == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    info = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    assert info.help and info.help.strip()
    assert info.help.split("\n")[0].strip()[:30] in " ".join(result.stdout.split())


def test_every_option_has_help() -> None:
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{name} {param.name}"


def test_root_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("gssc-match ")


# -- validate and schema ---------------------------------------------------------------


def test_validate_the_test_catalogue(mini_path: Path) -> None:
    result = run("validate", "--data", str(mini_path))
    assert result.exit_code == 0, result.output
    # Only the two records the test taxonomy is blind to on purpose (a craft need, a textile SME).
    *problems, summary = result.stdout.splitlines()
    assert summary.endswith("2 with problems (0 errors, 2 warnings)")
    assert [p.split("/")[-1].split(":")[0] for p in problems] == [
        "vn-hoi-an-lantern-crafts.yaml",
        "nano-tkanina.yaml",
    ]
    assert all(p.endswith("(concepts)") for p in problems)


def test_a_missing_data_folder_is_a_usage_error(tmp_path: Path) -> None:
    for command in ("validate", "rank", "evaluate"):
        result = run(command, "--data", str(tmp_path / "nowhere"))
        assert result.exit_code == 2, command
        assert "does not exist" in " ".join(result.output.split())


def test_an_empty_data_folder_is_an_error_not_a_crash(tmp_path: Path) -> None:
    result = run("rank", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert "no SME or need files here" in result.stderr


def test_a_catalogue_of_one_sme_ranks(mini_copy: Path) -> None:
    for path in [*mini_copy.glob("smes/*.yaml"), *mini_copy.glob("needs/*/*.yaml")]:
        if path.stem != "brine-less":
            path.unlink()
    (mini_copy / "judgments.yaml").unlink()
    result = rank(mini_copy, "--format", "json")
    assert result.exit_code == 0, result.output


def test_a_catalogue_with_an_invalid_file_is_refused_with_its_line(mini_copy: Path) -> None:
    path = mini_copy / "smes" / "brine-less.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("cluster:", "clustr:"), "utf-8")
    result = rank(mini_copy, "--format", "json")
    assert result.exit_code == 1
    assert "brine-less.yaml:" in result.stderr
    assert "validate" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("kind", "model"), [("sme", Sme), ("need", Need)])
def test_schema_prints_valid_json_with_every_field(kind: str, model: type[Any]) -> None:
    result = run("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == set(model.model_fields)


def test_schema_of_something_unknown_is_a_usage_error() -> None:
    assert run("schema", "city").exit_code == 2


# -- rank: options ---------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["vietnam", "VN", "vn", "Viet Nam", "Việt Nam", "Wietnam"])
def test_country_by_any_spelling(mini_path: Path, spelling: str) -> None:
    rows = json_rows(rank(mini_path, "--country", spelling, "--format", "json"))
    assert {r["need_id"] for r in rows} == VIETNAM_NEEDS
    assert {r["country"] for r in rows} == {"vietnam"}


def test_an_unknown_country_lists_the_valid_ones(mini_path: Path) -> None:
    result = rank(mini_path, "--country", "Atlantis")
    assert result.exit_code == 2
    assert "Atlantis" in result.stderr
    for country in ("chile", "cape-verde", "vietnam"):
        assert country in result.stderr
    assert "Traceback" not in result.output


def test_need_is_repeatable(mini_path: Path) -> None:
    chosen = ["vn-hue-canh-bao-lu", "cl-temuco-residuos-organicos"]
    args = [a for n in chosen for a in ("--need", n)]
    rows = json_rows(rank(mini_path, *args, "--format", "json"))
    assert {r["need_id"] for r in rows} == set(chosen)


def test_an_unknown_need_is_a_usage_error(mini_path: Path) -> None:
    result = rank(mini_path, "--need", "nowhere")
    assert result.exit_code == 2
    assert "nowhere" in result.stderr


def test_city_ignores_accents(mini_path: Path) -> None:
    rows = json_rows(rank(mini_path, "--city", "Hoi An", "--format", "json"))
    assert [r["need_id"] for r in rows] == ["vn-hoi-an-lantern-crafts"]
    assert rows[0]["no_good_match"] is True


def test_cluster_limits_the_smes(mini_path: Path) -> None:
    rows = json_rows(rank(mini_path, "--cluster", "greentech", "--top", "9", "--format", "json"))
    assert {r["cluster"] for r in rows if r["sme_id"]} == {"greentech"}


def test_an_unknown_cluster_is_a_usage_error(mini_path: Path) -> None:
    result = rank(mini_path, "--cluster", "bakery")
    assert result.exit_code == 2
    assert "water" in result.stderr


@pytest.mark.parametrize("top", [1, 2, 9])
def test_top(mini_path: Path, top: int) -> None:
    rows = json_rows(rank(mini_path, "--top", str(top), "--format", "json"))
    per_need: dict[str, int] = {}
    for row in rows:
        per_need[row["need_id"]] = per_need.get(row["need_id"], 0) + 1
    assert 1 <= max(per_need.values()) <= top
    assert all(r["rank"] is None or r["rank"] <= top for r in rows)


def test_top_is_filled_when_nothing_is_filtered(mini_path: Path, tmp_path: Path) -> None:
    """With the threshold at 0 every SME is a candidate, so --top N gives N rows per need."""
    weights = WEIGHTS_FILE.read_text(encoding="utf-8").replace(
        "no_match_threshold: 0.10", "no_match_threshold: 0.0"
    )
    (tmp_path / "w.yaml").write_text(weights, encoding="utf-8")
    rows = json_rows(
        rank(mini_path, "--top", "4", "--weights", str(tmp_path / "w.yaml"), "--format", "json")
    )
    per_need: dict[str, int] = {}
    for row in rows:
        per_need[row["need_id"]] = per_need.get(row["need_id"], 0) + 1
    assert set(per_need.values()) == {4}


def test_weak_candidates_are_not_padding(mini_path: Path) -> None:
    """A candidate below the relevance threshold never appears, whatever its fit points."""
    rows = json_rows(rank(mini_path, "--top", "9", "--format", "json"))
    for row in rows:
        if row["sme_id"] is not None:
            assert row["text"] + row["concept"] >= 0.10 - 1e-3


def test_min_score(mini_path: Path) -> None:
    everything = json_rows(rank(mini_path, "--top", "9", "--format", "json"))
    scores = sorted(r["score"] for r in everything if r["score"] is not None)
    cut = scores[len(scores) // 2]
    rows = json_rows(rank(mini_path, "--top", "9", "--min-score", str(cut), "--format", "json"))
    kept = [r["score"] for r in rows if r["score"] is not None]
    assert kept and min(kept) >= cut
    assert len(kept) < len(scores)
    assert {r["need_id"] for r in rows} == {r["need_id"] for r in everything}


@pytest.mark.parametrize(
    "args",
    [
        ["--top", "0"],
        ["--top", "many"],
        ["--min-score", "1.5"],
        ["--min-score", "-0.1"],
        ["--format", "xml"],
        ["--no-such-option"],
    ],
)
def test_bad_option_values_are_usage_errors(mini_path: Path, args: list[str]) -> None:
    result = rank(mini_path, *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_explain_shows_the_breakdown(mini_path: Path) -> None:
    plain = rank(mini_path, "--need", "cv-sal-dessalinizacao", "--top", "2")
    explained = rank(mini_path, "--need", "cv-sal-dessalinizacao", "--top", "2", "--explain")
    assert plain.exit_code == 0 and explained.exit_code == 0
    for word in ("weight", "points", "total", "x relevance", "market", "matched concepts"):
        assert word in explained.stdout
        assert word not in plain.stdout
    assert explained.stdout.count("total") == 2


def test_the_table_shows_the_shortlist(mini_path: Path) -> None:
    result = rank(mini_path, "--top", "1")
    assert result.exit_code == 0
    assert re.search(r"│ (strong|good|partial) +│", result.stdout)
    rows = json_rows(rank(mini_path, "--top", "1", "--format", "json"))
    for row in rows:
        assert row["need_id"] in result.stdout
        if row["sme_id"]:
            assert row["sme_id"] in result.stdout
    assert "No good match" in result.stdout


def test_sme_gives_the_reverse_view(mini_path: Path) -> None:
    rows = json_rows(rank(mini_path, "--sme", "brine-less", "--top", "3", "--format", "json"))
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert {r["sme_id"] for r in rows} == {"brine-less"}
    assert rows[0]["need_id"] == "cv-sal-dessalinizacao"
    table = rank(mini_path, "--sme", "brine-less", "--top", "3")
    assert table.exit_code == 0
    assert "Brineless Desalination Ltd" in table.stdout
    assert "cv-sal-dessalinizacao" in table.stdout


def test_sme_with_country(mini_path: Path) -> None:
    rows = json_rows(
        rank(mini_path, "--sme", "powodz-alarm", "--country", "VN", "--format", "json")
    )
    assert {r["country"] for r in rows} == {"vietnam"}


def test_an_unknown_sme_is_a_usage_error(mini_path: Path) -> None:
    result = rank(mini_path, "--sme", "nobody")
    assert result.exit_code == 2
    assert "nobody" in result.stderr


# -- rank: formats ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options", [[], ["--top", "9"], ["--country", "chile"], ["--sme", "fuga-cero", "--top", "6"]]
)
def test_json_rows_equal_csv_rows(mini_path: Path, options: list[str]) -> None:
    as_json = json_rows(rank(mini_path, *options, "--format", "json"))
    as_csv = csv_rows(rank(mini_path, *options, "--format", "csv"))
    assert blank_to_none(as_csv) == blank_to_none(as_json)


def test_json_is_the_same_bytes_every_time(mini_path: Path) -> None:
    first = rank(mini_path, "--format", "json").stdout_bytes
    assert first == rank(mini_path, "--format", "json").stdout_bytes


def test_json_carries_its_provenance(mini_path: Path) -> None:
    about = json.loads(rank(mini_path, "--top", "2", "--format", "json").stdout)["about"]
    assert about["tool"].startswith("gssc-match ")
    assert about["catalogue_fingerprint"].startswith("sha256:")
    assert about["selection"]["top"] == 2
    assert set(about["weights"]["parts"]) == {
        "text",
        "concept",
        "remedy",
        "language",
        "market",
        "readiness",
    }


# -- evaluate --------------------------------------------------------------------------


def test_evaluate_as_text(mini_path: Path) -> None:
    result = run("evaluate", "--data", str(mini_path))
    assert result.exit_code == 0, result.output
    for word in ("nDCG@5", "MRR", "overall", "gssc-match", "bm25", "no-good-match flag"):
        assert word in result.stdout


def test_evaluate_as_json(mini_path: Path) -> None:
    result = run("evaluate", "--data", str(mini_path), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "gssc-match" in document["systems"]
    [overall] = [g for g in document["groups"] if g["group"] == "overall"]
    assert overall["gssc-match"]["needs"] == 5  # judged needs with at least one graded SME
    for value in overall["gssc-match"].values():
        assert value >= 0
    assert document["no_match"]["no_match_needs"] == 1
    assert document["no_match"]["missed"] == []
    assert document["no_match"]["false_flags"] == []


def test_evaluate_names_the_needs_it_flags_wrongly(tmp_path: Path, mini_path: Path) -> None:
    judgments = tmp_path / "judgments.yaml"
    judgments.write_text(
        "vn-hoi-an-lantern-crafts:\n  why: x\n  grades: {nano-tkanina: 1}\n"
        "vn-hue-canh-bao-lu:\n  why: x\n  grades: {}\n",
        "utf-8",
    )
    args = ("evaluate", "--data", str(mini_path), "--judgments", str(judgments))
    document = json.loads(run(*args, "--format", "json").stdout)
    assert document["no_match"]["missed"] == ["vn-hue-canh-bao-lu"]
    assert document["no_match"]["false_flags"] == ["vn-hoi-an-lantern-crafts"]
    text = run(*args).stdout
    assert "0/1 needs without a fitting SME flagged (missed: vn-hue-canh-bao-lu)" in text
    assert "1/1 other needs flagged wrongly (vn-hoi-an-lantern-crafts)" in text


def test_evaluate_with_judgments_of_unknown_needs(tmp_path: Path, mini_path: Path) -> None:
    judgments = tmp_path / "judgments.yaml"
    judgments.write_text("nowhere:\n  why: test\n  grades: {}\n", encoding="utf-8")
    result = run("evaluate", "--data", str(mini_path), "--judgments", str(judgments))
    assert result.exit_code == 2
    assert "nowhere" in result.stderr


def test_evaluate_with_a_broken_judgments_file(tmp_path: Path, mini_path: Path) -> None:
    judgments = tmp_path / "judgments.yaml"
    judgments.write_text("vn-hue-canh-bao-lu:\n  why: x\n  grades: {powodz-alarm: 7}\n", "utf-8")
    result = run("evaluate", "--data", str(mini_path), "--judgments", str(judgments))
    assert result.exit_code == 1
    assert f"{judgments}:3:" in result.stderr


# -- the real entry points -------------------------------------------------------------


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def test_python_dash_m_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gssc_match", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "rank" in result.stdout


def test_the_console_entry_point_flushes_everything_before_it_exits(mini_path: Path) -> None:
    """main() ends the process without interpreter teardown: the output must be complete."""
    argv = [sys.executable, "-m", "gssc_match", "rank", "--data", str(mini_path)]
    result = subprocess.run([*argv, "--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert json.loads(result.stdout)["rows"]
    bad = subprocess.run(
        [sys.executable, "-m", "gssc_match", "validate", str(mini_path / "no-such.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert bad.stdout.rstrip().endswith("1 file checked, 1 with problems (1 error, 0 warnings)")


def test_the_console_entry_point_translates_errors(mini_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gssc_match", "rank", "--data", str(mini_path), "--country", "X"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("gssc-match: error: unknown country 'X'")
    assert "Traceback" not in result.stderr


LIGHT_RUN = """
import json
import sys
from gssc_match.cli import app
codes = []
for args in json.loads(sys.argv[1]):
    try:
        app(args, prog_name="gssc-match")
    except SystemExit as exit:
        codes.append(exit.code)
heavy = sorted(m for m in ("sklearn", "scipy", "numpy", "bm25s", "openpyxl") if m in sys.modules)
print(json.dumps({"codes": codes, "heavy": heavy}), file=sys.stderr)
"""


def test_light_commands_do_not_import_sklearn(mini_path: Path) -> None:
    """`validate`, `schema` and every `--help` stay quick: no scikit-learn, SciPy or openpyxl."""
    commands = [
        ["validate"],
        ["--help"],
        ["validate", "--data", str(mini_path)],
        *([command, "--help"] for command in COMMANDS),
        ["schema", "sme"],
    ]
    result = python(LIGHT_RUN, json.dumps(commands))
    report = json.loads(result.stderr.strip().splitlines()[-1])
    # the bundled catalogue may be mid-edit: its validation may fail, but must run
    assert report["codes"][0] in (0, 1)
    assert report["codes"][1:] == [0] * (len(commands) - 1)
    assert report["heavy"] == []


def test_progress_bar_passes_every_item_through_in_a_pipe() -> None:
    from gssc_match.cli import _progress_bar

    assert list(_progress_bar(iter(range(5)), 5, "work")) == [0, 1, 2, 3, 4]


def test_progress_bar_on_a_terminal_still_yields_every_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a slow run a bar appears (after a second) and every item still comes through."""
    import time

    from gssc_match import cli

    clock = iter(float(t) for t in range(100))
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert list(cli._progress_bar(iter(range(10)), 10, "work")) == list(range(10))
