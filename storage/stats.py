"""The outbox's counts for operators' metrics: how many, never who or what (no names, no message content)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import OutboxMessage
from storage.outbox import UNSENT


def outbox_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: count for status, count in rows}


def oldest_unsent(session: Session) -> datetime | None:
    """When the oldest message not yet delivered was queued."""
    return session.scalar(select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNSENT)))
