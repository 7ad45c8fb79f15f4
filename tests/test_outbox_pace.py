"""The outbox worker's pace, its wake-ups and its concurrency, and what survives a crash, against the loopback
Slack API, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from bot.clock import SystemClock
from bot.config import Delivery
from bot.delivery import OutboxWorker
from bot.doorbell import PostgresDoorbell
from bot.pacing import ChannelPacer
from bot.sending import Outcome
from playground.slack_api import SlackStandIn
from storage import audit, outbox, outbox_claims
from storage.db import SessionFactory, make_engine, make_sessions
from storage.models import OutboxStatus
from tests.conftest import POSTGRES_URL
from tests.support.clock import FrozenClock
from tests.support.outbox import make_worker, queue, row


def paced_worker(
    sessions: SessionFactory, fake: SlackStandIn, clock: FrozenClock, *, burst: int, queued: int
) -> tuple[OutboxWorker, list[float]]:
    """A worker keeping a pace of one a second after ``burst``, on a monotonic clock the test moves (its one
    element, in seconds), with ``queued`` posts to 市政情報課 waiting."""
    seconds = [0.0]
    worker = make_worker(sessions, fake, clock, Delivery(channel_burst=burst, channel_interval_seconds=1.0))
    worker.monotonic = lambda: seconds[0]
    for n in range(queued):
        queue(sessions, clock, "C0PUBLICINFO", f"report {n}")
    return worker, seconds


def test_each_destination_keeps_slacks_pace(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    worker, seconds = paced_worker(sessions, fake_slack, clock, burst=2, queued=3)

    assert worker.run_once() + worker.run_once() == [Outcome.SENT, Outcome.SENT]  # the burst
    assert worker.run_once() == []
    seconds[0] += 1.0
    assert worker.run_once() == [Outcome.SENT]


def test_channel_pacer_refills_one_token_per_interval() -> None:
    pacer = ChannelPacer(interval=1.0, burst=2)

    assert [pacer.take("C1", 0.0), pacer.take("C1", 0.0)] == [0.0, 0.0]
    assert pacer.take("C1", 0.25) == pytest.approx(0.75)
    assert pacer.take("C2", 0.25) == 0.0
    assert pacer.take("C1", 1.0) == 0.0


def test_a_channel_out_of_tokens_is_left_out_of_the_claim_and_named_with_its_wait() -> None:
    pacer = ChannelPacer(interval=1.0, burst=1)
    pacer.take("C1", 0.0)
    pacer.take("C2", 0.0)

    assert pacer.blocked(0.25) == {"C1": pytest.approx(0.75), "C2": pytest.approx(0.75)}
    assert pacer.blocked(1.0) == {}


def test_a_paced_channel_holds_up_no_other_and_sends_again_when_its_token_is_free(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    worker, seconds = paced_worker(sessions, fake_slack, clock, burst=1, queued=2)
    assert worker.run_once() == [Outcome.SENT]
    queue(sessions, clock, "U0HEADKANKO", "a DM")

    claimed, wait = worker.claim(limit=4)  # C0PUBLICINFO is out of tokens: left out, and its wait named
    assert ([c.channel for c in claimed], wait) == (["U0HEADKANKO"], pytest.approx(1.0))
    seconds[0] += 1.0
    claimed, _ = worker.claim(limit=4)
    assert [c.channel for c in claimed] == ["C0PUBLICINFO"]


@pytest.fixture
def running_worker(sessions: SessionFactory, fake_slack: SlackStandIn) -> Iterator[OutboxWorker]:
    # Real time here: the worker sleeps on its bell, and only a commit can ring it within the poll of 60 s.
    worker = make_worker(sessions, fake_slack, SystemClock())
    stop_waking = outbox.on_commit(sessions, worker.wake)
    worker.start()
    yield worker
    worker.stop()
    stop_waking()


def test_a_commit_wakes_the_worker_at_once(
    sessions: SessionFactory, running_worker: OutboxWorker, fake_slack: SlackStandIn
) -> None:
    threading.Event().wait(0.1)  # let the worker fall asleep on its bell
    queue(sessions, SystemClock(), "C0PUBLICINFO", "wake up")

    (call,) = fake_slack.wait_for("chat.postMessage", timeout=3)
    assert call.args["text"] == "wake up"


def test_independent_destinations_are_delivered_concurrently(
    sessions: SessionFactory, running_worker: OutboxWorker, fake_slack: SlackStandIn
) -> None:
    fake_slack.latency = 0.3
    with sessions.begin() as session:
        for channel in ("C0SECRETARIAT", "C0PUBLICINFO", "C0GENERAL", "U0HEADKANKO"):
            outbox.post_message(session, channel=channel, message={"text": "fan-out"}, now=SystemClock().now())

    calls = fake_slack.wait_for("chat.postMessage", count=4, timeout=5)
    # Four calls of 0.3 s each arrived together, not one after another (1.2 s).
    assert max(c.at for c in calls) - min(c.at for c in calls) < 0.25


def postgres_only(test: Callable[..., None]) -> Callable[..., None]:
    skip = pytest.mark.skipif(POSTGRES_URL is None, reason="PostgreSQL does not answer")
    return skip(pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)(test))


@postgres_only
def test_concurrent_claims_never_share_a_message(sessions: SessionFactory, clock: FrozenClock, engine: Engine) -> None:
    for channel in ("C1", "C2", "C3", "C4"):
        queue(sessions, clock, channel, "x")
    other = make_sessions(make_engine(engine.url.render_as_string(hide_password=False)))

    with sessions.begin() as first:
        mine = outbox_claims.claim(first, now=clock.now(), worker="a", lease=timedelta(minutes=1), limit=2)
        # While the first claim's transaction holds its rows, a second process skips them.
        with other.begin() as second:
            theirs = outbox_claims.claim(second, now=clock.now(), worker="b", lease=timedelta(minutes=1), limit=10)

    assert len(mine) == 2
    assert len(theirs) == 2
    assert {c.id for c in mine}.isdisjoint(c.id for c in theirs)


@postgres_only
def test_notify_wakes_a_worker_in_another_process(
    database_url: str, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    listener_engine = make_engine(database_url)
    worker = make_worker(make_sessions(listener_engine), fake_slack, SystemClock())
    doorbell = PostgresDoorbell(listener_engine, worker.wake)
    worker.start()
    doorbell.start()
    try:
        threading.Event().wait(0.5)  # the doorbell is listening; the worker sleeps for its poll of 60 s
        writer = make_sessions(make_engine(database_url))  # another process: no in-process hook
        queue(writer, SystemClock(), "C0PUBLICINFO", "from elsewhere")
        (call,) = fake_slack.wait_for("chat.postMessage", timeout=3)
        assert call.args["text"] == "from elsewhere"
    finally:
        doorbell.stop()
        worker.stop()
        listener_engine.dispose()


@postgres_only
def test_every_transaction_that_queues_rings_even_in_a_process_without_a_worker(
    database_url: str, clock: FrozenClock
) -> None:
    """`serve --no-delivery`: no worker's listener resets the ring between a session's transactions."""
    engine = make_engine(database_url)
    rung = threading.Event()
    doorbell = PostgresDoorbell(engine, rung.set)
    doorbell.start()
    try:
        assert rung.wait(5), "the doorbell did not start"  # it rings once as it starts listening
        with make_sessions(engine)() as session:
            for text_ in ("first", "second"):
                rung.clear()
                with session.begin():
                    outbox.post_message(session, channel="C0PUBLICINFO", message={"text": text_}, now=clock.now())
                assert rung.wait(5), f"no NOTIFY for the {text_} transaction"
    finally:
        doorbell.stop()
        engine.dispose()


def test_audit_log_is_append_only(sessions: SessionFactory, clock: FrozenClock) -> None:
    with sessions.begin() as session:
        audit.record(session, at=clock.now(), actor=None, action="test", entity_type="t", entity_id=1)
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), sessions.begin() as session:
            session.execute(text(statement))


def test_a_restart_takes_back_at_once_what_a_crashed_sender_on_this_host_had_claimed(
    sessions: SessionFactory, fake_slack: SlackStandIn
) -> None:
    clock = SystemClock()
    message_id = queue(sessions, clock, "C0PUBLICINFO", "報告")
    crashed = make_worker(sessions, fake_slack, clock)
    crashed.worker_id = f"{socket.gethostname()}:{2**22 + 12345}:dead00"  # a pid no process has
    crashed.claim(limit=10)  # ...and it dies holding the message, its lease still running
    elsewhere = make_worker(sessions, fake_slack, clock)
    elsewhere.worker_id = "another-host:1:abc123"  # another host's claims are left to their leases
    queue(sessions, clock, "C0GENERAL", "別の報告")
    elsewhere.claim(limit=10)

    restarted = make_worker(sessions, fake_slack, clock)
    restarted.start()
    try:
        (call,) = fake_slack.wait_for("chat.postMessage", timeout=3)
    finally:
        restarted.stop()

    assert call.args["text"] == "報告"
    assert row(sessions, message_id).status == OutboxStatus.SENT
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
