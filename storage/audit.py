"""The audit trail: one append-only row per state change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage import audit_chain  # noqa: F401 - chains the entries at the commit
from storage.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who did it, with the name as it was at the time (the directory changes every April)."""

    user_id: str
    name: str
    email: str | None = None  # the address app.yaml names them by, when it does


def record(
    session: Session,
    *,
    at: datetime,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Adds an audit row to the caller's transaction. ``actor=None`` means the bot itself.
    The row is written, and gets its id and place in the hash chain, when the transaction commits."""
    entry = AuditEntry(
        occurred_at=at,
        actor_id=actor.user_id if actor else None,
        actor_name=actor.name if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry
