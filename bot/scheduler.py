"""APScheduler wiring. Jobs only start sweeps: what is due lives in tables, not in the scheduler."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    func: Callable[[Runtime], int | None]
    trigger: BaseTrigger
    # The kind of reminder whose number sent ``func`` returns, counted for /metrics; None: not reminders.
    reminder_kind: str | None = None


def count_reminders(job: ScheduledJob, runtime: Runtime) -> None:
    runtime.metrics.reminded(job.reminder_kind or job.id, job.func(runtime) or 0)


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
    for job in jobs:
        # An explicit id: a second registration replaces the job instead of doubling it.
        func, args = (count_reminders, [job, runtime]) if job.reminder_kind else (job.func, [runtime])
        scheduler.add_job(func, job.trigger, id=job.id, args=args, replace_existing=True)
    return scheduler
