"""A fake Slack that fails on a seeded plan, a clock that runs fast, and counting what Slack accepted.

The plan is keyed by the message, not by arrival order: the n-th attempt of a given message meets the same
answer in every run, whatever the threads' interleaving, so a seed reproduces a run's faults.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from playground.slack_api import RESPONSE_URL, SlackStandIn, decode_form
from tests.support.clock import START

CASE_NUMBER = re.compile(r"SNS-\d{4}-\d{4}")
# Methods the delivery worker calls; auth.test stays healthy so the bot can start.
OUTBOX_METHODS = frozenset({"chat.postMessage", "chat.update"})


@dataclass(frozen=True)
class FaultPlan:
    seed: int
    server_errors: float = 0.30  # answered 500
    rate_limited: float = 0.10  # answered 429 with Retry-After
    retry_after: int = 1
    methods: frozenset[str] = OUTBOX_METHODS

    def answer(self, key: str, attempt: int) -> int:
        """The HTTP status for this attempt of this message: 500, 429 or 200."""
        digest = hashlib.sha256(f"{self.seed}|{key}|{attempt}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        if draw < self.server_errors:
            return 500
        if draw < self.server_errors + self.rate_limited:
            return 429
        return 200


@dataclass(frozen=True)
class Accepted:
    """A call Slack answered ``ok``, with where it put the message."""

    method: str
    args: dict[str, Any]
    channel: str
    ts: str
    at: float  # time.monotonic()


def _args(content_type: str, body: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return decode_form(body)


def message_key(method: str, args: dict[str, Any]) -> str:
    """What identifies a message across its retries: everything but Slack's timestamps."""
    stable = {k: v for k, v in args.items() if k not in ("ts", "thread_ts", "token")}
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{method}:{args.get('channel')}:{digest}"


class FaultySlack(SlackStandIn):
    """SlackStandIn answering the outbox's calls per a FaultPlan, keeping the calls it accepted."""

    def __init__(self, plan: FaultPlan | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.accepted: list[Accepted] = []
        self.injected: Counter[int] = Counter()
        self._attempts: Counter[str] = Counter()

    def _serve(self, method: str, content_type: str, authorization: str, body: bytes, extra: dict[str, Any]) -> Any:
        # The RLock is held across the decision and SlackStandIn's own handling: the fault queued here is the
        # one this call meets, whatever other threads do meanwhile.
        with self._cond:
            if self.plan is not None and method in self.plan.methods:
                key = message_key(method, _args(content_type, body))
                status = self.plan.answer(key, self._attempts[key])
                self._attempts[key] += 1
                if status != 200:
                    self.injected[status] += 1
                    headers = {"Retry-After": str(self.plan.retry_after)} if status == 429 else {}
                    self.fail_next(method, status=status, headers=headers)
            answer = super()._serve(method, content_type, authorization, body, extra)
            status, payload, _ = answer
            if status == 200 and payload.get("ok") and method not in (RESPONSE_URL, "auth.test"):
                call = self._calls[-1]
                self.accepted.append(
                    Accepted(method, call.args, str(payload.get("channel", "")), str(payload.get("ts", "")), call.at)
                )
            return answer

    def accepted_calls(self) -> list[Accepted]:
        with self._cond:
            return list(self.accepted)


def deliveries(accepted: list[Accepted]) -> Counter[tuple[str, str, str]]:
    """Accepted posts per (destination, case number, "post" | "thread"): a case's copies are its top-level
    posts, its timeline lines the replies in the thread of the copy holding it."""
    by_ts: dict[str, str] = {}
    counted: Counter[tuple[str, str, str]] = Counter()
    posts = [a for a in accepted if a.method == "chat.postMessage"]
    for post in posts:
        if not post.args.get("thread_ts"):
            found = CASE_NUMBER.search(str(post.args.get("text", "")))
            number = found.group(0) if found else "?"
            by_ts[post.ts] = number
            counted[(str(post.args.get("channel")), number, "post")] += 1
    for post in posts:
        if thread := post.args.get("thread_ts"):
            counted[(str(post.args.get("channel")), by_ts.get(str(thread), "?"), "thread")] += 1
    return counted


def lost_and_duplicated(
    counted: Counter[tuple[str, str, str]], expected: set[tuple[str, str, str]]
) -> tuple[list[tuple[str, str, str]], int]:
    """The expected messages never accepted, and how many acceptances were extra (repeats or unexpected)."""
    lost = sorted(key for key in expected if counted[key] == 0)
    duplicated = sum(n - 1 for key, n in counted.items() if key in expected and n > 1)
    duplicated += sum(n for key, n in counted.items() if key not in expected)
    return lost, duplicated


class FastClock:
    """Wall time running ``factor`` times faster from ``start``: retries fall due sooner. Slack's pace is
    measured on the real monotonic clock by the worker, so only backoff and Retry-After shrink."""

    def __init__(self, factor: float, start: datetime = START) -> None:
        self.factor = factor
        self.start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.factor)


class Doorbell:
    """Rings the delivery worker every ``interval`` seconds, as commits would: with a fast clock a retry falls
    due before the worker's own (real-time) sleep ends. Not much more often: each ring is a claim, and on SQLite
    a claim takes the write lock the deliveries need to record their answers."""

    def __init__(self, ring: Any, interval: float = 0.25) -> None:
        self._ring = ring
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reliability-doorbell", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._ring()

    def __enter__(self) -> Doorbell:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
