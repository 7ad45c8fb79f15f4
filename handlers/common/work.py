"""What every feature's service shares for one unit of work: its Context, its audit entry, the row it acts on.

Nothing here knows Slack: services take a Context and a session, listeners and jobs build the Context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.errors import BadRequest
from bot.runtime import Runtime
from storage import audit as audit_log

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What every change needs besides the session: the directory and the time."""

    directory: Directory
    now: datetime

    @property
    def timezone(self) -> ZoneInfo:
        return self.directory.timezone

    @property
    def today(self) -> date:
        return self.now.astimezone(self.timezone).date()


def context_of(runtime: Runtime, now: datetime | None = None) -> Context:
    return Context(directory=runtime.config.directory, now=now or runtime.clock.now())


def audit(
    session: Session,
    ctx: Context,
    entity: tuple[str, str | int],
    user_id: str | None,
    action: str,
    after: dict[str, Any] | None = None,
    *,
    before: dict[str, Any] | None = None,
) -> None:
    """Adds the audit entry of ``action`` on ``entity`` (its type and id) to the change; no user: the bot."""
    entity_type, entity_id = entity
    actor = ctx.directory.actor(user_id) if user_id else None
    audit_log.record(
        session,
        at=ctx.now,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
    )


def found(row: T | None, what: str) -> T:
    """``row``, or a 404-like refusal: an id from a button or a modal that names nothing (forged, or deleted)."""
    if row is None:
        raise BadRequest(f"no {what}")
    return row
