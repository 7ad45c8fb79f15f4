"""The figures of the monthly summary to 市政情報課. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit_chain
from storage.models import Account, AccountState, AuditEntry, Case


@dataclass(frozen=True)
class Figures:
    reports: dict[tuple[str, str], int]  # (kind, status) -> count, of cases opened in the month
    decisions: dict[str, int]  # approve / return / reject -> count, of 決裁 in the month
    accounts: dict[str, int]  # state -> count, now
    overdue_passwords: int
    overdue_reviews: int
    # The audit chain's head as it stands: kept outside the database, it anchors the chain.
    audit_head: audit_chain.Head | None
    missing_policies: int = 0  # active accounts with no 公開用運用ポリシー URL recorded (4(4)③)


def month(session: Session, start: datetime, end: datetime, rotation_days: int, today: date) -> Figures:
    reports = session.execute(
        select(Case.kind, Case.status, func.count())
        .where(Case.created_at >= start, Case.created_at < end)
        .group_by(Case.kind, Case.status)
    ).all()
    decisions = session.execute(
        select(AuditEntry.action, func.count())
        .where(
            AuditEntry.occurred_at >= start,
            AuditEntry.occurred_at < end,
            AuditEntry.action.in_(["draft.approve", "draft.return", "draft.reject"]),
        )
        .group_by(AuditEntry.action)
    ).all()
    states = session.execute(select(Account.state, func.count()).group_by(Account.state)).all()
    active = list(session.scalars(select(Account).where(Account.state == AccountState.ACTIVE)))
    rotation = timedelta(days=rotation_days)
    return Figures(
        reports={(kind, status): n for kind, status, n in reports},
        decisions={action.removeprefix("draft."): n for action, n in decisions},
        accounts={state: n for state, n in states},
        overdue_passwords=sum(a.password_changed_on + rotation < today for a in active),
        overdue_reviews=sum(a.review_due_on < today for a in active),
        audit_head=audit_chain.head(session),
        missing_policies=sum(not a.public_policy_url for a in active),
    )
