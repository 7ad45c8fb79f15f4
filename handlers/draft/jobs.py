"""The scheduler's sweeps for drafts: expiry at the planned posting time, and one reminder."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from handlers.common.work import context_of
from handlers.draft import sweeps


def expire(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        return sweeps.expire_due(session, context_of(runtime))


def remind(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        return sweeps.remind_due(session, context_of(runtime))


JOBS = (
    ScheduledJob(id="draft.expire", func=expire, trigger=IntervalTrigger(minutes=1)),
    ScheduledJob(id="draft.remind", func=remind, trigger=IntervalTrigger(minutes=10), reminder_kind="approval"),
)
