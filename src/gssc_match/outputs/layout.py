"""What a kind of result row looks like in a file: its columns, which are numbers, what
Markdown shows, and any side sheet in XLSX.

Every file format (CSV, JSON, XLSX, Markdown) is written by the same safe machinery for
any row type; a layout is all that differs between a shortlist and a team list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class TableRow(Protocol):
    """A result row: its JSON shape (lists and objects allowed)."""

    def as_dict(self) -> dict[str, object]: ...


Cells = Callable[[TableRow], dict[str, object]]


def _as_is(row: TableRow) -> dict[str, object]:
    return row.as_dict()


@dataclass(frozen=True)
class SideSheet:
    """An extra XLSX sheet listing some rows (for example the needs with no good match)."""

    title: str
    columns: tuple[str, ...]
    keep: Callable[[TableRow], bool]


@dataclass(frozen=True)
class Layout:
    """Columns and cell values of one row type, for every file format."""

    title: str  # Markdown heading and XLSX sheet name
    columns: tuple[str, ...]
    number_columns: frozenset[str]
    markdown_columns: tuple[str, ...]
    cells: Cells = _as_is  # flat cells for CSV, XLSX and Markdown (JSON keeps as_dict)
    markdown_cells: Cells | None = None  # Markdown's own cells, when they differ
    side_sheets: tuple[SideSheet, ...] = ()

    def markdown(self, row: TableRow) -> dict[str, object]:
        return (self.markdown_cells or self.cells)(row)
