"""APScheduler wiring. Jobs only start sweeps: what is due lives in tables, not in the scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from storage import sweeps

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    func: Callable[[Runtime], int | None]
    trigger: BaseTrigger
    # The kind of reminder whose number sent ``func`` returns, counted for /metrics; None: not reminders.
    reminder_kind: str | None = None

    @property
    def interval(self) -> timedelta:
        """How often it sweeps: `sns-bot doctor` expects a run at least this often."""
        if not isinstance(self.trigger, IntervalTrigger):
            raise TypeError(f"{self.id}: only interval triggers are used, so doctor can tell when one is late")
        return self.trigger.interval


def create_scheduler(runtime: Runtime, jobs: Iterable[ScheduledJob]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=ZoneInfo(runtime.config.current.organization.timezone),
        job_defaults={
            # After downtime a sweep runs once, not once per missed tick: the sweep itself
            # finds everything that fell due meanwhile.
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": 3600,
        },
    )
    jobs = list(jobs)
    with runtime.sessions.begin() as session:
        sweeps.started(session, [job.id for job in jobs], runtime.clock.now())
    for job in jobs:
        # An explicit id: a second registration replaces the job instead of doubling it.
        scheduler.add_job(run_recorded, job.trigger, id=job.id, args=[job, runtime], replace_existing=True)
    return scheduler


def run_recorded(job: ScheduledJob, runtime: Runtime) -> None:
    """Runs one sweep and records how it ended, for `sns-bot doctor`; a failure is logged, as APScheduler would.
    The reminders a reminder sweep sent are counted for /metrics."""
    try:
        sent = job.func(runtime)
    except Exception as error:
        log.exception("sweep %s failed", job.id)
        outcome: str | None = repr(error)
    else:
        outcome = None
        if job.reminder_kind is not None:
            runtime.metrics.reminded(job.reminder_kind, sent or 0)
    with runtime.sessions.begin() as session:
        sweeps.finished(session, job.id, runtime.clock.now(), outcome)
