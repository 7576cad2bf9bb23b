"""Charts drawn by matplotlib as inline SVG: offline, and the same bytes for the same data.

Why these settings: `svg.hashsalt` fixes the ids matplotlib derives from a random salt (one
salt per chart, so two charts on one page never share an id); `metadata={"Date": None}`
drops the clock; text stays text (`svg.fonttype: none`) so the page is searchable and small,
laid out with DejaVu Sans, which ships with matplotlib.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from markupsafe import Markup

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

SCORE_MAP = "YlGnBu"
EMPTY = "#eeeeee"
ROW_INCHES = 0.26
CHAR_INCHES = 0.068  # average width of a 9 pt DejaVu Sans character
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)


def label(text: str, limit: int = 48, wrap: int = 0) -> str:
    """A chart label: shortened to `limit` characters, optionally wrapped every `wrap`
    characters, with `$` kept literal (matplotlib would read `$...$` as mathtext)."""
    short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    if wrap:
        short = "\n".join(textwrap.wrap(short, wrap)) or short
    return short.replace("$", r"\$")


@dataclass(frozen=True)
class HeatmapData:
    """Scores by row and column (NaN = no score), with labels and optional cell texts."""

    rows: Sequence[str]
    columns: Sequence[str]
    values: np.ndarray
    cells: Sequence[Sequence[str]] | None = None
    column_wrap: int = 0  # wrap column labels (few, wide columns) instead of turning them


def heatmap(data: HeatmapData, name: str, column_inches: float = 0.22) -> Markup:
    """A heatmap of scores in [0, 1]; blank cells where there is no score."""
    from matplotlib.figure import Figure

    with _style(name):
        rows, columns = len(data.rows), len(data.columns)
        figure = Figure(figsize=_heatmap_size(data, column_inches), layout="constrained")
        axes = figure.add_subplot()
        shown = np.ma.masked_invalid(data.values.reshape(rows, columns))
        colours = _colours()
        image = axes.imshow(shown, cmap=colours, vmin=0.0, vmax=_top(shown), aspect="auto")
        axes.set_yticks(range(rows), [label(r) for r in data.rows])
        axes.set_xticks(
            range(columns),
            [label(c, 48 if data.column_wrap else 32, data.column_wrap) for c in data.columns],
        )
        axes.tick_params(axis="x", labelrotation=0 if data.column_wrap else 90)
        axes.xaxis.tick_top()
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        if data.cells is not None:
            _annotate(axes, data, shown)
        figure.colorbar(image, ax=axes, shrink=min(1.0, 6 / max(rows, 1)), label="score")
        return _svg(figure)


def _heatmap_size(data: HeatmapData, column_inches: float) -> tuple[float, float]:
    """Room for the cells and for the labels around them, so no axis collapses."""
    row_label = CHAR_INCHES * max((len(label(r)) for r in data.rows), default=0)
    column_label = max((len(label(c, 32)) for c in data.columns), default=0)
    header = 0.5 if data.column_wrap else CHAR_INCHES * column_label
    width = 1.6 + row_label + column_inches * max(len(data.columns), 3)
    height = 0.6 + header + ROW_INCHES * max(len(data.rows), 4)
    return min(width, 18.0), height


def _top(values: np.ma.MaskedArray) -> float:
    """The colour scale's top: the highest score rounded up to a tenth (at least 0.3), so
    that a page of modest scores still shows contrast, and the colour bar says so."""
    highest = float(values.max()) if values.count() else 0.0
    return max(0.3, math.ceil(highest * 10 - 1e-9) / 10)


def _annotate(axes: Axes, data: HeatmapData, shown: np.ma.MaskedArray) -> None:
    assert data.cells is not None
    for r, texts in enumerate(data.cells):
        for c, text in enumerate(texts):
            dark = not np.ma.is_masked(shown[r, c]) and float(shown[r, c]) > 0.6 * _top(shown)
            axes.text(
                c, r, label(text, 22), ha="center", va="center", fontsize=7,
                color="white" if dark else "#222222",
            )  # fmt: skip


@dataclass(frozen=True)
class Bars:
    """Counts per category, split into named stacked segments, with a note per category."""

    categories: Sequence[str]
    segments: dict[str, Sequence[int]]
    colours: dict[str, str]
    notes: Sequence[str]


def stacked_bars(data: Bars, name: str, title: str) -> Markup:
    """Horizontal stacked bars, one per category, with its note at the end of the bar."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _style(name):
        count = len(data.categories)
        figure = Figure(figsize=(6.4, 1.0 + 0.24 * max(count, 1)), layout="constrained")
        axes = figure.add_subplot()
        left = np.zeros(count)
        for segment, values in data.segments.items():
            widths = np.array(values, dtype=float)
            axes.barh(
                range(count), widths, left=left, height=0.7, color=data.colours[segment],
                label=segment,
            )  # fmt: skip
            left += widths
        for y, (end, note) in enumerate(zip(left, data.notes, strict=True)):
            axes.text(end + 0.1, y, label(note, 40), va="center", fontsize=8, color="#333333")
        axes.set_yticks(range(count), [label(c, 40) for c in data.categories])
        axes.invert_yaxis()
        axes.set_xlim(0, max(float(left.max(initial=0.0)), 1.0) * 1.45)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("needs")
        axes.set_title(label(title, 80), loc="left", fontsize=10)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        return _svg(figure)


def _style(name: str) -> AbstractContextManager[None]:
    """matplotlib's settings for one chart, restored afterwards."""
    import matplotlib

    return matplotlib.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "svg.fonttype": "none",
            "svg.hashsalt": f"gssc-{name}",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _colours() -> Colormap:
    import matplotlib

    return matplotlib.colormaps[SCORE_MAP].with_extremes(bad=EMPTY)


def _svg(figure: Figure) -> Markup:
    """The figure as an `<svg>` element (no XML prologue), safe to place in a page as is."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    # matplotlib escapes every text it writes into the SVG; the markup is its own.
    return Markup(_PROLOGUE.sub("", buffer.getvalue(), count=1))
