"""The scheduler's sweeps over drafts, free of Slack: expiry at the planned posting time, and one
reminder per version to the approvers who have not answered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from handlers.common.work import Context, audit
from handlers.draft.changes import lock, move, notify, refresh
from handlers.draft.route import in_step
from storage import drafts
from storage.models import Draft, DraftStatus


def expire_due(session: Session, ctx: Context) -> int:
    """A draft whose planned posting time passes while pending expires: buttons go, the author is told."""
    expired = 0
    for due in drafts.due_to_expire(session, ctx.now):
        expired += expire(session, ctx, lock(session, due.id))
    return expired


def expire(session: Session, ctx: Context, draft: Draft) -> bool:
    """Expires the locked ``draft`` at its version and step; False when it was decided or expired meanwhile."""
    if not move(session, draft, draft.version, draft.step, {"status": DraftStatus.EXPIRED}, ctx.now):
        return False
    session.refresh(draft)
    refresh(session, ctx, draft, version=draft.version)
    notify(session, ctx, draft, draft.author_id, "expired")
    audit(session, ctx, ("draft", draft.id), None, "draft.expired", {"version": draft.version})
    return True


def remind_due(session: Session, ctx: Context) -> int:
    """One reminder per version to the approvers who have not answered, in office hours."""
    if not ctx.directory.office_hours.is_open(ctx.now):
        return 0
    hours = ctx.directory.config.reminders.approval_reminder_hours
    reminded = 0
    for due in drafts.due_for_reminder(session, ctx.now - timedelta(hours=hours)):
        draft = lock(session, due.id)
        if draft.reminded_at is not None or draft.status != DraftStatus.PENDING:
            continue
        draft.reminded_at = ctx.now
        for request in draft.requests:
            if in_step(request, draft.version, draft.step) and request.answer is None:
                notify(session, ctx, draft, request.user_id, "reminder", hours=hours)
        audit(session, ctx, ("draft", draft.id), None, "draft.reminded", {"version": draft.version, "step": draft.step})
        reminded += 1
    return reminded
