"""What App Home shows of drafts (handlers/home): those waiting for a person's decision, and their own."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.directory import Directory
from handlers.common.work import Context
from handlers.draft.decisions import entitlement
from handlers.draft.domain import DraftSnapshot, snapshot
from handlers.draft.route import route_of
from storage import drafts


def awaiting(session: Session, ctx: Context, user_id: str) -> list[tuple[DraftSnapshot, int]]:
    """Drafts waiting for ``user_id``'s decision, each with the request to answer: only those the user may
    decide now (not after leaving the route, not as 代決者 once an approver is back, not past 投稿予定日時)."""
    waiting = []
    for request in drafts.awaiting(session, user_id):
        draft = drafts.get(session, request.draft_id)
        if draft is None or entitlement(session, ctx, draft, request) is not None:
            continue
        if draft.scheduled_at is None or draft.scheduled_at > ctx.now:
            waiting.append((snapshot(draft, len(route_of(ctx.directory, draft))), request.id))
    return waiting


def own(session: Session, directory: Directory, user_id: str) -> list[DraftSnapshot]:
    return [snapshot(draft, len(route_of(directory, draft))) for draft in drafts.of_author(session, user_id)]
