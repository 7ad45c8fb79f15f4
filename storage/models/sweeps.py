"""The scheduled sweeps, as they last ran."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class SchedulerSweep(Base):
    """Each scheduled sweep's last run, for `sns-bot doctor`: when a scheduler running it last started, when
    it last finished a run, and the error of the last run if it failed."""

    __tablename__ = "scheduler_sweeps"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    swept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
