"""The README cannot drift: every `gssc-match` command it shows runs, with the exit it implies."""

from __future__ import annotations

import re
import shlex
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gssc_match.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
COMMAND = re.compile(r"^(?:\$ )?gssc-match (.+?)(?:\s+#.*)?$", re.MULTILINE)


SHELL_FENCES = ("```", "```sh", "```console")


def _shell_blocks(text: str) -> list[str]:
    """The contents of fenced blocks that hold shell sessions (``` or ```sh)."""
    blocks: list[str] = []
    current: list[str] = []
    inside = keep = False
    for line in text.splitlines():
        if line.startswith("```"):
            if inside and keep:
                blocks.append("\n".join(current))
            inside, keep, current = not inside, line.strip() in SHELL_FENCES, []
        elif inside:
            current.append(line)
    return blocks


def _readme_commands() -> list[str]:
    blocks = _shell_blocks(README.read_text(encoding="utf-8"))
    commands = [m.group(1) for block in blocks for m in COMMAND.finditer(block)]
    return sorted(set(commands))


COMMANDS = _readme_commands()


def _usage_error_examples() -> set[str]:
    """Commands the README shows failing: the line after them is `gssc-match: error: ...`."""
    failing = set()
    for block in _shell_blocks(README.read_text(encoding="utf-8")):
        for line, after in pairwise(block.splitlines()):
            found = COMMAND.match(line)
            if found and after.startswith("gssc-match: error:"):
                failing.add(found.group(1))
    return failing


USAGE_ERRORS = _usage_error_examples()


def test_the_readme_shows_every_command() -> None:
    shown = {c.split()[0] for c in COMMANDS}
    assert shown >= {"rank", "validate", "export", "evaluate", "schema", "plan"}


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [_localise(arg) for arg in shlex.split(command.split(" > ")[0])]
    result = CliRunner().invoke(app, argv)
    bad_example = any("tests/cases/bad" in arg for arg in argv)
    expected = 2 if command in USAGE_ERRORS else 1 if bad_example else 0
    assert result.exit_code == expected, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _localise(arg: str) -> str:
    """Repository paths in examples are resolved from the repository root."""
    candidate = README.parent / arg
    return str(candidate) if "/" in arg and candidate.exists() else arg
