"""Each scheduled sweep's last run, kept for `sns-bot doctor` (the scheduler itself keeps no history)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import upsert
from storage.models import SchedulerSweep


def started(session: Session, job_ids: Iterable[str], now: datetime) -> None:
    """A scheduler running these sweeps started: until one interval has passed, not having swept is normal."""
    for job_id in job_ids:
        statement = upsert.insert(session, SchedulerSweep).values(job_id=job_id, started_at=now)
        session.execute(
            statement.on_conflict_do_update(index_elements=[SchedulerSweep.job_id], set_={"started_at": now})
        )


def finished(session: Session, job_id: str, now: datetime, error: str | None = None) -> None:
    """A run ended: at ``now`` when it succeeded; with ``error`` (its last time kept) when it failed."""
    values = {"error": error} if error else {"swept_at": now, "error": None}
    session.execute(update(SchedulerSweep).where(SchedulerSweep.job_id == job_id).values(**values))


def by_job(session: Session) -> dict[str, SchedulerSweep]:
    return {row.job_id: row for row in session.scalars(select(SchedulerSweep))}
