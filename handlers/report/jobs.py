"""The scheduler's sweeps for cases: escalation of unacknowledged ones, and stale copies."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from handlers.report import service
from handlers.report.context import context_of


def escalate(runtime: Runtime) -> int:
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        return service.escalate_due(session, ctx, ctx.directory.office_hours)


def refresh(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        return service.refresh_stale(session, context_of(runtime))


JOBS = (
    ScheduledJob(
        id="report.escalate", func=escalate, trigger=IntervalTrigger(minutes=1), reminder_kind="case_escalation"
    ),
    ScheduledJob(id="report.refresh", func=refresh, trigger=IntervalTrigger(seconds=5)),
)
