"""Modals: the ones the bot opened and the submissions it acted on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class ProcessedView(Base):
    """A modal submission already acted on, by Slack's view id: a retried or repeated submission
    gets the first one's answer instead of doing the work again."""

    __tablename__ = "processed_views"

    view_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    callback_id: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class OpenedView(Base):
    """A modal the bot opened, for whom and what for. Written before views.open under an external_id of
    our own (Slack sends it back with the submission), then given Slack's view id once views.open answers."""

    __tablename__ = "opened_views"

    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    view_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(64))  # the callback_id it was opened with
    subject: Mapped[str | None] = mapped_column(String(64))  # e.g. "case:12"
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
