"""Rendering problems: text, JSON and GitHub annotations, and the summary line."""

from __future__ import annotations

import json

import pytest

from gssc_match.outputs.problem_report import (
    ProblemFormat,
    as_github,
    as_json,
    as_text,
    render_problems,
    summary,
)
from gssc_match.problems import Problem, error, warning

PROBLEMS = [
    error("smes/a.yaml", 2, 7, "'name' must not be empty"),
    warning("smes/a.yaml", 8, 8, "tag 'solarpump' is not in the taxonomy", "tag"),
    error("smes/b.yaml", 1, 1, "file is empty; expected a mapping of fields (key: value)"),
]
HOSTILE = error("smes/x.yaml", 3, 5, "100% sure\r\n::error file=ci.yml::pwned, ok: yes")


def test_every_format_is_registered() -> None:
    for fmt in ProblemFormat:
        assert render_problems(PROBLEMS, 4, fmt).endswith("\n")


@pytest.mark.parametrize(
    ("problems", "files", "expected"),
    [
        ([], 0, "0 files checked, 0 with problems"),
        ([], 1, "1 file checked, 0 with problems"),
        ([], 12, "12 files checked, 0 with problems"),
        (PROBLEMS[:1], 1, "1 file checked, 1 with problems (1 error, 0 warnings)"),
        (PROBLEMS, 4, "4 files checked, 2 with problems (2 errors, 1 warning)"),
        (PROBLEMS[1:2], 3, "3 files checked, 1 with problems (0 errors, 1 warning)"),
    ],
)
def test_summary(problems: list[Problem], files: int, expected: str) -> None:
    assert summary(problems, files) == expected


def test_text_is_one_line_per_problem_then_the_summary() -> None:
    assert as_text(PROBLEMS, 4).splitlines() == [
        "smes/a.yaml:2:7: error: 'name' must not be empty (schema)",
        "smes/a.yaml:8:8: warning: tag 'solarpump' is not in the taxonomy (tag)",
        "smes/b.yaml:1:1: error: file is empty; expected a mapping of fields (key: value) (schema)",
        "4 files checked, 2 with problems (2 errors, 1 warning)",
    ]


def test_text_escapes_control_characters_in_path_and_message() -> None:
    problem = error("smes/\x1b[2Jx\n.yaml", 1, 1, "bad\r\nline\x1b[0m")
    rendered = "smes/\\x1b[2Jx\\x0a.yaml:1:1: error: bad\\x0d\\x0aline\\x1b[0m (schema)"
    assert problem.render() == rendered
    assert as_text([problem], 1).count("\n") == 2


def test_problems_sort_by_path_then_position() -> None:
    shuffled = [PROBLEMS[2], PROBLEMS[1], PROBLEMS[0]]
    assert sorted(shuffled) == PROBLEMS


def test_json_holds_every_field() -> None:
    document = json.loads(as_json([*PROBLEMS, HOSTILE], 5))
    assert document["files_checked"] == 5
    assert document["files_with_problems"] == 3
    assert document["problems"][0] == {
        "path": "smes/a.yaml",
        "line": 2,
        "column": 7,
        "level": "error",
        "message": "'name' must not be empty",
        "rule": "schema",
    }
    assert document["problems"][1]["level"] == "warning"
    assert document["problems"][3]["message"] == HOSTILE.message  # exact text, safely encoded


def test_json_with_no_problems() -> None:
    assert json.loads(as_json([], 3)) == {
        "files_checked": 3,
        "files_with_problems": 0,
        "problems": [],
    }


def test_json_keeps_non_ascii_readable() -> None:
    problem = error("needs/vietnam/huế.yaml", 1, 1, "unknown field 'n\\u0430me'")
    assert "huế.yaml" in as_json([problem], 1)


def test_github_annotations() -> None:
    assert as_github(PROBLEMS, 4).splitlines() == [
        "::error file=smes/a.yaml,line=2,col=7,title=schema::'name' must not be empty",
        "::warning file=smes/a.yaml,line=8,col=8,title=tag::tag 'solarpump' is not in the taxonomy",
        "::error file=smes/b.yaml,line=1,col=1,title=schema::file is empty; expected a mapping of"
        " fields (key: value)",
        "4 files checked, 2 with problems (2 errors, 1 warning)",
    ]


def test_github_escapes_percent_cr_lf_so_a_message_stays_one_command() -> None:
    lines = as_github([HOSTILE], 1).splitlines()
    assert lines == [
        "::error file=smes/x.yaml,line=3,col=5,title=schema::"
        "100%25 sure%0D%0A::error file=ci.yml::pwned, ok: yes",
        "1 file checked, 1 with problems (1 error, 0 warnings)",
    ]
    assert sum(line.startswith("::") for line in lines) == 1


def test_github_escapes_properties() -> None:
    problem = Problem("a,b:c%\n.yaml", 1, 2, HOSTILE.level, "m", "r,u:l%e")
    line = as_github([problem], 1).splitlines()[0]
    assert line == "::error file=a%2Cb%3Ac%25%0A.yaml,line=1,col=2,title=r%2Cu%3Al%25e::m"
