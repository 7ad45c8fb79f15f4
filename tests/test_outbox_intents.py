"""Messages queued as intents and drawn when sent: one pending message stands for many changes, an update
drawn the same as what its message shows is skipped, and a stale copy left by the old sweep is queued an
update by the migration. On SQLite and PostgreSQL, against the loopback Slack API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session

from bot.delivery import OutboxWorker
from bot.directory import Directory
from bot.sending import BUG_ATTEMPTS, Outcome
from playground.slack_api import SlackStandIn
from storage import migrate, outbox, outbox_claims
from storage.db import SessionFactory
from storage.models import OutboxMessage, OutboxMethod, OutboxStatus
from tests.support.clock import FrozenClock
from tests.test_outbox import DIRECTORY, SETTINGS

NOTE = {"kind": "test.note"}


class Board:
    """A stand-in feature: its one message shows the board's current text, drawn when sent."""

    def __init__(self) -> None:
        self.text = "version 1"
        self.drawn = 0

    def draw(self, _session: Session, _directory: Directory, _message: outbox_claims.Claimed) -> dict[str, Any] | None:
        self.drawn += 1
        return {"text": self.text} if self.text else None


@pytest.fixture
def board() -> Board:
    return Board()


@pytest.fixture
def worker(sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board) -> OutboxWorker:
    """A worker that draws the board's note."""
    client = WebClient(token="xoxb-test", base_url=fake_slack.api_url, timeout=5, retry_handlers=[])
    return OutboxWorker(
        sessions=sessions,
        client=client,
        settings=SETTINGS,
        clock=clock,
        directory=lambda: DIRECTORY,
        renderers={NOTE["kind"]: board.draw},
    )


def post(sessions: SessionFactory, clock: FrozenClock, intent: dict[str, Any] = NOTE) -> int:
    with sessions.begin() as session:
        row = outbox.post_intent(session, channel="C0PUBLICINFO", intent=intent, now=clock.now(), subject="t:1")
        session.flush()
        assert row is not None
        return row.id


def update(sessions: SessionFactory, clock: FrozenClock, target_id: int) -> None:
    with sessions.begin() as session:
        target = session.get_one(OutboxMessage, target_id)
        outbox.update_intents(session, targets=[target], intent=NOTE, now=clock.now())


def rows(sessions: SessionFactory) -> list[tuple[OutboxMethod, OutboxStatus]]:
    with sessions() as session:
        return [(r.method, r.status) for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_message_is_drawn_when_sent_from_the_state_of_that_moment(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    post(sessions, clock)
    board.text = "version 2"

    assert worker.run_once() == [Outcome.SENT]

    (call,) = fake_slack.calls_to("chat.postMessage")
    assert call.args["text"] == "version 2"


def test_changes_before_a_post_is_sent_need_no_update_and_many_changes_after_it_one(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    posted = post(sessions, clock)
    update(sessions, clock, posted)  # the post is still pending: it will draw this change itself
    assert rows(sessions) == [(OutboxMethod.POST, OutboxStatus.PENDING)]
    worker.run_once()

    for n in range(3):
        board.text = f"version {n + 2}"
        update(sessions, clock, posted)
    assert rows(sessions)[1:] == [(OutboxMethod.UPDATE, OutboxStatus.PENDING)]
    worker.run_once()

    (call,) = fake_slack.calls_to("chat.update")
    assert call.args["text"] == "version 4"


def test_a_change_while_an_update_is_being_sent_queues_another_drawn_after_it(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    posted = post(sessions, clock)
    worker.run_once()
    board.text = "version 2"
    update(sessions, clock, posted)
    claimed, _ = worker.claim(limit=4)  # claimed, so perhaps drawn already: it cannot stand for what follows
    board.text = "version 3"
    update(sessions, clock, posted)
    for item in claimed:
        worker.deliver(item)
    worker.run_once()

    assert [c.args["text"] for c in fake_slack.calls_to("chat.update")] == ["version 3"]
    assert [status for _, status in rows(sessions)] == [OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.SKIPPED]


def test_an_update_drawn_as_its_message_shows_is_skipped_and_nothing_to_say_is_skipped(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    posted = post(sessions, clock)
    worker.run_once()
    update(sessions, clock, posted)

    assert worker.run_once() == [Outcome.SKIPPED]
    board.text = ""
    post(sessions, clock)
    assert worker.run_once() == [Outcome.SKIPPED]

    assert fake_slack.calls_to("chat.update") == []
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_reply_with_a_coalescing_key_is_not_queued_while_one_is_pending(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    posted = post(sessions, clock)
    worker.run_once()

    def reply() -> OutboxMessage | None:
        with sessions.begin() as session:
            parent = session.get_one(OutboxMessage, posted)
            return outbox.reply_unless_pending(
                session, thread_of=parent, intent=NOTE, now=clock.now(), coalesce_key="k"
            )

    assert reply() is not None
    assert reply() is None
    worker.run_once()
    assert reply() is not None


def test_an_intent_nothing_draws_fails_at_once(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, worker: OutboxWorker
) -> None:
    post(sessions, clock, {"kind": "nobody.draws"})

    assert worker.run_once() == [Outcome.FAILED]
    assert fake_slack.calls == []


def test_a_late_answer_of_a_worker_that_lost_its_claim_does_not_leave_the_message_stale(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_slack.api_url, timeout=5, retry_handlers=[])
    other = OutboxWorker(
        sessions=sessions,
        client=client,
        settings=SETTINGS,
        clock=clock,
        directory=lambda: DIRECTORY,
        renderers={NOTE["kind"]: board.draw},
    )
    posted = post(sessions, clock)
    worker.run_once()
    board.text = "version 2"
    update(sessions, clock, posted)
    (item,), _ = worker.claim(limit=4)
    ((_, drawing),) = worker.draw([item])  # drawn, then the worker stalls past its lease
    board.text = "version 3"
    update(sessions, clock, posted)
    clock.advance(seconds=worker.lease.total_seconds() + 1)
    assert other.run_once() == [Outcome.SENT]  # the other worker takes the claim over: version 3

    assert worker.send(item, drawing) == Outcome.LOST_CLAIM  # the stalled one's version 2 lands last
    while other.run_once():
        pass

    assert [c.args["text"] for c in fake_slack.calls_to("chat.update")][-1] == "version 3"


def test_a_message_that_cannot_be_prepared_fails_after_a_few_attempts_and_frees_its_channel(
    sessions: SessionFactory, fake_slack: SlackStandIn, clock: FrozenClock, board: Board, worker: OutboxWorker
) -> None:
    worker.renderers[NOTE["kind"]] = lambda *_: {"text": {1, 2}}  # a bug: no JSON, no Web API payload
    post(sessions, clock)

    outcomes = []
    for _ in range(BUG_ATTEMPTS):
        outcomes += worker.run_once()
        clock.advance(seconds=10)

    assert outcomes == [Outcome.RETRY] * (BUG_ATTEMPTS - 1) + [Outcome.FAILED]
    assert fake_slack.calls == []


def test_the_migration_queues_an_update_of_each_live_copy_the_old_sweep_still_had_to_rewrite(engine: Engine) -> None:
    migrate.downgrade(engine, "0011")
    at = datetime(2026, 11, 26, tzinfo=UTC)
    metadata = MetaData()
    metadata.reflect(engine, only=["cases", "case_copies", "outbox"])
    tables = metadata.tables
    case = {
        "number": "SNS-2026-0001", "kind": "flame", "capacity": "official", "status": "open", "summary": "s",
        "discovered_at": at, "created_at": at, "reporter_id": "U0STAFF1", "reporter_name": "総社 太郎",
        "reporter_count": 2, "escalation_level": 0, "confidential": False, "copies_refreshed_at": at,
    }  # fmt: skip
    sent = {"created_at": at, "method": "chat.postMessage", "payload": {"text": "copy"}, "status": "sent"}
    sent |= {"attempts": 1, "next_attempt_at": at, "slack_ts": "1.0"}
    with engine.begin() as connection:
        connection.execute(tables["cases"].insert(), [case | {"id": 1, "copies_stale": True}])
        connection.execute(
            tables["cases"].insert(), [case | {"id": 2, "number": "SNS-2026-0002", "copies_stale": False}]
        )
        ids = [
            connection.execute(tables["outbox"].insert(), sent | {"channel": channel}).inserted_primary_key[0]
            for channel in ("C0PUBLICINFO", "U0OLD", "C0X")
        ]
        copy = {"name": "x", "primary": False, "handed_to": None}  # every row names every column: one INSERT
        connection.execute(
            tables["case_copies"].insert(),
            [
                copy | {"case_id": 1, "audience": "public_info", "target": "C0PUBLICINFO", "outbox_id": ids[0]},
                copy | {"case_id": 1, "audience": "head", "target": "U0OLD", "outbox_id": ids[1], "handed_to": "新"},
                copy | {"case_id": 2, "audience": "public_info", "target": "C0X", "outbox_id": ids[2]},
            ],
        )

    migrate.upgrade(engine)

    with Session(engine) as session:
        queued = session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)).all()
        assert [(m.method, m.parent_id, m.channel, m.intent, m.subject) for m in queued] == [
            (OutboxMethod.UPDATE, ids[0], "C0PUBLICINFO", {"kind": "report.copy"}, "case:1")
        ]
