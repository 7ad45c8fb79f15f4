"""The audit log: append-only, hash-chained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class AuditEntry(Base):
    """Append-only: who changed what, when, from what to what (triggers refuse UPDATE, DELETE, a REPLACE
    and, on PostgreSQL, TRUNCATE). A hash chain in ``seq`` order shows any change made around them
    (storage/audit_chain.py)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # NULL actor: the bot itself (a delivery failure, a reminder sweep).
    actor_id: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(120))
    # The address app.yaml named the actor by, when it did (0013; hashed only when set).
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The chain, filled in at the commit: the position, the previous entry's hash and this entry's
    # (SHA-256 over the previous hash and every other column).
    seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index(None, "entity_type", "entity_id"), Index(None, "occurred_at"))
