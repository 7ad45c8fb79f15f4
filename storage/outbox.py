"""The outbox: Slack messages written in the same transaction as the change that causes them.

Writers call ``post_message`` / ``update_message`` with a rendered message, or ``post_intent`` /
``update_intents`` with an intent the delivery worker draws when it sends it (bot/delivery.py), naming the
message's ``subject`` ("case:12"); the worker claims and settles them (storage/outbox_claims.py).
An intent drawn at send time makes one pending message enough for any number of changes: a pending update
of a message (or its post, not yet sent) already shows whatever changed, so no second one is queued. Messages to one
destination go out in id order, one at a time: a message is claimable only when no earlier
message to the same destination is unsent.
Several processes may share a PostgreSQL database: ``FOR UPDATE SKIP LOCKED`` hands each
row to exactly one of them, and a lease hands it on if its claimant dies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, event, insert, or_, select, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from storage.models import OutboxMessage, OutboxMethod, OutboxStatus

# PostgreSQL's NOTIFY reaches every listener of the database: one channel per schema, so deployments (and test
# or bench runs) sharing a database in schemas of their own do not ring each other's workers.
NOTIFY_CHANNEL = "'sns_bot_outbox_' || left(md5(current_schema()), 12)"  # an SQL expression, a name < 64 bytes
_WROTE_ROWS = "sns_bot.outbox_written"
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)
# What a feature draws at send time: {"kind": "report.copy", ...}, JSON, the kind naming the drawer.
Intent = dict[str, Any]
# A post queued in bulk: (channel, intent, subject).
Post = tuple[str, Intent, str | None]
# Rows queued in bulk go to the table: Core's executemany, without the ORM's bulk insert on top, in statements
# built once (building one costs more CPU than running it).
_TABLE = OutboxMessage.__table__
_QUEUE = insert(_TABLE)
_QUEUE_RETURNING_IDS = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
_NOTIFY = text(f"SELECT pg_notify({NOTIFY_CHANNEL}, '')")


def post_message(
    session: Session,
    *,
    channel: str,
    message: dict[str, Any] | None,
    now: datetime,
    thread_of: OutboxMessage | None = None,
    subject: str | None = None,
) -> OutboxMessage:
    """Queues chat.postMessage to ``channel`` (a user ID means the bot's DM with that user),
    as a reply in ``thread_of``'s thread when given (about the same subject)."""
    if thread_of is not None and thread_of.channel != channel:
        raise ValueError("a thread reply goes to its parent's channel")
    row = OutboxMessage(channel=channel, method=OutboxMethod.POST, parent=thread_of)
    row.subject = thread_of.subject if thread_of is not None else subject
    return _add(session, row, message, now)


def update_message(session: Session, *, target: OutboxMessage, message: dict[str, Any], now: datetime) -> OutboxMessage:
    """Queues chat.update of ``target``, delivered after it (same destination, later id)."""
    row = OutboxMessage(channel=target.channel, method=OutboxMethod.UPDATE, parent=target, subject=target.subject)
    return _add(session, row, message, now)


def post_intent(
    session: Session,
    *,
    channel: str,
    intent: Intent,
    now: datetime,
    thread_of: OutboxMessage | None = None,
    subject: str | None = None,
) -> OutboxMessage:
    """Queues chat.postMessage of a message drawn when it is sent."""
    row = post_message(session, channel=channel, message=None, now=now, thread_of=thread_of, subject=subject)
    row.intent = intent
    return row


def reply_unless_pending(
    session: Session, *, thread_of: OutboxMessage, intent: Intent, now: datetime, coalesce_key: str
) -> OutboxMessage | None:
    """Queues a reply in ``thread_of``'s thread, drawn when sent, unless a reply of ``coalesce_key`` there is
    still pending: drawn when sent, that one says this one's news too."""
    if _pending(session, [thread_of.id], coalesce_key):
        return None
    row = post_intent(session, channel=thread_of.channel, intent=intent, now=now, thread_of=thread_of)
    row.coalesce_key = coalesce_key
    return row


def post_intents(
    session: Session,
    *,
    posts: Sequence[Post],
    now: datetime,
    thread_id: int | None = None,
    coalesce_key: str | None = None,
) -> list[int]:
    """Queues chat.postMessage of messages drawn when sent in one INSERT, without an ORM object each (a case's
    copies, a sweep's hundreds of reminders); as replies in the thread of message ``thread_id`` when given (a
    thread just begun: nothing in it to coalesce with yet; ``coalesce_key`` lets later replies coalesce with
    these, see reply_unless_pending). Their ids, in the same order."""
    if not posts:
        return []
    rows = [
        {"channel": channel, "method": OutboxMethod.POST, "intent": intent, "subject": subject, **_fresh(now)}
        | {"parent_id": thread_id, "coalesce_key": coalesce_key}
        for channel, intent, subject in posts
    ]
    session.flush()  # messages queued before these as objects keep their earlier ids (a destination's order)
    ids = session.scalars(_QUEUE_RETURNING_IDS, rows)
    _ring_at_commit(session)
    return list(ids)


def update_intents(session: Session, *, targets: Sequence[OutboxMessage], intent: Intent, now: datetime) -> None:
    """Queues chat.update of each target, drawn when sent, unless a pending message draws it anyway: the
    target's own post or an update of it, not sent yet. A target not flushed yet is a post to be sent."""
    key = intent["kind"]
    flushed = [t for t in targets if t.id is not None]
    covered = _pending(session, [t.id for t in flushed], key, posts=True)
    rows = [
        {"channel": t.channel, "method": OutboxMethod.UPDATE, "parent_id": t.id, "subject": t.subject, **_fresh(now)}
        | {"intent": intent, "coalesce_key": key}
        for t in flushed
        if t.id not in covered
    ]
    if rows:
        session.execute(_QUEUE, rows)
        _ring_at_commit(session)


def _pending(session: Session, ids: Sequence[int | None], key: str, *, posts: bool = False) -> set[int]:
    """Of messages ``ids``, those with a pending reply or update of ``key`` (with ``posts``: or not sent
    themselves), which will draw this change too. They are locked until this transaction ends, so no worker
    draws them before it commits (SQLite's one writer at a time does the same). A row another transaction
    holds (a worker claiming or settling it) is not waited for: it counts as not pending, and the change
    queues a message of its own, drawn later, at worst the same and then skipped."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    drawing = and_(OutboxMessage.parent_id.in_(wanted), OutboxMessage.coalesce_key == key)
    if posts:
        drawing = or_(OutboxMessage.id.in_(wanted), drawing)
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.parent_id)
        .where(drawing, OutboxMessage.status == OutboxStatus.PENDING)
        .with_for_update(skip_locked=True)
    ).all()
    return {row_id if row_id in wanted else parent_id for row_id, parent_id in rows}


def _add(session: Session, row: OutboxMessage, message: dict[str, Any] | None, now: datetime) -> OutboxMessage:
    row.payload = message
    for name, value in _fresh(now).items():
        setattr(row, name, value)
    session.add(row)
    _ring_at_commit(session)
    return row


def _fresh(now: datetime) -> dict[str, Any]:
    return {"created_at": now, "next_attempt_at": now, "status": OutboxStatus.PENDING, "attempts": 0}


def _ring_at_commit(session: Session) -> None:
    if not session.info.get(_WROTE_ROWS):
        session.info[_WROTE_ROWS] = True
        if session.get_bind().dialect.name == "postgresql":
            # Delivered by PostgreSQL at commit, to the workers of every process, whether this one has a worker or not.
            session.execute(_NOTIFY)


def clicked_in(message: OutboxMessage | None, channel: str) -> bool:
    """Whether a click from ``channel`` can be on ``message``. Slack may deliver the click before the worker
    has recorded where the message landed (it records after Slack's answer, and a burst can delay that);
    until then the message's destination decides, a message to a user being in the bot's DM with them."""
    if message is None:
        return False
    if message.slack_channel is not None:
        return message.slack_channel == channel
    return channel.startswith("D") if message.channel[:1] in ("U", "W") else channel == message.channel


@event.listens_for(Session, "after_transaction_end")
def _forget_ring(session: Session, transaction: SessionTransaction) -> None:
    """A session's next transaction rings again, in every process, whether it delivers or not."""
    if transaction.parent is None:
        session.info.pop(_WROTE_ROWS, None)


def on_commit(sessions: sessionmaker[Session], callback: Callable[[], None]) -> Callable[[], None]:
    """Calls ``callback`` after every commit of a ``sessions`` session that queued messages, until the returned
    function is called. SQLAlchemy keeps a sessionmaker's listeners for as long as the process runs, so a
    service that stops removes them: the callback holds the whole service alive otherwise."""

    def committed(session: Session) -> None:
        if session.info.get(_WROTE_ROWS):  # after_commit comes before after_transaction_end
            callback()

    event.listen(sessions, "after_commit", committed)
    return lambda: event.remove(sessions, "after_commit", committed)
