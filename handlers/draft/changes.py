"""What every change to a draft shares: the draft locked, the guarded UPDATE that moves it, and the DMs
the change queues as intents, drawn by the delivery worker when it sends them (handlers/draft/messages.py).

A change stores facts, never Block Kit; nothing here commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from handlers.common.work import Context, found
from handlers.draft.domain import Message
from storage import drafts, outbox
from storage.models import Draft, DraftStatus, OutboxMessage


def lock(session: Session, draft_id: int) -> Draft:
    return found(drafts.get(session, draft_id, for_update=True), f"draft {draft_id}")


def move(session: Session, draft: Draft, version: int, step: int, values: dict[str, Any], now: datetime) -> bool:
    """The conditional UPDATE that decides: it matches only the pending version and step decided."""
    if values.get("status") in (DraftStatus.APPROVED, DraftStatus.RETURNED, DraftStatus.REJECTED):
        values = {**values, "decided_at": now}
    result = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.status == DraftStatus.PENDING, Draft.version == version, Draft.step == step)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def refresh(session: Session, ctx: Context, draft: Draft, *, version: int) -> None:
    """Queues an update of every DM about ``version``, drawn when sent (answers shown, buttons gone when
    decided). One pending update, or a DM not sent yet, stands for any number of changes."""
    targets = [r.message for r in draft.requests if r.version == version and r.message is not None]
    intent = {"kind": Message.REQUEST, "draft": draft.id}
    outbox.update_intents(session, targets=targets, intent=intent, now=ctx.now)


def notify(session: Session, ctx: Context, draft: Draft, user_id: str, kind: str, **params: Any) -> None:
    """Queues a notice frozen at this event: it shows the version and status of now, whenever it is sent."""
    facts = {"notice": kind, "version": draft.version, "status": draft.status, "params": params}
    post(session, ctx, draft, user_id, Message.NOTICE, **facts)


def post(session: Session, ctx: Context, draft: Draft, user_id: str, kind: Message, **facts: Any) -> OutboxMessage:
    """Queues a DM about ``draft``: its subject names the draft (one notice if one goes as plain text)."""
    intent = {"kind": kind, "draft": draft.id, **facts}
    return outbox.post_intent(session, channel=user_id, intent=intent, now=ctx.now, subject=f"draft:{draft.id}")
