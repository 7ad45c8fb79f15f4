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
    func: Callable[[Runtime], None]
    trigger: BaseTrigger


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
        scheduler.add_job(job.func, job.trigger, id=job.id, args=[runtime], replace_existing=True)
    return scheduler
