"""Ack latency: request sent → HTTP response, for /sns-report (opens the modal), /sns-help (answers in the
ack) and the report's view_submission (opens a case: distinct URLs, so every one takes the expensive path)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bench.directory import Staff
from bench.load import closed_loop
from bench.opened import OpenedViews
from bench.payloads import case_number, help_command, post_url, report_command, report_submission
from bench.stats import Latency

SLASH, HELP, SUBMISSION = "/sns-report", "/sns-help", "view_submission"
ENDPOINTS = (SLASH, HELP, SUBMISSION)  # the cheap paths first (see measure)


def durable_floor(database: str) -> str:
    """The AckRun.server of the durable floor on ``database``."""
    return f"durable floor, {database}"


@dataclass(frozen=True)
class AckRun:
    server: str  # "floor", durable_floor(database), or the database the bot ran on
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
    response_url: str,
    endpoints: Sequence[str] = ENDPOINTS,
) -> list[AckRun]:
    people = itertools.cycle(staff)
    requests: dict[str, Callable[[int], list[str]]] = {
        SLASH: lambda n: [report_command(next(people)) for _ in range(n)],
        HELP: lambda n: [help_command(next(people), response_url) for _ in range(n)],
        SUBMISSION: lambda n: [report_submission(next(people), post_url(next(posts)), opened) for _ in range(n)],
    }
    # Warm-up: imports, pools, connections and caches, on every path, not measured; then its messages go out.
    for endpoint in endpoints:
        count = min(plan.warmup, WARMUP_SUBMISSIONS) if endpoint == SUBMISSION else plan.warmup
        closed_loop(base_url, requests[endpoint](count), 5)
    settle()
    # Every level of the cheap paths first, then the expensive one: the cases the submissions open are
    # delivered in the background (as they would be), and would otherwise weigh on the commands' figures.
    runs = []
    for endpoint in endpoints:
        make = requests[endpoint]
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
