"""The e-mail addresses and #channel names of app.yaml, as Slack last resolved them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class SlackName(Base):
    """An e-mail address or #channel name of app.yaml and the Slack ID it last resolved to, with when:
    a restart while Slack is unreachable starts with these."""

    __tablename__ = "slack_names"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "email" or "channel"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)  # as app.yaml writes it, lower-cased
    slack_id: Mapped[str] = mapped_column(String(32))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime)
