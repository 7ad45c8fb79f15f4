"""Slack's pace for new messages, per destination: the delivery worker claims a channel's next message only
when its bucket has a token (Slack allows about one message a second per channel, with short bursts)."""

from __future__ import annotations

import threading


class ChannelPacer:
    """A token bucket per destination: one message per ``interval`` with bursts of ``burst``."""

    def __init__(self, interval: float, burst: int) -> None:
        self.interval = interval
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # channel -> (tokens, as of)
        self._lock = threading.Lock()

    def take(self, channel: str, now: float) -> float:
        """Takes a token and returns 0, or returns the seconds until one is free."""
        with self._lock:
            tokens, since = self._buckets.get(channel, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) / self.interval)
            if tokens >= 1:
                self._buckets[channel] = (tokens - 1, now)
                return 0.0
            self._buckets[channel] = (tokens, now)
            return (1 - tokens) * self.interval

    def blocked(self, now: float) -> dict[str, float]:
        """The channels with no token free at ``now`` (no new message may go to them yet), with the seconds
        until each has one."""
        with self._lock:
            refilled = {
                channel: tokens + (now - since) / self.interval for channel, (tokens, since) in self._buckets.items()
            }
        return {channel: (1 - tokens) * self.interval for channel, tokens in refilled.items() if tokens < 1}
