"""Delivers the outbox to Slack: at once after a commit, concurrently across destinations, in order and
within Slack's pace for each destination (bot/pacing.py), with retries that survive restarts. This module
claims and dispatches; bot/sending.py draws, sends and settles each message; bot/doorbell.py wakes the
worker on PostgreSQL when another process queues one.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Delivery
from bot.directory import Directory
from bot.pacing import ChannelPacer
from bot.sending import Drawing, Outcome, Render, Sender
from storage import outbox_claims
from storage.db import SessionFactory
from storage.models import OutboxMethod

log = logging.getLogger(__name__)


class OutboxWorker:
    """Claims due messages and hands them to a pool of senders, woken by commits and by its own timer."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        client: WebClient,
        settings: Delivery,
        clock: Clock,
        directory: Callable[[], Directory],
        renderers: Mapping[str, Render] | None = None,
        reading: SessionFactory | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        observe: Callable[[Outcome, str | None], None] = lambda _outcome, _reason: None,
    ) -> None:
        self.sessions = sessions
        # For what only reads (drawing a message, the next due time): on SQLite, beside the writers, not in turn.
        self.reading = reading or sessions
        self.settings = settings
        self.clock = clock
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.sender = Sender(
            worker_id=self.worker_id,
            sessions=sessions,
            reading=self.reading,
            client=client,
            settings=settings,
            clock=clock,
            directory=directory,
            renderers=renderers or {},
            observe=observe,
        )
        # The sender's own, shared: what the worker calls Slack with and draws intents by.
        self.client = self.sender.client
        self.renderers = self.sender.renderers
        # A claim outlives the slowest Web API call, so only a dead worker loses its claims.
        self.lease = timedelta(seconds=settings.request_timeout_seconds * 3)
        # Slack's pace is real time, whatever date the injected clock says it is.
        self.pacer = ChannelPacer(settings.channel_interval_seconds, settings.channel_burst)
        self.monotonic = monotonic
        self._bell = threading.Event()
        self._stopping = threading.Event()
        # Ids this process is sending: never claimed again here, even when a stall (a held SQLite
        # write lock, a starved CPU) outlasts the lease before Slack's answer is recorded.
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="outbox")
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        with self.sessions.begin() as session:
            released = outbox_claims.release_claims(session, prefix=f"{socket.gethostname()}:", dead=self._dead)
        if released:
            log.info("took back %d messages a crashed sender on this host had claimed", released)
        self._thread = threading.Thread(target=self._run, name="outbox-dispatcher", daemon=True)
        self._thread.start()

    def _dead(self, worker_id: str) -> bool:
        """Whether the worker (host:pid:nonce, on this host) is gone. Our own pid with another nonce
        is a previous life of this process's pid (a container restarted), so gone too."""
        try:
            pid = int(worker_id.rsplit(":", 2)[1])
        except (IndexError, ValueError):
            return False  # not one of ours: let its lease decide
        if worker_id == self.worker_id:
            return False
        if pid == os.getpid():
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, someone else's
            return False
        return False

    def stop(self, timeout: float = 15.0) -> None:
        """Stops claiming and waits for the messages in flight to settle."""
        self._stopping.set()
        self._bell.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True)

    def wake(self) -> None:
        """Called after a commit that queued messages (and on PostgreSQL NOTIFY)."""
        self._bell.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._bell.clear()
            try:
                wait = self._dispatch()
            except Exception:
                log.exception("outbox sweep failed; retrying in %.0f s", self.settings.poll_seconds)
                wait = self.settings.poll_seconds
            if wait > 0:
                self._bell.wait(wait)

    def _dispatch(self) -> float:
        """Hands due messages to the pool; returns how long to sleep unless woken."""
        with self._lock:
            free = self.settings.workers - len(self._in_flight)
        if free == 0:
            return self.settings.poll_seconds  # a finishing delivery rings the bell
        claimed, pacing_wait = self.claim(limit=free)
        with self._lock:
            self._in_flight.update(item.id for item in claimed)
        for item, drawing in self.draw(claimed):
            self._pool.submit(self._deliver_in_pool, item, drawing)
        if len(claimed) == free:
            return 0.0  # there may be more
        return self._idle_wait(pacing_wait)

    def _deliver_in_pool(self, item: outbox_claims.Claimed, drawing: Drawing) -> None:
        try:
            self.send(item, drawing)
        except Exception:  # the database failed while settling: the lease hands the message on
            log.exception("outbox message %d could not be settled; it is retried when its lease ends", item.id)
        finally:
            with self._lock:
                self._in_flight.discard(item.id)
            self._bell.set()

    def _idle_wait(self, pacing_wait: float | None) -> float:
        with self.reading() as session:
            due = outbox_claims.next_due(session, skip=self.pacer.blocked(self.monotonic()))
        wait = self.settings.poll_seconds
        if pacing_wait is not None:
            wait = min(wait, pacing_wait)
        if due is not None and (seconds := (due - self.clock.now()).total_seconds()) > 0:
            wait = min(wait, seconds)
        return wait

    # -- claiming and delivering (also driven directly by tests) -----------------------

    def claim(self, limit: int) -> tuple[list[outbox_claims.Claimed], float | None]:
        """Claims up to ``limit`` due messages; also returns the shortest pacing wait met."""
        now = self.clock.now()
        blocked = self.pacer.blocked(self.monotonic())
        waits: list[float] = list(blocked.values())  # a skipped channel's message waits for its token

        def paced(row: Any) -> bool:
            with self._lock:
                if row.id in self._in_flight:
                    return False
            if row.method != OutboxMethod.POST:
                return True  # Slack's per-channel pace is for new messages
            wait = self.pacer.take(row.channel, self.monotonic())
            if wait:
                waits.append(wait)
            return not wait

        with self.sessions.begin() as session:
            claimed = outbox_claims.claim(
                session,
                now=now,
                worker=self.worker_id,
                lease=self.lease,
                limit=limit,
                accept=paced,
                skip=blocked,
            )
        return claimed, min(waits, default=None)

    def drain(self, timeout: float = 60.0) -> int:
        """Delivers, in this thread, everything due now, keeping Slack's pace: for one-shot commands
        (`sns-bot reminders run`). Returns how many messages were attempted."""
        deadline = time.monotonic() + timeout
        attempted = 0
        while time.monotonic() < deadline:
            claimed, pacing_wait = self.claim(limit=self.settings.workers)
            for item, drawing in self.draw(claimed):
                self.send(item, drawing)
            attempted += len(claimed)
            if not claimed:
                if pacing_wait is None:
                    break  # nothing else is due now
                self._stopping.wait(min(pacing_wait, max(0.0, deadline - time.monotonic())))
        return attempted

    def run_once(self) -> list[Outcome]:
        """Claims what is due and delivers it in this thread."""
        claimed, _ = self.claim(limit=self.settings.workers)
        return [self.send(item, drawing) for item, drawing in self.draw(claimed)]

    def deliver(self, item: outbox_claims.Claimed) -> Outcome:
        """Draws and sends one claimed message."""
        ((_, drawing),) = self.draw([item])
        return self.send(item, drawing)

    def draw(self, items: list[outbox_claims.Claimed]) -> list[tuple[outbox_claims.Claimed, Drawing]]:
        return self.sender.draw(items)

    def send(self, item: outbox_claims.Claimed, drawing: Drawing) -> Outcome:
        return self.sender.send(item, drawing)
