"""Reading the audit trail back: the evidence exports for the 情報セキュリティ委員会 (guideline 6(1))."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

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


def private_cases(session: Session) -> set[str]:
    """The numbers of the cases holding a report filed in a private capacity (their audit entries'
    ``entity_id``): a case a 業務 report widened keeps its private report's reporter, URLs and 概要 too."""
    private_report = select(CaseReporter.case_id).where(CaseReporter.capacity == Capacity.PRIVATE)
    private = or_(Case.capacity == Capacity.PRIVATE, Case.id.in_(private_report))
    return set(session.scalars(select(Case.number).where(private)))
