"""The tables. Features add their own models here as they land."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime


class AuditEntry(Base):
    """Append-only: who changed what, when, from what to what (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # NULL actor: the bot itself (a delivery failure, a reminder sweep).
    actor_id: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index(None, "entity_type", "entity_id"),)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


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
    # Web API arguments other than channel/ts/thread_ts: text, blocks, metadata...
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
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

    parent: Mapped[OutboxMessage | None] = relationship(remote_side=[id])

    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "channel", "id"),
    )


class ConfigRevision(Base):
    """Each distinct app.yaml a serve process ran with: the April directory changes, on record."""

    __tablename__ = "config_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    directory: Mapped[dict[str, Any]] = mapped_column(JSON)
