"""Progress reporting as a value passed in: the library never prints, the CLI decides how."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """Wraps a stream of work items; may show progress, must yield every item unchanged."""

    def __call__(self, items: Iterable[T], total: int, label: str) -> Iterator[T]: ...


def silent(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """No progress shown (the library's default)."""
    return iter(items)
