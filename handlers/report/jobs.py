"""The scheduler's sweep for cases: escalation of unacknowledged ones."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from handlers.report.context import context_of
from handlers.report.service.escalation import escalate_due


def escalate(runtime: Runtime) -> int:
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        return escalate_due(session, ctx, ctx.directory.office_hours)


JOBS = (
    ScheduledJob(
        id="report.escalate", func=escalate, trigger=IntervalTrigger(minutes=1), reminder_kind="case_escalation"
    ),
)
