"""The outbox and its delivery worker, against the loopback Slack API, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select, text

from bot.clock import Clock, SystemClock
from bot.config import Delivery, load_config
from bot.delivery import OutboxWorker
from bot.directory import Directory
from bot.doorbell import PostgresDoorbell
from bot.pacing import ChannelPacer
from bot.sending import Outcome
from playground.slack_api import SlackStandIn
from storage import audit, outbox, outbox_claims
from storage.db import SessionFactory, make_engine, make_sessions
from storage.models import AuditEntry, OutboxMessage, OutboxStatus
from tests.conftest import POSTGRES_URL
from tests.support.bot import APP_YAML
from tests.support.clock import FrozenClock

SETTINGS = Delivery(workers=4, give_up_after_minutes=30, max_backoff_seconds=5, channel_burst=10, poll_seconds=60)
DIRECTORY = Directory(load_config(APP_YAML))


def make_worker(
    sessions: SessionFactory, fake: SlackStandIn, clock: Clock, settings: Delivery = SETTINGS
) -> OutboxWorker:
    client = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5, retry_handlers=[])
    return OutboxWorker(sessions=sessions, client=client, settings=settings, clock=clock, directory=lambda: DIRECTORY)


@pytest.fixture
def worker(sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock) -> OutboxWorker:
    return make_worker(sessions, fake_slack, clock)


def queue(sessions: SessionFactory, clock: Clock, channel: str, text_: str, **kwargs: object) -> int:
    with sessions.begin() as session:
        row = outbox.post_message(session, channel=channel, message={"text": text_}, now=clock.now(), **kwargs)
        session.flush()
        return row.id


def row(sessions: SessionFactory, message_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.get_one(OutboxMessage, message_id)


def test_a_queued_message_is_delivered_and_its_place_in_slack_recorded(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    message_id = queue(sessions, clock, "C0PUBLICINFO", "届出がありました")

    assert worker.run_once() == [Outcome.SENT]

    (call,) = fake_slack.calls_to("chat.postMessage")
    assert (call.args["channel"], call.args["text"]) == ("C0PUBLICINFO", "届出がありました")
    sent = row(sessions, message_id)
    assert (sent.status, sent.slack_channel, sent.attempts) == (OutboxStatus.SENT, "C0PUBLICINFO", 1)
    assert sent.slack_ts
    assert sent.sent_at == clock.now()


def test_a_message_to_a_user_goes_to_the_bots_dm_and_records_that_channel(
    sessions: SessionFactory, worker: OutboxWorker, clock: FrozenClock
) -> None:
    message_id = queue(sessions, clock, "U0HEADKANKO", "報告が届きました")

    worker.run_once()

    assert row(sessions, message_id).slack_channel.startswith("D")


def test_one_destination_in_order_one_at_a_time_others_concurrently(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    for n in range(3):
        queue(sessions, clock, "C0SECRETARIAT", f"secretariat {n}")
    queue(sessions, clock, "C0GENERAL", "general 0")

    first_round = worker.run_once()  # the first of each destination
    assert first_round == [Outcome.SENT, Outcome.SENT]
    while worker.run_once():
        pass

    texts = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0SECRETARIAT"]
    assert texts == ["secretariat 0", "secretariat 1", "secretariat 2"]


def test_thread_replies_and_updates_find_their_parent_in_slack(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    with sessions.begin() as session:
        parent = outbox.post_message(session, channel="U0HEADKANKO", message={"text": "case"}, now=clock.now())
        outbox.post_message(
            session, channel="U0HEADKANKO", message={"text": "timeline"}, now=clock.now(), thread_of=parent
        )
        outbox.update_message(session, target=parent, message={"text": "case (受領済み)"}, now=clock.now())

    while worker.run_once():
        pass

    _, reply = fake_slack.calls_to("chat.postMessage")
    (update,) = fake_slack.calls_to("chat.update")
    with sessions() as session:
        parent_row = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        parent_ts, parent_channel = parent_row.slack_ts, parent_row.slack_channel
    assert (reply.args["channel"], reply.args["thread_ts"]) == (parent_channel, parent_ts)
    assert (update.args["channel"], update.args["ts"]) == (parent_channel, parent_ts)
    assert update.args["text"] == "case (受領済み)"


def test_a_new_post_goes_before_earlier_thread_replies_and_updates_of_its_channel(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    first = queue(sessions, clock, "C0PUBLICINFO", "case 1")
    worker.run_once()
    with sessions.begin() as session:
        case_1 = session.get_one(OutboxMessage, first)
        outbox.post_message(
            session, channel="C0PUBLICINFO", message={"text": "line 1"}, now=clock.now(), thread_of=case_1
        )
        outbox.update_message(session, target=case_1, message={"text": "case 1 (受領済み)"}, now=clock.now())
        outbox.post_message(
            session, channel="C0PUBLICINFO", message={"text": "line 2"}, now=clock.now(), thread_of=case_1
        )
    queue(sessions, clock, "C0PUBLICINFO", "case 2")

    sent = []
    while outcomes := worker.run_once():
        assert len(outcomes) == 1  # still one message of the channel at a time
        sent.append(fake_slack.calls[-1].args["text"])

    assert sent == ["case 2", "line 1", "case 1 (受領済み)", "line 2"]


def test_429_waits_for_retry_after_without_counting_an_attempt(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "7"})
    message_id = queue(sessions, clock, "C0PUBLICINFO", "炎上の報告")

    assert worker.run_once() == [Outcome.RETRY]
    waiting = row(sessions, message_id)
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 0)
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=7)

    clock.advance(seconds=6)
    assert worker.run_once() == []
    clock.advance(seconds=1)
    assert worker.run_once() == [Outcome.SENT]
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_server_errors_back_off_exponentially_up_to_a_short_cap_then_deliver(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, times=5)
    message_id = queue(sessions, clock, "C0PUBLICINFO", "報告")

    waits = []
    for _ in range(5):
        assert worker.run_once() == [Outcome.RETRY]
        wait = row(sessions, message_id).next_attempt_at - clock.now()
        waits.append(wait.total_seconds())
        clock.advance(seconds=wait.total_seconds())
    assert waits == [1, 2, 4, 5, 5]  # capped at delivery.max_backoff_seconds
    assert worker.run_once() == [Outcome.SENT]
    assert row(sessions, message_id).attempts == 6


def test_slack_transient_errors_are_retried(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.fail_next("chat.postMessage", error="service_unavailable")
    queue(sessions, clock, "C0PUBLICINFO", "報告")

    assert worker.run_once() == [Outcome.RETRY]


def test_connection_errors_are_retried(sessions: SessionFactory, clock: FrozenClock) -> None:
    with SlackStandIn() as gone:
        url = gone.api_url
    client = WebClient(token="xoxb-test", base_url=url, timeout=2, retry_handlers=[])
    worker = OutboxWorker(sessions=sessions, client=client, settings=SETTINGS, clock=clock, directory=lambda: DIRECTORY)
    message_id = queue(sessions, clock, "C0PUBLICINFO", "報告")

    assert worker.run_once() == [Outcome.RETRY]
    assert "connection" in row(sessions, message_id).last_error


def test_a_permanent_error_fails_the_message_once_logged_and_audited(
    sessions: SessionFactory,
    worker: OutboxWorker,
    fake_slack: SlackStandIn,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")
    message_id = queue(sessions, clock, "C0GONE", "報告")

    assert worker.run_once() == [Outcome.FAILED]
    clock.advance(hours=1)
    assert worker.run_once() == []

    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    failed = row(sessions, message_id)
    assert (failed.status, failed.last_error) == (OutboxStatus.FAILED, "channel_not_found")
    with sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.failed")).one()
    assert (entry.entity_id, entry.actor_id, entry.after["error"]) == (str(message_id), None, "channel_not_found")
    assert "channel_not_found" in caplog.text


def test_a_failed_message_does_not_block_its_destination(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.fail_next("chat.postMessage", error="invalid_blocks")
    queue(sessions, clock, "C0PUBLICINFO", "broken")
    queue(sessions, clock, "C0PUBLICINFO", "fine")

    assert worker.run_once() == [Outcome.FAILED]
    assert worker.run_once() == [Outcome.SENT]


def test_retries_end_once_the_message_is_too_old(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.fail_next("chat.postMessage", status=503, times=10)
    message_id = queue(sessions, clock, "C0PUBLICINFO", "報告")

    outcomes = []
    for _ in range(4):
        outcomes += worker.run_once()
        clock.advance(minutes=10)  # give_up_after_minutes is 30 here

    assert outcomes == [Outcome.RETRY] * 3 + [Outcome.FAILED]
    assert row(sessions, message_id).attempts == 4
    assert "gave up after 4 attempts" in row(sessions, message_id).last_error


def test_replies_and_updates_of_a_failed_message_fail_too(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")
    with sessions.begin() as session:
        parent = outbox.post_message(session, channel="C0GONE", message={"text": "case"}, now=clock.now())
        outbox.update_message(session, target=parent, message={"text": "case v2"}, now=clock.now())

    assert worker.run_once() == [Outcome.FAILED]
    assert worker.run_once() == []

    with sessions() as session:
        child = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert (child.status, child.last_error) == (OutboxStatus.FAILED, f"parent_failed: message {child.parent_id}")
    assert fake_slack.calls_to("chat.update") == []


def test_a_refused_reply_and_update_go_as_plain_text_in_their_place_and_public_info_hears_once(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*SNS-2026-0009* 本文"}}]
    with sessions.begin() as session:
        parent = outbox.post_message(
            session,
            channel="U0HEADKANKO",
            message={"text": "写し", "blocks": blocks},
            now=clock.now(),
            subject="case:9",
        )
    assert worker.run_once() == [Outcome.SENT]
    with sessions.begin() as session:
        parent = session.get_one(OutboxMessage, parent.id)
        reply = outbox.post_message(
            session,
            channel="U0HEADKANKO",
            message={"text": "返信", "blocks": blocks},
            now=clock.now(),
            thread_of=parent,
        )
        outbox.update_message(session, target=parent, message={"text": "更新", "blocks": blocks}, now=clock.now())
        assert reply.subject == "case:9"  # replies and updates are about their parent's subject

    fake_slack.fail_next("chat.postMessage", error="invalid_blocks")
    fake_slack.fail_next("chat.update", error="msg_too_long")
    outcomes = [outcome for _ in range(5) for outcome in worker.run_once()]

    # The reply refused then sent plain (its notice queued), the update refused, the notice, the plain update.
    assert outcomes == [Outcome.REFUSED, Outcome.SENT, Outcome.REFUSED, Outcome.SENT, Outcome.SENT]
    parent_ts = row(sessions, parent.id).slack_ts
    refused_reply, plain_reply = fake_slack.calls_to("chat.postMessage")[1:3]
    assert refused_reply.args["thread_ts"] == plain_reply.args["thread_ts"] == parent_ts
    assert "blocks" not in plain_reply.args
    assert "*SNS-2026-0009* 本文" in plain_reply.args["text"]
    refused_update, plain_update = fake_slack.calls_to("chat.update")
    assert refused_update.args["ts"] == plain_update.args["ts"] == parent_ts
    assert plain_update.args["blocks"] == []
    (notice,) = fake_slack.calls_to("chat.postMessage")[3:]  # two refused messages about case:9, one notice
    assert notice.args["channel"] == "C0PUBLICINFO"
    assert "invalid_blocks" in notice.args["text"]


def test_after_a_crash_claimed_messages_are_delivered_once_the_lease_ends(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    message_id = queue(sessions, clock, "C0PUBLICINFO", "報告")
    crashed = make_worker(sessions, fake_slack, clock)
    claimed, _ = crashed.claim(limit=10)  # ...and the process dies before calling Slack
    assert [c.id for c in claimed] == [message_id]

    restarted = make_worker(sessions, fake_slack, clock)
    assert restarted.run_once() == []
    clock.advance(seconds=crashed.lease.total_seconds() + 1)
    assert restarted.run_once() == [Outcome.SENT]

    # The crashed worker's late answer cannot overwrite the restarted one's.
    assert crashed.deliver(claimed[0]) == Outcome.LOST_CLAIM
    assert row(sessions, message_id).claimed_by == restarted.worker_id


def test_pending_messages_survive_a_restart(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, database_url: str
) -> None:
    queue(sessions, clock, "C0PUBLICINFO", "before the restart")
    fresh_sessions = make_sessions(make_engine(database_url))

    assert make_worker(fresh_sessions, fake_slack, clock).run_once() == [Outcome.SENT]


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


def test_rolled_back_messages_are_never_sent(
    sessions: SessionFactory, worker: OutboxWorker, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    def change_that_fails() -> None:
        with sessions.begin() as session:
            outbox.post_message(session, channel="C0PUBLICINFO", message={"text": "half-done"}, now=clock.now())
            raise RuntimeError("the state change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert worker.run_once() == []
    assert fake_slack.calls_to("chat.postMessage") == []


@pytest.fixture
def running_worker(sessions: SessionFactory, fake_slack: SlackStandIn) -> Iterator[OutboxWorker]:
    # Real time here: the worker sleeps on its bell, and only a commit can ring it within the poll of 60 s.
    worker = make_worker(sessions, fake_slack, SystemClock())
    outbox.on_commit(sessions, worker.wake)
    worker.start()
    yield worker
    worker.stop()


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
