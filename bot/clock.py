"""Time, injected: services and the worker ask a Clock, so tests can set the date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock stopped at one instant: `sns-bot reminders run --now` sweeps as of then."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("give the instant with its offset, e.g. 2026-12-01T08:30+09:00")
        self._at = at

    def now(self) -> datetime:
        return self._at
