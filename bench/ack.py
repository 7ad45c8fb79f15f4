"""Ack latency: request sent → HTTP response, for /sns-report (opens the modal) and the report's
view_submission (opens a case: distinct URLs, so every one takes the expensive path)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bench.directory import Staff
from bench.load import closed_loop
from bench.opened import OpenedViews
from bench.payloads import case_number, post_url, report_command, report_submission
from bench.stats import Latency

SLASH, SUBMISSION = "/sns-report", "view_submission"


@dataclass(frozen=True)
class AckRun:
    server: str  # "floor" or the database the bot ran on
    endpoint: str
    concurrency: int
    latency: Latency
    errors: dict[int, int]  # answers other than 200, by status (0: no answer)
    cases: int | None  # distinct case numbers answered (the bot's submissions)
    cpu_per_request: float  # seconds of the server process's CPU per request (its background work included)


@dataclass(frozen=True)
class AckPlan:
    requests: dict[int, int]  # concurrency -> requests measured
    warmup: int


WARMUP_SUBMISSIONS = 10  # few enough for their copies to go out within the channels' burst allowance


def measure(
    server: str,
    base_url: str,
    plan: AckPlan,
    staff: list[Staff],
    posts: Iterator[int],
    *,
    is_bot: bool,
    settle: Callable[[], None],
    cpu: Callable[[], float],
    opened: OpenedViews,
) -> list[AckRun]:
    people = itertools.cycle(staff)

    def slash(n: int) -> list[str]:
        return [report_command(next(people)) for _ in range(n)]

    def submissions(n: int) -> list[str]:
        return [report_submission(next(people), post_url(next(posts)), opened) for _ in range(n)]

    # Warm-up: imports, pools, connections and caches, on both paths, not measured; then its messages go out.
    closed_loop(base_url, slash(plan.warmup), 5)
    closed_loop(base_url, submissions(min(plan.warmup, WARMUP_SUBMISSIONS)), 5)
    settle()
    # Every level of the cheap path first, then the expensive one: the cases the submissions open are
    # delivered in the background (as they would be), and would otherwise weigh on the modal's figures.
    runs = []
    for endpoint, make in ((SLASH, slash), (SUBMISSION, submissions)):
        for concurrency, count in plan.requests.items():
            runs.append(_run(server, base_url, endpoint, concurrency, make(count), is_bot=is_bot, cpu=cpu))
    return runs


def _run(
    server: str,
    base_url: str,
    endpoint: str,
    concurrency: int,
    bodies: list[str],
    *,
    is_bot: bool,
    cpu: Callable[[], float],
) -> AckRun:
    used = cpu()
    results = closed_loop(base_url, bodies, concurrency)
    used = cpu() - used
    ok = [r for r in results if r.status == 200]
    cases = None
    if is_bot and endpoint == SUBMISSION:
        cases = len({n for r in ok if (n := case_number(r.body))})
    return AckRun(
        server,
        endpoint,
        concurrency,
        Latency.of([r.seconds for r in results]),
        dict(Counter(r.status for r in results if r.status != 200)),
        cases,
        used / len(results),
    )
