"""Reminders sent, each once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime
from storage.models.outbox import OutboxMessage


class Reminder(Base):
    """A reminder sent: (kind, subject, due) is unique, so each is sent once, whichever process
    sweeps first and however often the sweep runs."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "account:12"
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))

    message: Mapped[OutboxMessage | None] = relationship()

    __table_args__ = (UniqueConstraint("kind", "subject", "due_on"),)
