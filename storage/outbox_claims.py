"""The delivery worker's side of the outbox: claiming the messages due, then settling each claim.

A message is claimable only when no earlier message to the same destination is unsent, and only its
claimant may settle it (``mark_*``). Several processes may share a PostgreSQL database: ``FOR UPDATE
SKIP LOCKED`` hands each row to exactly one of them, and a lease hands it on if its claimant dies.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import audit
from storage.models import OutboxMessage, OutboxMethod, OutboxStatus, PlainTextNotice
from storage.outbox import UNSENT, Intent, update_intents


@dataclass(frozen=True)
class Claimed:
    """A claimed message, detached from its session, with what the Web API call needs."""

    id: int
    channel: str
    method: OutboxMethod
    payload: dict[str, Any] | None  # None: drawn from ``intent`` when sent
    intent: Intent | None
    attempts: int
    created_at: datetime
    # The parent: the thread to reply in, or the message to update, its place in Slack and what it shows.
    parent_id: int | None
    parent_channel: str | None
    parent_ts: str | None
    parent_digest: str | None
    subject: str | None
    # Set when Slack refused the payload: the plain-text version goes instead.
    refused_with: str | None


def _next_of_its_channel(skip: Collection[str] = ()):
    """A channel sends one message at a time: the one being sent (claimable again once its lease runs out),
    else the pending message that ranks first. New top-level posts rank before updates and updates before thread
    lines, so that in a flame-up a new case's copy and the copies' updates are not queued behind the timelines
    of earlier cases at Slack's pace; a reply or an update still waits for its parent (claim), and each class
    keeps its order.
    One window over the unsent rows, not a subquery per row: the backlog of a burst stays cheap to claim."""
    sending_first = case((OutboxMessage.status == OutboxStatus.SENDING, 0), else_=1)
    position = func.row_number().over(
        partition_by=OutboxMessage.channel, order_by=(sending_first, _rank(OutboxMessage), OutboxMessage.id)
    )
    unsent = [OutboxMessage.status.in_(UNSENT)] + ([OutboxMessage.channel.not_in(list(skip))] if skip else [])
    ranked = select(OutboxMessage.id, position.label("position")).where(*unsent).subquery()
    return OutboxMessage.id.in_(select(ranked.c.id).where(ranked.c.position == 1))


def _rank(message: Any) -> Any:
    """0 for a new top-level post, 1 for an update, 2 for a thread reply: a copy's update shows its case as it
    is now and is not held behind the timelines' lines, which in a flame-up are most of a channel's backlog."""
    return case((message.method == OutboxMethod.UPDATE, 1), (message.parent_id.is_(None), 0), else_=2)


def _due_at():
    """A pending message falls due at its next attempt; a claimed one when its lease runs out."""
    return func.coalesce(OutboxMessage.lease_until, OutboxMessage.next_attempt_at)


def claim(
    session: Session,
    *,
    now: datetime,
    worker: str,
    lease: timedelta,
    limit: int,
    accept: Callable[[OutboxMessage], bool] = lambda _row: True,
    skip: Collection[str] = (),
) -> list[Claimed]:
    """Claims up to ``limit`` due messages that ``accept`` takes (the worker's per-channel pacing), leaving
    out the channels in ``skip`` (out of Slack's pace for now): then the window reads only the channels that
    may send, not a burst's backlog in the offices' channels at every claim. A message whose parent failed
    fails too, since its thread or target does not exist; one whose parent
    was skipped (drawn to nothing) is skipped too."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(_next_of_its_channel(skip), _due_at() <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    ).all()
    claimed = []
    for row in rows:
        parent = row.parent
        if parent is not None and parent.status == OutboxStatus.FAILED:
            _fail(session, row, error=f"parent_failed: message {parent.id}", now=now)
        elif parent is not None and parent.status == OutboxStatus.SKIPPED:
            row.status, row.sent_at = OutboxStatus.SKIPPED, now
        elif (parent is None or parent.status == OutboxStatus.SENT) and accept(row):
            row.status = OutboxStatus.SENDING
            row.claimed_by = worker
            row.lease_until = now + lease
            claimed.append(
                Claimed(
                    id=row.id,
                    channel=row.channel,
                    method=OutboxMethod(row.method),
                    payload=row.payload,
                    intent=row.intent,
                    attempts=row.attempts,
                    created_at=row.created_at,
                    parent_id=row.parent_id,
                    parent_channel=parent.slack_channel if parent else None,
                    parent_ts=parent.slack_ts if parent else None,
                    parent_digest=parent.shown_digest if parent else None,
                    subject=row.subject,
                    refused_with=row.refused_with,
                )
            )
    return claimed


def _held_by(message_id: int, worker: str) -> tuple[Any, ...]:
    # Only the current claimant may settle a message: after a lease expired and another
    # worker took it, the late answer of the first is ignored.
    return (
        OutboxMessage.id == message_id,
        OutboxMessage.claimed_by == worker,
        OutboxMessage.status == OutboxStatus.SENDING,
    )


def mark_sent(
    session: Session,
    message: Claimed,
    *,
    worker: str,
    slack_channel: str,
    slack_ts: str,
    digest: str,
    now: datetime,
) -> bool:
    """Settles a message Slack accepted; ``digest`` is what it shows (an update: what its target shows now)."""
    result = session.execute(
        update(OutboxMessage)
        .where(*_held_by(message.id, worker))
        .values(
            status=OutboxStatus.SENT,
            slack_channel=slack_channel,
            slack_ts=slack_ts,
            sent_at=now,
            attempts=OutboxMessage.attempts + 1,
            lease_until=None,
            last_error=None,
            shown_digest=digest,
        )
    )
    if result.rowcount != 1:
        return False
    if message.method == OutboxMethod.UPDATE:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message.parent_id).values(shown_digest=digest))
    return True


def forget_shown(session: Session, message: Claimed, *, now: datetime) -> None:
    """``message``, an update, reached Slack after its claim had passed to another worker, so Slack may show
    it over a newer one: what its target shows is unknown now, and a message drawn when sent is drawn again."""
    target = session.get_one(OutboxMessage, message.parent_id)
    target.shown_digest = None
    if message.intent is not None:
        update_intents(session, targets=[target], intent=message.intent, now=now)


def mark_skipped(session: Session, message_id: int, *, worker: str, now: datetime) -> bool:
    """Settles a message drawn to nothing new, without a Web API call."""
    result = session.execute(
        update(OutboxMessage)
        .where(*_held_by(message_id, worker))
        .values(status=OutboxStatus.SKIPPED, sent_at=now, lease_until=None, last_error=None)
    )
    return result.rowcount == 1


def mark_retry(
    session: Session, message_id: int, *, worker: str, at: datetime, error: str, count_attempt: bool = True
) -> bool:
    """Back to pending until ``at``. A rate limit is no failure: it does not count as an attempt."""
    result = session.execute(
        update(OutboxMessage)
        .where(*_held_by(message_id, worker))
        .values(
            status=OutboxStatus.PENDING,
            next_attempt_at=at,
            attempts=OutboxMessage.attempts + (1 if count_attempt else 0),
            lease_until=None,
            claimed_by=None,
            last_error=error,
        )
    )
    return result.rowcount == 1


def mark_refused(session: Session, message_id: int, *, worker: str, error: str, now: datetime) -> bool:
    """Slack refused the payload itself: the message is due again at once, to go as plain text."""
    row = session.scalars(select(OutboxMessage).where(*_held_by(message_id, worker)).with_for_update()).one_or_none()
    if row is None:
        return False
    row.attempts += 1
    row.status = OutboxStatus.PENDING
    row.next_attempt_at = now
    row.lease_until = row.claimed_by = None
    row.refused_with = row.last_error = error
    _audit(session, row, "outbox.refused", now, error=error)
    return True


def record_plain_sent(session: Session, message: Claimed, *, now: datetime) -> bool:
    """Audits the plain version as sent; True when it is the first for its subject (or, without
    one, for the message), whose notice to 市政情報課 the caller then queues: the key decides,
    whichever worker gets there first."""
    row = session.get_one(OutboxMessage, message.id)
    _audit(session, row, "outbox.sent_plain", now, error=message.refused_with)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(PlainTextNotice)
        .values(subject=message.subject or f"outbox:{message.id}", outbox_id=message.id, noticed_at=now)
        .on_conflict_do_nothing(index_elements=[PlainTextNotice.subject])
        .returning(PlainTextNotice.subject)
    )
    return inserted.first() is not None


def mark_failed(session: Session, message_id: int, *, worker: str, error: str, now: datetime) -> bool:
    """Gives up on a message; the audit log and the operator's log say why."""
    row = session.scalars(select(OutboxMessage).where(*_held_by(message_id, worker)).with_for_update()).one_or_none()
    if row is None:
        return False
    row.attempts += 1
    _fail(session, row, error=error, now=now)
    return True


def _fail(session: Session, row: OutboxMessage, *, error: str, now: datetime) -> None:
    row.status = OutboxStatus.FAILED
    row.last_error = error
    row.lease_until = None
    _audit(session, row, "outbox.failed", now, error=error, attempts=row.attempts)


def _audit(session: Session, row: OutboxMessage, action: str, now: datetime, **facts: Any) -> None:
    after = {"channel": row.channel, "method": row.method, "subject": row.subject, **facts}
    audit.record(session, at=now, actor=None, action=action, entity_type="outbox", entity_id=row.id, after=after)


def next_due(session: Session, skip: Collection[str] = ()) -> datetime | None:
    """When the next message that could be claimed falls due, if any."""
    return session.scalar(select(func.min(_due_at())).where(_next_of_its_channel(skip)))


def release_claims(session: Session, *, prefix: str, dead: Callable[[str], bool]) -> int:
    """Gives back, at once, the messages held by dead workers whose ids start with ``prefix`` (this
    host): after a crash their channels need not wait for the leases to run out."""
    held = session.scalars(
        select(OutboxMessage.claimed_by)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_by.startswith(prefix))
        .distinct()
    ).all()
    gone = [worker for worker in held if worker and dead(worker)]
    if not gone:
        return 0
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_by.in_(gone))
        .values(status=OutboxStatus.PENDING, claimed_by=None, lease_until=None)
    )
    return result.rowcount
