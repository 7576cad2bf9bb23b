"""Render validation problems as text, JSON or GitHub workflow annotations (pure functions)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import StrEnum

from ..problems import Level, Problem


class ProblemFormat(StrEnum):
    """Output formats of `validate`."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def summary(problems: Sequence[Problem], files_checked: int) -> str:
    """`N files checked, M with problems`, plus the error and warning counts."""
    with_problems = len({p.path for p in problems})
    errors = sum(p.level is Level.ERROR for p in problems)
    warnings = len(problems) - errors
    files = f"{files_checked} {_plural(files_checked, 'file')} checked"
    counts = f"{errors} {_plural(errors, 'error')}, {warnings} {_plural(warnings, 'warning')}"
    detail = f" ({counts})" if problems else ""
    return f"{files}, {with_problems} with problems{detail}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def as_text(problems: Sequence[Problem], files_checked: int) -> str:
    lines = [p.render() for p in problems]
    return "\n".join([*lines, summary(problems, files_checked)]) + "\n"


def as_json(problems: Sequence[Problem], files_checked: int) -> str:
    document = {
        "files_checked": files_checked,
        "files_with_problems": len({p.path for p in problems}),
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "level": str(p.level),
                "message": p.message,
                "rule": p.rule,
            }
            for p in problems
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_github(problems: Sequence[Problem], files_checked: int) -> str:
    """`::error file=…,line=…,col=…::message` lines, escaped so no value can become a command."""
    lines = [
        f"::{p.level} file={_property(p.path)},line={p.line},col={p.column},"
        f"title={_property(p.rule)}::{_data(p.message)}"
        for p in problems
    ]
    return "\n".join([*lines, summary(problems, files_checked)]) + "\n"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


RENDERERS: dict[ProblemFormat, Callable[[Sequence[Problem], int], str]] = {
    ProblemFormat.TEXT: as_text,
    ProblemFormat.JSON: as_json,
    ProblemFormat.GITHUB: as_github,
}


def render_problems(problems: Sequence[Problem], files_checked: int, fmt: ProblemFormat) -> str:
    """The whole validation report in one format."""
    return RENDERERS[fmt](problems, files_checked)
