"""The outbox and its delivery worker, against the loopback Slack API, on SQLite and PostgreSQL (its pace, wake-ups
and concurrency: test_outbox_pace.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.delivery import OutboxWorker
from bot.sending import Outcome
from playground.slack_api import SlackStandIn
from storage import outbox
from storage.db import SessionFactory, make_engine, make_sessions
from storage.models import AuditEntry, OutboxMessage, OutboxStatus
from tests.support.clock import FrozenClock
from tests.support.outbox import DIRECTORY, SETTINGS, make_worker, queue, row


@pytest.fixture
def worker(sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock) -> OutboxWorker:
    return make_worker(sessions, fake_slack, clock)


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


def test_a_new_post_goes_before_earlier_updates_and_updates_before_thread_replies_of_its_channel(
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

    assert sent == ["case 2", "case 1 (受領済み)", "line 1", "line 2"]


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

    # The update (ranked before thread lines) refused then sent plain, the reply refused, the notice, the plain reply.
    assert outcomes == [Outcome.REFUSED, Outcome.SENT, Outcome.REFUSED, Outcome.SENT, Outcome.SENT]
    parent_ts = row(sessions, parent.id).slack_ts
    posts = fake_slack.calls_to("chat.postMessage")
    refused_reply, plain_reply = [call for call in posts if "thread_ts" in call.args]
    assert refused_reply.args["thread_ts"] == plain_reply.args["thread_ts"] == parent_ts
    assert "blocks" not in plain_reply.args
    assert "*SNS-2026-0009* 本文" in plain_reply.args["text"]
    refused_update, plain_update = fake_slack.calls_to("chat.update")
    assert refused_update.args["ts"] == plain_update.args["ts"] == parent_ts
    assert plain_update.args["blocks"] == []
    # Two refused messages about case:9, one notice.
    (notice,) = [call for call in posts if call.args["channel"] == "C0PUBLICINFO"]
    assert "msg_too_long" in notice.args["text"]  # the first refused, the update


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
