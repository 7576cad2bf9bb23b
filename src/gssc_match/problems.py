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
        """`path:line:col: level: message (rule)`, the yamllint/gcc convention.

        Why the escaping: a file name may hold a newline or an ANSI sequence too, and the
        line must stay one line that does nothing to a terminal or a CI log.
        """
        where = f"{visible(self.path)}:{self.line}:{self.column}"
        return f"{where}: {self.level}: {visible(self.message)} ({self.rule})"


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
    return visible(shown)


def visible(text: str) -> str:
    """Text with every non-printable character (newline, ESC, NUL...) written as an escape."""
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
