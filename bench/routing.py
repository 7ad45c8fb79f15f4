"""End-to-end routing: a report submitted → the last of its four routed copies (the head's DM and the
秘書室, 市政情報課 and 総務課 channels) received by the fake Slack API, with reports about a second apart.

Times are the fake's ``Call.at`` (time.monotonic() when the call arrived, in this process); the fake
answers each call 30 ms later."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench.directory import OFFICE_CHANNELS, Staff
from bench.load import post
from bench.opened import OpenedViews
from bench.payloads import case_number, post_url, report_submission
from bench.slack import Call, RecordingSlack
from bench.stats import Latency


@dataclass(frozen=True)
class RoutingRun:
    server: str
    reports: int
    interval: float
    latency: Latency  # submit → last of the four copies
    by_target: dict[str, Latency] = field(default_factory=dict)  # submit → that copy
    missing: int = 0  # copies not delivered within the wait


def measure(
    server: str,
    base_url: str,
    fake: RecordingSlack,
    staff: list[Staff],
    posts: Iterator[int],
    *,
    reports: int,
    interval: float,
    wait: float,
    opened: OpenedViews,
) -> RoutingRun:
    people = itertools.cycle(staff)
    sent: list[tuple[float, str, str]] = []  # (started, case number, head)
    start = time.monotonic()
    for n in range(reports):
        delay = start + n * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        reporter = next(people)
        result = post(base_url, report_submission(reporter, post_url(next(posts)), opened))
        number = case_number(result.body) if result.status == 200 else None
        if number is None:
            raise RuntimeError(f"report {n} not accepted: HTTP {result.status} {result.body[:200]!r}")
        sent.append((result.sent_at, number, reporter.head))

    deadline = time.monotonic() + wait
    totals: list[float] = []
    by_target: dict[str, list[float]] = {"head": [], **{channel: [] for channel in OFFICE_CHANNELS}}
    missing = 0
    for started, number, head in sent:
        arrived: dict[str, float] = {}
        for target in (head, *OFFICE_CHANNELS):
            call = _copy(fake, number, target, deadline)
            key = "head" if target == head else target
            if call is None:
                missing += 1
                continue
            arrived[key] = call.at - started
            by_target[key].append(call.at - started)
        totals.append(max(arrived.values()) if len(arrived) == 4 else math.inf)
    return RoutingRun(
        server,
        reports,
        interval,
        Latency.of(totals),
        {key: Latency.of(values) for key, values in by_target.items()},
        missing,
    )


def _copy(fake: RecordingSlack, number: str, target: str, deadline: float) -> Call | None:
    """The delivered copy of case ``number`` for ``target`` (a channel, or a user's DM)."""

    def matches(call: Call) -> bool:
        args = call.args
        return (
            args.get("channel") == target
            and not args.get("thread_ts")
            and number in str(args.get("text", ""))
            and fake.answered_ok(call)
        )

    try:
        found = fake.wait_for("chat.postMessage", where=matches, timeout=max(0.0, deadline - time.monotonic()))
    except AssertionError:
        return None
    return min(found, key=lambda call: call.at)
