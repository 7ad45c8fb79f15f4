"""Notices to 市政情報課 sent once per subject or channel, whichever worker is first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class PlainTextNotice(Base):
    """市政情報課 told that a message about ``subject`` went as plain text: the key makes it once per
    subject, whichever worker sends a plain version first."""

    __tablename__ = "plain_text_notices"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelNotice(Base):
    """市政情報課 told that the bot cannot post in ``channel`` (private, not invited): once per channel,
    whichever worker is first."""

    __tablename__ = "channel_notices"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    error: Mapped[str] = mapped_column(String(64))
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime)
