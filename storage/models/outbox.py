"""The outbox: every message to Slack, queued in the transaction of the change that caused it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, orm_insert_sentinel, relationship

from storage.base import Base, UTCDateTime


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Drawn at send time to nothing new: an update whose reader would see no change (Slack would still mark
    # the message edited), a thread line or full text with nothing to say. Settled without a Web API call.
    SKIPPED = "skipped"


class OutboxMethod(StrEnum):
    POST = "chat.postMessage"
    UPDATE = "chat.update"


class OutboxMessage(Base):
    """A message to Slack caused by a state change, written in the same transaction as the change."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where it goes: a channel ID, or a user ID for the bot's DM with that user. Messages to
    # one destination are delivered in id order, one at a time.
    channel: Mapped[str] = mapped_column(String(32))
    method: Mapped[OutboxMethod] = mapped_column(String(32))
    # Web API arguments other than channel/ts/thread_ts (text, blocks, metadata...), rendered when queued;
    # or, instead, an intent ({"kind": "report.copy", ...}) that a feature draws when the message is sent,
    # from the database as it is then (bot/sending.py Render).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    intent: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set on an intent drawn at send time, so one pending message stands for many: a second change to a case
    # before its copy's update is sent adds nothing, the one update draws both.
    coalesce_key: Mapped[str | None] = mapped_column(String(48))
    # The thread to reply in (POST) or the message to rewrite (UPDATE).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A claim expires so a crashed sender's messages are picked up by another.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where Slack put it, for later chat.update and thread replies.
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What it is about ("case:12", "draft:3"): where its plain-text version says to act, and the key
    # of the one notice to 市政情報課 when a message about it had to go as plain text.
    subject: Mapped[str | None] = mapped_column(String(64))
    # Slack's answer when it refused the payload itself (invalid_blocks…): the plain-text version is sent instead.
    refused_with: Mapped[str | None] = mapped_column(String(64))
    # A digest of what the message shows in Slack now (a post: updated as its updates are sent); an update
    # whose drawing has the same digest is skipped.
    shown_digest: Mapped[str | None] = mapped_column(String(64))
    # Lets many rows go in one INSERT … RETURNING whose ids come back in order, on SQLite too (SQLAlchemy's
    # insert sentinel): a case's copies are queued in one statement.
    _sentinel: Mapped[int | None] = orm_insert_sentinel()

    parent: Mapped[OutboxMessage | None] = relationship(remote_side=[id])

    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "channel", "id"),
        Index(None, "parent_id"),
    )
