"""Self-contained HTML pages: the organiser's briefing and the competency catalogue."""

from __future__ import annotations

from pathlib import Path

from ..export import atomic_write, check_path


def write_page(path: Path, html: str, force: bool, protected: tuple[Path, ...]) -> None:
    """Write a page like every export: atomically, never over an input, not over a file
    that exists unless `force`."""
    check_path(path, force, protected)
    atomic_write(path, html.encode("utf-8"))
