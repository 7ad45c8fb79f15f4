"""Driving the bot end to end, whatever the feature: the config the tests run with, waiting for
the outbox to drain, and reading what reached the fake Slack."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from playground.slack_api import Call, SlackStandIn
from storage import views
from storage.db import SessionFactory
from storage.models import AuditEntry, OutboxMessage, OutboxStatus
from tests.support.bot import APP_YAML, RunningBot


def unpaced_config(directory: Path) -> Path:
    """The sample app.yaml with Slack's per-channel pace (one post a second after a burst of three)
    relaxed, so a case's busy thread does not make a test wait; everything else as shipped."""
    text = APP_YAML.read_text(encoding="utf-8")
    text, intervals = re.subn(r"channel_interval_seconds: *[0-9.]+", "channel_interval_seconds: 0.001", text)
    text, bursts = re.subn(r"channel_burst: *[0-9]+", "channel_burst: 1000", text)
    assert (intervals, bursts) == (1, 1), "app.yaml's delivery pacing settings moved"
    path = directory / "app.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def dm(user_id: str) -> str:
    """The conversation id the fake answers for the bot's DM with ``user_id``."""
    return "D" + user_id[1:]


def as_opened(bot: RunningBot, payload: dict[str, Any]) -> dict[str, Any]:
    """A view submission's view recorded as one the bot opened for its user, as views.open's answer is
    (handlers/common/modals.py), for tests of what a submission does; tests/test_provenance.py opens them."""
    view = payload["view"]
    runtime = bot.service.runtime
    record_opened(runtime.sessions, view["id"], payload["user"]["id"], view["callback_id"], runtime.clock.now())
    return payload


def record_opened(sessions: SessionFactory, view_id: str, user_id: str, purpose: str, now: datetime) -> None:
    with sessions.begin() as session:
        token = f"test-{view_id}"
        views.expect(session, external_id=token, user_id=user_id, purpose=purpose, subject=None, now=now)
        views.opened(session, external_id=token, view_id=view_id)


def delivered(bot: RunningBot, timeout: float = 10.0, *, failures: int = 0) -> None:
    """Waits until the outbox has nothing left to send; exactly ``failures`` messages may have failed."""
    deadline = time.monotonic() + timeout
    with bot.service.runtime.sessions() as session:
        while True:
            session.expire_all()
            statuses = dict(
                session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
            )
            unsent = statuses.get(OutboxStatus.PENDING, 0) + statuses.get(OutboxStatus.SENDING, 0)
            if not unsent:
                break
            assert time.monotonic() < deadline, f"outbox not delivered within {timeout}s: {statuses}"
            session.rollback()
            time.sleep(0.02)
    assert statuses.get(OutboxStatus.FAILED, 0) == failures, f"outbox messages failed: {statuses}"


def settled(bot: RunningBot) -> None:
    """Returns once every listener started so far has returned and the outbox is delivered: whatever the
    bot does about the requests sent until now has reached the fake Slack, so "nothing more" can be asserted."""
    executor = bot.service.app.listener_runner.listener_executor
    threads = executor._max_workers
    # Every thread parks at the barrier at once only when no earlier listener still holds one.
    barrier = threading.Barrier(threads)
    for parked in [executor.submit(barrier.wait, 30) for _ in range(threads)]:
        parked.result(timeout=30)  # a listener still running after 30 s breaks the barrier: an error
    delivered(bot)


def nothing_more(bot: RunningBot, fake: SlackStandIn) -> list[Call]:
    """The calls the bot still makes about the requests sent so far, once it has settled them: [] when it was
    done already. No waiting window to guess: settled() knows when every listener and the outbox are done."""
    before = len(fake.calls)
    settled(bot)
    return fake.calls[before:]


def strings(value: Any) -> str:
    """Every string inside a call's arguments or a view, one per line: what a person could read."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(strings(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(strings(v) for v in value)
    return ""


def posts(fake: SlackStandIn, channel: str | None = None, *, threaded: bool | None = None) -> list[Call]:
    """chat.postMessage calls, to ``channel`` if given, only (not) in threads if told."""
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if (channel is None or c.args.get("channel") == channel)
        and (threaded is None or bool(c.args.get("thread_ts")) == threaded)
    ]


def audit_actions(bot: RunningBot) -> list[str]:
    with bot.service.runtime.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def count(bot: RunningBot, model: type) -> int:
    with bot.service.runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0
