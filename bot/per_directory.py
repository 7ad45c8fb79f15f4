"""Values drawn from the running configuration once per revision, not once per request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from bot.directory import Directory

T = TypeVar("T")


class PerDirectory(Generic[T]):
    """``build(directory)``, kept for the latest directory only. LiveConfig swaps its Directory whole on each
    reload, so the object is the revision: compared by identity, a reload rebuilds and the old value is dropped.
    Threads may build the same value twice on a reload; neither sees a value of another directory."""

    def __init__(self, build: Callable[[Directory], T]) -> None:
        self._build = build
        self._latest: tuple[Directory, T] | None = None

    def __call__(self, directory: Directory) -> T:
        latest = self._latest  # read once: another thread may replace it meanwhile
        if latest is None or latest[0] is not directory:
            latest = (directory, self._build(directory))
            self._latest = latest
        return latest[1]
