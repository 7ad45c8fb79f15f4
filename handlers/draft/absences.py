"""Approvers away (/sns-draft absent): while every approver of a step is away, its drafts go to the
department's 代決者 as well."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.common.work import Context, audit
from handlers.draft.changes import lock
from handlers.draft.route import deputies, request, send
from storage import drafts
from storage.models import RequestRole


def set_absence(
    session: Session, ctx: Context, user_id: str, starts_at: datetime | None, ends_at: datetime | None
) -> int:
    """Marks ``user_id`` away from ``starts_at`` (None: back now). Drafts already waiting on a step
    whose approvers are now all away are offered to the 代決者; returns how many."""
    if starts_at is None:
        drafts.end_absences(session, user_id, ctx.now)
        audit(session, ctx, ("user", user_id), user_id, "draft.absence_ended", {})
        return 0
    drafts.add_absence(session, user_id, starts_at, ends_at)
    session.flush()
    away = {"from": starts_at.isoformat(), "until": ends_at.isoformat() if ends_at else None}
    audit(session, ctx, ("user", user_id), user_id, "draft.absent", away)
    offered = 0
    for waiting in drafts.awaiting(session, user_id):
        draft = lock(session, waiting.draft_id)
        asked = [request(ctx, draft, RequestRole.APPROVER, d, deputy=True) for d in deputies(session, ctx, draft)]
        if asked:
            send(session, ctx, draft, asked)
            offered += 1
    return offered
