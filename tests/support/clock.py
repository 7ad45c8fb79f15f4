from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class FrozenClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now
