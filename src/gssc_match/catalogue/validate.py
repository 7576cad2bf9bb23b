"""The `validate` use case: check files or a whole catalogue and report every problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..problems import Level, Problem
from ..progress import Progress, silent
from .loader import (
    Kind,
    catalogue_files,
    check_files,
    expand,
    kind_of,
    load_taxonomy,
    same_file,
    taxonomy_path,
)


@dataclass(frozen=True)
class Validation:
    """The outcome of validating some files."""

    problems: tuple[Problem, ...]
    files_checked: int

    @property
    def ok(self) -> bool:
        return not any(p.level is Level.ERROR for p in self.problems)

    def strict(self) -> Validation:
        """Warnings promoted to errors (for `--strict`)."""
        promoted = tuple(
            Problem(p.path, p.line, p.column, Level.ERROR, p.message, p.rule) for p in self.problems
        )
        return Validation(promoted, self.files_checked)


def validate(root: Path, paths: Sequence[Path] = (), progress: Progress = silent) -> Validation:
    """Validate the given files and folders, or the whole catalogue at `root` when none."""
    tax_file = taxonomy_path(root)
    taxonomy, problems = load_taxonomy(tax_file)
    given, missing = expand(paths) if paths else catalogue_files(root)
    others = [t for t in given if same_file(t, tax_file) or kind_of(t) is Kind.OTHER]
    targets = [t for t in given if t not in others]
    checked = check_files(targets, taxonomy, progress=progress)
    all_problems = sorted(set(problems + missing + checked.problems))
    # The taxonomy counts as checked when the whole catalogue or the file itself was asked for.
    taxonomy_counted = not paths or any(same_file(t, tax_file) for t in given)
    return Validation(tuple(all_problems), len(targets) + taxonomy_counted)
