"""The one notice to 市政情報課 per channel the bot cannot post in: the key decides, whichever worker is first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import upsert
from storage.models import ChannelNotice


def first(session: Session, channel: str, error: str, now: datetime) -> bool:
    """Records the notice about ``channel``; True when none was recorded before (the caller then queues it)."""
    inserted = session.execute(
        upsert.insert(session, ChannelNotice)
        .values(channel=channel, error=error, noticed_at=now)
        .on_conflict_do_nothing(index_elements=[ChannelNotice.channel])
        .returning(ChannelNotice.channel)
    )
    return inserted.first() is not None
