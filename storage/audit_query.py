"""Reading the audit trail back: the evidence exports for the 情報セキュリティ委員会 (guideline 6(1))."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import AuditEntry, Capacity, Case, CaseReporter

# Rows fetched per round trip: a year of entries streams through in bounded memory
# (a server-side cursor on PostgreSQL; the identity map holds entries only weakly).
BATCH_SIZE = 1000


def entries_between(session: Session, start: datetime, end: datetime) -> Iterator[AuditEntry]:
    """Audit entries with ``start <= occurred_at < end``, in id order, streamed.

    ``start`` and ``end`` must be aware (a naive one raises ValueError). The query runs at once;
    the rows arrive as the iterator is consumed, so consume it before the session closes.
    Reading only: nothing is flushed or changed.
    """
    for moment in (start, end):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware datetime")
    statement = (
        select(AuditEntry)
        .where(AuditEntry.occurred_at >= start, AuditEntry.occurred_at < end)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    return iter(session.scalars(statement))


class PrivateCases(NamedTuple):
    """The cases holding a report filed in a private capacity, as audit entries name them: a case a 業務
    report widened keeps its private report's reporter, URLs and 概要 too."""

    numbers: frozenset[str]  # a case's own entries: entity_id
    subjects: frozenset[str]  # the outbox's entries about the case's messages: after["subject"]

    def about(self, entry: AuditEntry) -> bool:
        """Whether ``entry`` is about one of these cases: the case's own entry, or the outbox's (refused,
        sent as plain text, failed), whose channel is whoever the message went to, the reporter included."""
        if entry.entity_type == "case":
            return entry.entity_id in self.numbers
        return entry.entity_type == "outbox" and (entry.after or {}).get("subject") in self.subjects


def private_cases(session: Session) -> PrivateCases:
    private_report = select(CaseReporter.case_id).where(CaseReporter.capacity == Capacity.PRIVATE)
    private = or_(Case.capacity == Capacity.PRIVATE, Case.id.in_(private_report))
    rows = session.execute(select(Case.id, Case.number).where(private)).all()
    # The subject the report feature gives a case's outbox messages (handlers/report/service.py).
    return PrivateCases(frozenset(number for _, number in rows), frozenset(f"case:{id_}" for id_, _ in rows))
