"""The library's exceptions: raised in the library, turned into messages once, in the CLI."""

from __future__ import annotations

from .problems import Problem


class GsscMatchError(Exception):
    """Base of every error the CLI reports as a message rather than a traceback."""

    exit_code = 1


class UsageError(GsscMatchError):
    """The command was asked for something that cannot exist (exit code 2)."""

    exit_code = 2


class UnknownCountryError(UsageError):
    """A country that is not in the taxonomy."""

    def __init__(self, given: str, valid: list[str]) -> None:
        super().__init__(f"unknown country '{given}'; choose one of: {', '.join(valid)}")


class UnknownRecordError(UsageError):
    """An SME or need id that is not in the catalogue."""


class CatalogueError(GsscMatchError):
    """The catalogue has errors; they must be fixed before ranking."""

    def __init__(self, problems: list[Problem], what: str = "the catalogue") -> None:
        self.problems = problems
        hint = "; run `gssc-match validate`" if what == "the catalogue" else ""
        count = f"{len(problems)} problem{'s' * (len(problems) != 1)}"
        super().__init__(f"{what} has {count}{hint}")


class OutputError(GsscMatchError):
    """An output file cannot or must not be written."""
