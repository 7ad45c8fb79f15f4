"""The outbox at a glance, for `sns-bot doctor`: what waits to be sent, since when, and what failed lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxStatus
from storage.outbox import UNSENT


@dataclass(frozen=True)
class OutboxHealth:
    unsent: int
    oldest_unsent: datetime | None  # when the longest-waiting unsent message was queued
    failed: int  # messages queued since ``since`` that were given up on


def health(session: Session, *, since: datetime) -> OutboxHealth:
    unsent, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNSENT))
    ).one()
    failed = session.scalar(
        select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.created_at >= since)
    )
    return OutboxHealth(unsent=unsent, oldest_unsent=oldest, failed=failed or 0)
