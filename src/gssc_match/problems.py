"""Input problems as values: what is wrong, where, and how bad."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """How serious a problem is; only errors fail validation (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    level: Level
    message: str
    rule: str = "schema"

    def render(self) -> str:
        """`path:line:col: level: message (rule)`, the yamllint/gcc convention."""
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message} ({self.rule})"


def error(path: str, line: int, column: int, message: str, rule: str = "schema") -> Problem:
    """Shorthand for an error-level problem."""
    return Problem(path, line, column, Level.ERROR, message, rule)


def warning(path: str, line: int, column: int, message: str, rule: str = "schema") -> Problem:
    """Shorthand for a warning-level problem."""
    return Problem(path, line, column, Level.WARNING, message, rule)


def printable(text: str, *, ascii_only: bool = False, limit: int = 60) -> str:
    """Text safe to put in a message: control characters escaped, length capped.

    Why: a value may hold ANSI escapes or newlines that a message must not replay on a
    terminal or in a CI log. Keys are shown with `ascii_only`, so that a look-alike
    letter (a Cyrillic `а` in `nаme`) is visible instead of hidden.
    """
    shown = text if len(text) <= limit else text[:limit] + "..."
    if ascii_only:
        shown = shown.encode("ascii", "backslashreplace").decode("ascii")
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in shown)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
