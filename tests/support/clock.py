from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

# Where the tests' clocks start: Thursday 2026-11-26 09:00 JST, a working day.
START = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


class FrozenClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now
