"""The scheduler's one account job: a sweep every minute that sends whatever is due."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from handlers.account import sweep as reminder_sweep
from handlers.common.work import context_of


def sweep(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        return reminder_sweep.sweep(session, context_of(runtime))


# Password rotation, reviews, deletions and the monthly summary, counted together.
JOBS = (ScheduledJob(id="account.reminders", func=sweep, trigger=IntervalTrigger(minutes=1), reminder_kind="account"),)
