"""Load generation: signed POSTs to /slack/events from threads, one connection per request (no keep-alive,
for the bot and the floor alike), timed from just before connecting to the last byte of the answer."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.slack import signature_headers

FORM = "application/x-www-form-urlencoded"
EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class Result:
    status: int  # 0: no answer (connection refused, reset or timed out)
    seconds: float
    body: bytes
    sent_at: float  # time.monotonic() when the request started


def post(base_url: str, body: str, *, timeout: float = 30.0) -> Result:
    """One signed POST of a form body, as Slack sends it."""
    data = body.encode()
    headers = {"Content-Type": FORM, "Connection": "close", **signature_headers(data)}
    parts = urlsplit(base_url)
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", EVENTS_PATH, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return Result(response.status, time.monotonic() - started, payload, started)
    except (OSError, http.client.HTTPException):
        return Result(0, time.monotonic() - started, b"", started)
    finally:
        connection.close()


def get_status(base_url: str, path: str, *, timeout: float = 2.0) -> int:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def closed_loop(base_url: str, bodies: Sequence[str], concurrency: int) -> list[Result]:
    """Sends every body with ``concurrency`` clients, each sending its next request when answered."""
    results: list[Result | None] = [None] * len(bodies)
    counter = itertools.count()
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                index = next(counter)
            if index >= len(bodies):
                return
            results[index] = post(base_url, bodies[index])

    threads = [threading.Thread(target=client, name=f"client-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def open_loop(base_url: str, schedule: Sequence[tuple[float, str]], *, workers: int) -> tuple[list[Result], float]:
    """Sends each body at its offset (seconds from now) whether or not earlier ones were answered, with up to
    ``workers`` requests in flight; returns the results in schedule order and the largest lateness (seconds
    a request started after its time, when every worker was busy)."""
    start = time.monotonic()
    with ThreadPoolExecutor(workers, thread_name_prefix="burst") as pool:
        futures = []
        for offset, body in schedule:
            delay = start + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(post, base_url, body))
        results = [f.result() for f in futures]
    lateness = max((r.sent_at - start - offset for r, (offset, _) in zip(results, schedule, strict=True)), default=0)
    return results, max(0.0, lateness)
