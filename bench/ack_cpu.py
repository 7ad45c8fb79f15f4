"""CPU on a report's ack path: the report modal's submission served in-process through the bot's own WSGI
endpoint (signature, parsing, Bolt, the listener, the transaction up to its commit), one at a time, with no
delivery worker running, so that the CPU measured is the request's alone. The wall-clock of the same calls
adds the waits (the disk's, mostly). The transaction's own CPU (the listener thread's, from its start to its
commit, as issue 13 measured it) is timed around the listener's call of storage.idempotency.once. Issue 13's
target: at most 3 ms of CPU per report in that transaction."""

from __future__ import annotations

import io
import itertools
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.directory import Staff
from bench.load import EVENTS_PATH, FORM
from bench.opened import OpenedViews
from bench.payloads import case_number, post_url, report_submission
from bench.processes import Database
from bench.slack import BOT_TOKEN, SIGNING_SECRET, signature_headers
from bot.app import create_app
from bot.clock import SystemClock
from bot.environment import Environment
from bot.http import SlackEndpoint
from bot.service import open_runtime
from handlers.report import listeners

FIRST_POST = 7_000_000  # posts of their own: every submission opens a case


@dataclass(frozen=True)
class AckCpu:
    database: str
    requests: int
    cpu_ms: float  # CPU of the process per submission, every thread
    transaction_cpu_ms: float  # CPU of the listener's transaction per submission, up to its commit
    wall_ms: float  # median wall-clock per submission
    cases: int  # distinct case numbers answered


def measure(
    config: Path,
    database: Database,
    api_url: str,
    people: Sequence[Staff],
    *,
    requests: int,
    warmup: int,
    profile: Callable[[str, Callable[[], Any]], Any] | None = None,
) -> AckCpu:
    env = Environment(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=api_url,
        database_url=database.url,
        config_path=config,
    )
    runtime = open_runtime(env, SystemClock())
    opened = OpenedViews(database.url)
    try:
        endpoint = SlackEndpoint(
            bolt=create_app(runtime),
            signing_secret=SIGNING_SECRET,
            health=lambda: (True, {}),
            max_body_bytes=1 << 20,
            metrics=runtime.metrics,
        )
        reporters = itertools.cycle(people)
        bodies = [
            report_submission(next(reporters), post_url(FIRST_POST + n), opened) for n in range(warmup + requests)
        ]
        for body in bodies[:warmup]:
            _submit(endpoint, body)
        timed = bodies[warmup:]
        with _transactions_timed() as spent:
            if profile is None:
                cpu, walls, answers = _run(endpoint, timed)
            else:
                cpu, walls, answers = profile(f"ack-cpu-{database.kind}", lambda: _run(endpoint, timed))
    finally:
        opened.close()
        runtime.engine.dispose()
    return AckCpu(
        database=database.kind,
        requests=requests,
        cpu_ms=cpu * 1000 / requests,
        transaction_cpu_ms=sum(spent) * 1000 / requests,
        wall_ms=statistics.median(walls) * 1000,
        cases=len({case_number(a) for a in answers} - {None}),
    )


@contextmanager
def _transactions_timed() -> Iterator[list[float]]:
    """The listener thread's CPU in each call of ``once`` (the submission's transaction), in order."""
    spent: list[float] = []
    original = listeners.once

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.thread_time() - started)

    listeners.once = timed  # type: ignore[assignment]
    try:
        yield spent
    finally:
        listeners.once = original  # type: ignore[assignment]


def _run(endpoint: SlackEndpoint, bodies: list[str]) -> tuple[float, list[float], list[bytes]]:
    walls, answers = [], []
    started = time.process_time()
    for body in bodies:
        began = time.perf_counter()
        answers.append(_submit(endpoint, body))
        walls.append(time.perf_counter() - began)
    return time.process_time() - started, walls, answers


def _submit(endpoint: SlackEndpoint, body: str) -> bytes:
    """One signed submission through the WSGI endpoint, as waitress would hand it over."""
    data = body.encode()
    headers = {"Content-Type": FORM, **signature_headers(data)}
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": EVENTS_PATH,
        "QUERY_STRING": "",
        "CONTENT_TYPE": FORM,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    status: list[str] = []
    answer = b"".join(endpoint(environ, lambda s, _headers, *_: status.append(s)))
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"the bot answered {status}: {answer[:300]!r}")
    return answer
