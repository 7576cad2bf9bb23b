"""`gssc-match validate` end to end: hostile files made at test time, formats and exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gssc_match.catalogue.models import Need, Sme
from gssc_match.catalogue.schema import parse_record
from gssc_match.catalogue.yamlsafe import load_file
from gssc_match.cli import app
from gssc_match.problems import Problem

CASES = Path(__file__).parents[1] / "cases"
YAML_TEST_SUITE = Path(__file__).resolve().parents[3] / "shared" / "yaml-test-suite"
PROBLEM_LINE = re.compile(r"^[^\n]+:\d+:\d+: (error|warning): [^\n]+ \([a-z-]+\)$")
SUMMARY_LINE = re.compile(r"^\d+ files? checked, \d+ with problems( \(.*\))?$")
SME = (CASES / "good" / "smes" / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty catalogue folder with the cases' taxonomy, as the working folder."""
    shutil.copy(CASES / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    (tmp_path / "smes").mkdir()
    (tmp_path / "needs" / "chile").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, so that a hang is a timeout, not a stuck suite."""
    return subprocess.run(
        [sys.executable, "-m", "gssc_match", "validate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


# --- hostile files made at test time ----------------------------------------------------


def deep_brackets(path: Path) -> None:
    path.write_text("[" * 100_000)


def deep_block_mappings(path: Path) -> None:
    path.write_text("".join(" " * i + f"k{i}:\n" for i in range(600)) + " " * 600 + "leaf\n")


def huge_description(path: Path) -> None:
    path.write_text("id: x\ndescription: " + "a" * (5 * 1024 * 1024) + "\n")


def system_file_link(path: Path) -> None:
    path.symlink_to("/etc/passwd")


def environment_link(path: Path) -> None:
    path.symlink_to("/proc/self/environ")


def named_pipe(path: Path) -> None:
    os.mkfifo(path)


def directory(path: Path) -> None:
    path.mkdir()
    (path / "inner.txt").write_text("not yaml\n")


HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "100,000 nested [": (deep_brackets, "1:1001: error: nesting deeper than 16 levels (syntax)"),
    "600 nested block mappings": (
        deep_block_mappings,
        "17:17: error: nesting deeper than 16 levels (syntax)",
    ),
    "5 MB single line": (huge_description, "1:1: error: file is 5120 KiB; the limit is 512 KiB"),
    "symlink to /etc/passwd": (
        system_file_link,
        "1:1: error: is a symbolic link; only regular files are read (file)",
    ),
    "symlink to /proc/self/environ": (
        environment_link,
        "1:1: error: is a symbolic link; only regular files are read (file)",
    ),
    "named pipe": (
        named_pipe,
        "1:1: error: is not a regular file (a pipe, socket or device); only regular files are read",
    ),
    "directory named x.yaml": (directory, "1:1: error: is a directory, not a YAML file (file)"),
}


@pytest.mark.parametrize(("make", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_file_gives_one_line_and_exit_1(
    make: Callable[[Path], None], expected: str, catalogue: Path
) -> None:
    make(catalogue / "smes" / "x.yaml")
    env = {**os.environ, "GSSC_SECRET_CANARY": "canary-7f3a"}
    # The folder, not the file: the walk over a catalogue meets these files that way too.
    done = run("--data", ".", "smes", cwd=catalogue, env=env)
    assert done.stderr == ""
    assert done.returncode == 1
    problems, summary = done.stdout.splitlines()[:-1], done.stdout.splitlines()[-1]
    assert len(problems) == 1
    assert problems[0].startswith(f"smes/x.yaml:{expected}")
    assert summary.endswith(", 1 with problems (1 error, 0 warnings)")
    assert "root:" not in done.stdout
    assert "canary-7f3a" not in done.stdout


@pytest.mark.parametrize("make", [named_pipe, system_file_link], ids=["pipe", "symlink"])
def test_hostile_file_named_on_the_command_line(
    make: Callable[[Path], None], catalogue: Path
) -> None:
    make(catalogue / "smes" / "x.yaml")
    done = run("--data", ".", "smes/x.yaml", cwd=catalogue)
    assert (done.returncode, done.stderr) == (1, "")
    assert len(done.stdout.splitlines()) == 2


def test_symlink_loop_gives_one_line(catalogue: Path) -> None:
    loop = catalogue / "smes" / "loop.yaml"
    loop.symlink_to(loop)
    result = CliRunner().invoke(app, ["validate", "--data", ".", "smes"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 1
    assert "smes/loop.yaml:1:1: error: is a symbolic link" in result.stdout


def test_missing_path_is_an_error(catalogue: Path) -> None:
    code, output = invoke("--data", ".", "smes/typo.yaml")
    assert code == 1
    assert "smes/typo.yaml:1:1: error: cannot read file" in output


def test_many_hostile_files_at_once_are_each_reported(catalogue: Path) -> None:
    for i, (make, _) in enumerate(HOSTILE.values()):
        make(catalogue / "smes" / f"x{i}.yaml")
    (catalogue / "smes" / "good.yaml").write_text(SME.replace("id: minimal", "id: good"))
    done = run("--data", ".", cwd=catalogue)
    assert (done.returncode, done.stderr) == (1, "")
    *problems, summary = done.stdout.splitlines()
    assert [p.split(":")[0] for p in problems] == [f"smes/x{i}.yaml" for i in range(len(HOSTILE))]
    assert summary == f"{len(HOSTILE) + 2} files checked, {len(HOSTILE)} with problems " + (
        f"({len(HOSTILE)} errors, 0 warnings)"
    )


# --- exit codes and formats --------------------------------------------------------------


def write_sme(catalogue: Path, name: str, text: str) -> str:
    (catalogue / "smes" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return f"smes/{name}.yaml"


def test_exit_0_when_clean(catalogue: Path) -> None:
    path = write_sme(catalogue, "minimal", SME)
    assert invoke("--data", ".", path) == (0, "1 file checked, 0 with problems\n")


def test_exit_1_on_errors(catalogue: Path) -> None:
    path = write_sme(catalogue, "minimal", SME.replace("cluster: solar", "cluster: wind"))
    code, output = invoke("--data", ".", path)
    assert code == 1
    assert output.splitlines()[0] == (
        "smes/minimal.yaml:4:10: error: unknown cluster 'wind'; choose one of: solar, water "
        "(reference)"
    )


@pytest.mark.parametrize(
    "args",
    [["--format", "nope"], ["--no-such-option"], ["--strict=maybe"]],
    ids=["bad format", "unknown option", "bad flag"],
)
def test_exit_2_on_usage_errors(args: list[str], catalogue: Path) -> None:
    result = CliRunner().invoke(app, ["validate", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_warnings_pass_unless_strict(catalogue: Path) -> None:
    path = write_sme(catalogue, "minimal", SME + "tags: [bomba solar]\n")
    line = "smes/minimal.yaml:9:8: {}: tag 'bomba solar' is not in the taxonomy; did you mean "
    line += "'bombeo solar'? (tag)"
    code, output = invoke("--data", ".", path)
    assert (code, output.splitlines()[0]) == (0, line.format("warning"))
    code, output = invoke("--strict", "--data", ".", path)
    assert (code, output.splitlines()[0]) == (1, line.format("error"))
    assert output.splitlines()[1] == "1 file checked, 1 with problems (1 error, 0 warnings)"


def test_json_format(catalogue: Path) -> None:
    good = write_sme(catalogue, "minimal", SME)
    bad = write_sme(catalogue, "bad", SME.replace("id: minimal", "id: bad") + "trl: 10\n")
    code, output = invoke("--format", "json", "--data", ".", good, bad)
    assert code == 1
    assert json.loads(output) == {
        "files_checked": 2,
        "files_with_problems": 1,
        "problems": [
            {
                "path": "smes/bad.yaml",
                "line": 9,
                "column": 6,
                "level": "error",
                "message": "'trl' must be at most 9",
                "rule": "schema",
            }
        ],
    }


def test_github_format_cannot_be_hijacked_by_a_file(catalogue: Path) -> None:
    text = SME.replace("name: Example Solar S.L.", 'name: "x\\n::error file=a::pwned"')
    path = write_sme(catalogue, "minimal", text + 'tags: ["100%\\r\\n::warning::x"]\n')
    code, output = invoke("--format", "github", "--data", ".", path)
    lines = output.splitlines()
    assert code == 1
    assert lines[0] == (
        "::error file=smes/minimal.yaml,line=2,col=7,title=schema::'name' must be a single line"
    )
    assert lines[1] == (
        "::error file=smes/minimal.yaml,line=9,col=8,title=schema::'tags[1]' must be a single line"
    )
    assert len(lines) == 3
    assert "pwned" not in output


# --- the official YAML test suite as a robustness corpus ---------------------------------

CORPUS = sorted(YAML_TEST_SUITE.glob("*.yaml")) if YAML_TEST_SUITE.is_dir() else []
needs_corpus = pytest.mark.skipif(not CORPUS, reason=f"{YAML_TEST_SUITE} is not present")


@needs_corpus
@pytest.mark.parametrize("model", [Sme, Need])
def test_corpus_through_loader_and_schema(model: type[Sme] | type[Need]) -> None:
    for path in CORPUS:
        document, problems = load_file(path, path.name)
        if document is not None:
            problems += parse_record(document, model)[1]
        assert all(isinstance(p, Problem) for p in problems), path.name
        assert all(PROBLEM_LINE.match(p.render()) for p in problems), path.name


@needs_corpus
@pytest.mark.parametrize("folder", ["smes", "needs/chile"])
def test_corpus_through_validate(folder: str, catalogue: Path) -> None:
    for path in CORPUS:
        shutil.copy(path, catalogue / folder / path.name.lower())
    code, output = invoke("--data", ".", folder)
    assert code in (0, 1)
    *problems, summary = output.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in problems)
    assert SUMMARY_LINE.match(summary)
    assert summary.startswith(f"{len(CORPUS)} files checked")
