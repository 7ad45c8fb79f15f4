"""The views the bot opened (provenance of a modal's submission), and their sweep. Never commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage.models import OpenedView, ProcessedView

# Slack keeps a modal open while its tab is; a week covers a modal left open over a holiday weekend. A
# submission of an older view is refused (「開き直してください」), and a retry of it is no longer answered.
KEPT = timedelta(days=7)


def expect(
    session: Session, *, external_id: str, user_id: str, purpose: str, subject: str | None, now: datetime
) -> None:
    """A view about to be opened under ``external_id`` for ``user_id``."""
    session.add(OpenedView(external_id=external_id, user_id=user_id, purpose=purpose, subject=subject, opened_at=now))


def opened(session: Session, *, external_id: str, view_id: str) -> None:
    """Slack's id of the view opened under ``external_id`` (views.open's answer)."""
    session.execute(update(OpenedView).where(OpenedView.external_id == external_id).values(view_id=view_id))


def opened_for(session: Session, *, view_id: str, external_id: str | None, user_id: str) -> OpenedView | None:
    """The record of a submitted view, if the bot opened it for ``user_id``: by Slack's view id, or by our
    external_id when the submission came before views.open's answer was recorded."""
    same_view = [OpenedView.view_id == view_id]
    if external_id:
        same_view.append(OpenedView.external_id == external_id)
    return session.scalars(select(OpenedView).where(or_(*same_view), OpenedView.user_id == user_id)).first()


def sweep(session: Session, now: datetime) -> int:
    """Forgets views opened, and submissions processed, more than KEPT ago; the number of rows deleted."""
    cutoff = now - KEPT
    views = session.execute(delete(OpenedView).where(OpenedView.opened_at < cutoff))
    processed = session.execute(delete(ProcessedView).where(ProcessedView.processed_at < cutoff))
    return views.rowcount + processed.rowcount  # type: ignore[attr-defined]
