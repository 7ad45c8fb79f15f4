"""Escalation: a case nobody acknowledged in time is re-notified once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.calendar import BusinessHours
from handlers.common.work import audit
from handlers.report.domain import Context, Event, Message, seat_of, snapshot
from handlers.report.kinds import kind_of
from handlers.report.service.copies import lock, post, post_timeline
from handlers.report.visibility import told_of_all
from storage import cases
from storage.models import Audience, Case


def escalate_due(session: Session, ctx: Context, hours: BusinessHours) -> int:
    """Re-notifies once per case when nobody acknowledged in time. Only the urgent kinds (炎上 and
    なりすまし) escalate out of office hours; the others wait for the office to open."""
    minutes = ctx.directory.config.reminders.incident_ack_escalation_minutes
    escalated = 0
    for due in cases.due_escalations(session, ctx.now):
        if not kind_of(due.kind).urgent and not hours.is_open(ctx.now):
            continue
        case = lock(session, due.id)
        if case.escalation_level != 0 or case.acknowledged_at is not None:
            continue  # another process escalated or someone acknowledged meanwhile
        case.escalation_level = 1
        _send_escalation(session, ctx, case, minutes)
        post_timeline(session, ctx, case, Event("escalated", ctx.now, {"minutes": minutes}))
        audit(session, ctx, ("case", case.number), None, "case.escalated", after={"level": 1})
        escalated += 1
    return escalated


def _send_escalation(session: Session, ctx: Context, case: Case, minutes: int) -> None:
    # Timed from the case's first report: a head told of only later ones would learn of an earlier, hidden one.
    shown = snapshot(case)
    for copy in case.copies:
        if (
            copy.audience in (Audience.HEAD, Audience.PUBLIC_INFO)
            and copy.handed_to is None
            and told_of_all(shown, seat_of(copy))
        ):
            post(session, ctx, case, copy.target, Message.ESCALATION, copy=copy.id, minutes=minutes)
    if not any(c.audience == Audience.PUBLIC_INFO for c in case.copies):  # a violation: 市政情報課 hears too
        office = ctx.directory.offices.public_info.channel
        post(session, ctx, case, office, Message.ESCALATION, copy=None, minutes=minutes)
