"""Recording audit entries and reading the chain back, for the tests of the audit log's hash chain."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage import audit, audit_chain
from storage.db import SessionFactory
from storage.models import AuditEntry

NOW = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)


def record(sessions: SessionFactory, *actions: str) -> None:
    with sessions.begin() as session:
        for action in actions:
            audit.record(session, at=NOW, actor=audit.Actor("U1", "観光 一郎"), action=action, entity_type="t",
                         entity_id=1, after={"n": [1, 2], "text": "概要"})  # fmt: skip


def chain(sessions: SessionFactory) -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def verdict(sessions: SessionFactory) -> audit_chain.Verdict:
    with sessions() as session:
        return audit_chain.verify(session)


def four_entries(sessions: SessionFactory) -> list[AuditEntry]:
    record(sessions, "case.created", "case.acknowledged")
    record(sessions, "case.commented", "case.resolved")
    return chain(sessions)
