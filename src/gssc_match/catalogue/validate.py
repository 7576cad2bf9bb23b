"""The `validate` use case: check files or a whole catalogue and report every problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..problems import Level, Problem
from ..progress import Progress, silent
from .loader import (
    catalogue_files,
    check_files,
    expand,
    load_taxonomy,
    mission_files,
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
    if paths:
        given, missing = expand(paths)
    else:
        records, missing = catalogue_files(root)
        given = records + mission_files(root)
    targets = [t for t in given if not same_file(t, tax_file)]
    checked = check_files(targets, taxonomy, progress=progress)
    all_problems = sorted(set(problems + missing + checked.problems))
    # The taxonomy counts as checked when the whole catalogue or the file itself was asked for.
    taxonomy_counted = not paths or len(targets) < len(given)
    return Validation(tuple(all_problems), len(targets) + taxonomy_counted)
