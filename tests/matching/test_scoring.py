"""Weights files (default, --weights, $GSSC_MATCH_WEIGHTS) and the score breakdown."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gssc_match.cli import app
from gssc_match.errors import CatalogueError
from gssc_match.matching.scoring import (
    DEFAULT_WEIGHTS,
    RELEVANCE_PARTS,
    WEIGHTS_ENV,
    Part,
    Weights,
    breakdown,
    load_weights,
)

PART_NAMES = [p.value for p in Part]


def default_settings() -> dict[str, Any]:
    """The shipped weights file as plain data, to change in a test."""
    data = yaml.safe_load(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write_weights(path: Path, settings: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


def only(part: str) -> dict[str, Any]:
    """Default settings with all the weight on one part."""
    settings = default_settings()
    settings["parts"] = {name: 1.0 if name == part else 0.0 for name in PART_NAMES}
    return settings


def test_default_weights_are_valid_and_add_up_to_one() -> None:
    weights = load_weights()
    assert math.isclose(sum(weights.of(p) for p in Part), 1.0)
    assert 0.0 <= weights.no_match_threshold <= 1.0


def test_default_weights_name_every_part() -> None:
    assert set(default_settings()["parts"]) == set(PART_NAMES)


def test_weights_from_a_file(tmp_path: Path) -> None:
    weights = load_weights(write_weights(tmp_path / "w.yaml", only("concept")))
    assert weights.of(Part.CONCEPT) == 1.0
    assert weights.of(Part.TEXT) == 0.0


def test_weights_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEIGHTS_ENV, str(write_weights(tmp_path / "env.yaml", only("text"))))
    assert load_weights().of(Part.TEXT) == 1.0


def test_an_explicit_file_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WEIGHTS_ENV, str(write_weights(tmp_path / "env.yaml", only("text"))))
    chosen = write_weights(tmp_path / "chosen.yaml", only("market"))
    assert load_weights(chosen).of(Part.MARKET) == 1.0


def test_weights_that_do_not_add_up_to_one_are_a_located_problem(tmp_path: Path) -> None:
    settings = default_settings()
    settings["parts"] = {name: 0.5 for name in PART_NAMES}
    path = write_weights(tmp_path / "w.yaml", settings)
    with pytest.raises(CatalogueError) as caught:
        load_weights(path)
    [problem] = caught.value.problems
    assert problem.path == str(path)
    assert 1 <= problem.line <= 1 + len(PART_NAMES)  # at `parts:` (line 1) or inside it
    assert "add up to 1" in problem.message


def test_a_misspelled_weight_is_a_located_problem(tmp_path: Path) -> None:
    text = DEFAULT_WEIGHTS.read_text(encoding="utf-8").replace("  concept:", "  concpet:", 1)
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_weights(path)
    located = [p for p in caught.value.problems if "concpet" in p.message]
    assert located
    assert "concpet" in text.splitlines()[located[0].line - 1]


def test_a_missing_weights_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_weights(tmp_path / "nowhere.yaml")
    assert caught.value.problems


def test_the_environment_changes_what_rank_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_path: Path
) -> None:
    settings = default_settings()
    settings["no_match_threshold"] = 1.0  # nothing can be relevant enough
    monkeypatch.setenv(WEIGHTS_ENV, str(write_weights(tmp_path / "w.yaml", settings)))
    result = CliRunner().invoke(app, ["rank", "--data", str(mini_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows
    assert all(row["no_good_match"] == "true" for row in rows)


def test_rank_reports_a_bad_weights_file_with_its_line(tmp_path: Path, mini_path: Path) -> None:
    settings = default_settings()
    settings["parts"] = {name: 0.5 for name in PART_NAMES}
    path = write_weights(tmp_path / "bad.yaml", settings)
    result = CliRunner().invoke(app, ["rank", "--data", str(mini_path), "--weights", str(path)])
    assert result.exit_code == 1
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: error: .*add up to 1", result.stderr)
    assert "Traceback" not in result.output


weight_sets = st.lists(st.floats(0, 1), min_size=len(Part), max_size=len(Part)).filter(
    lambda w: sum(w) > 0.01
)
unit_values = st.lists(st.floats(0, 1), min_size=len(Part), max_size=len(Part))


def weights_from(raw: list[float]) -> Weights:
    settings = default_settings()
    total = sum(raw)
    settings["parts"] = {name: w / total for name, w in zip(PART_NAMES, raw, strict=True)}
    return Weights.model_validate(settings)


@given(weight_sets, unit_values)
def test_a_breakdown_is_the_sum_of_its_parts(raw: list[float], values: list[float]) -> None:
    weights = weights_from(raw)
    result = breakdown(dict(zip(Part, values, strict=True)), weights)
    assert [c.part for c in result.contributions] == list(Part)
    assert math.isclose(result.total, sum(c.points for c in result.contributions))
    share = min(1.0, result.relevance / weights.parts.relevance) if weights.parts.relevance else 1
    for c in result.contributions:  # the other parts are scaled by the relevance share
        assert math.isclose(c.scale, 1.0 if c.part in RELEVANCE_PARTS else share)
    assert -1e-9 <= result.total <= 1 + 1e-9
    relevance = sum(c.points for c in result.contributions if c.part in RELEVANCE_PARTS)
    assert math.isclose(result.relevance, relevance)
    for part, value in zip(Part, values, strict=True):
        assert result.value(part) == value


# -- partial weights files ---------------------------------------------------------------


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_partial_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    path = write_text(tmp_path / "w.yaml", "no_match_threshold: 0.2\n")
    weights = load_weights(path)
    assert weights.no_match_threshold == 0.2
    defaults = load_weights()
    assert weights.parts == defaults.parts
    assert weights.concept == defaults.concept


def test_a_nested_partial_file_is_merged_deeply(tmp_path: Path) -> None:
    text = "concept:\n  field_weights:\n    tags: 3.0\n"
    weights = load_weights(write_text(tmp_path / "w.yaml", text))
    defaults = load_weights()
    assert weights.concept.field_weights.tags == 3.0
    assert weights.concept.field_weights.title == defaults.concept.field_weights.title
    assert weights.concept.pillar_share == defaults.concept.pillar_share


def test_only_the_part_weights(tmp_path: Path) -> None:
    lines = [f"  {p}: {1.0 if p == 'text' else 0.0}" for p in PART_NAMES]
    weights = load_weights(write_text(tmp_path / "w.yaml", "parts:\n" + "\n".join(lines) + "\n"))
    assert weights.of(Part.TEXT) == 1.0
    assert weights.no_match_threshold == load_weights().no_match_threshold


def test_some_part_weights_must_still_add_up_to_one(tmp_path: Path) -> None:
    """Two parts set, four kept: the message says which ones kept their defaults."""
    path = write_text(tmp_path / "w.yaml", "parts:\n  text: 0.5\n  concept: 0.5\n")
    with pytest.raises(CatalogueError) as caught:
        load_weights(path)
    [problem] = caught.value.problems
    assert problem.path == str(path) and problem.line in (1, 2)
    assert "add up to 1" in problem.message
    defaults = load_weights().parts
    kept = [Part.REMEDY, Part.LANGUAGE, Part.MARKET, Part.READINESS]
    assert f"{1 + sum(load_weights().of(p) for p in kept):g}" in problem.message
    assert ", ".join(f"{p} {getattr(defaults, p):g}" for p in kept) in problem.message


def test_a_wrong_value_in_a_partial_file_is_located(tmp_path: Path) -> None:
    path = write_text(tmp_path / "w.yaml", "# mine\ntext:\n  char_share: 2\n")
    with pytest.raises(CatalogueError) as caught:
        load_weights(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (3, 15)
    assert "'text.char_share' must be at most 1" in problem.message


def test_an_empty_weights_file_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError):
        load_weights(write_text(tmp_path / "w.yaml", ""))


@pytest.mark.parametrize("written", ["0,45", "0.4.5", "45%"])
def test_a_weight_that_is_not_a_number_gets_a_plain_message(tmp_path: Path, written: str) -> None:
    path = write_text(tmp_path / "w.yaml", f"no_match_threshold: {written}\n")
    with pytest.raises(CatalogueError) as caught:
        load_weights(path)
    [problem] = caught.value.problems
    assert "Input should" not in problem.message
    assert "must be a number" in problem.message
    if "," in written:
        assert "0.45" in problem.message and "comma" in problem.message


def test_the_ngram_size_the_weights_file_names_is_the_one_used() -> None:
    from gssc_match.matching.vectors import CHAR_NGRAMS

    low, high = CHAR_NGRAMS
    size = str(low) if low == high else f"{low}-{high}"
    text = DEFAULT_WEIGHTS.read_text(encoding="utf-8")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"character n-grams \(([0-9-]+)", text) == [size]
    assert f"character {size}-grams" in readme


def test_the_weights_command_prints_a_file_that_loads_to_the_defaults(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["weights"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("#")
    assert "only the lines you change" in result.stdout
    path = write_text(tmp_path / "mine.yaml", result.stdout)
    assert load_weights(path) == load_weights()
