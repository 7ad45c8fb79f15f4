"""Data functions for the account register and reminders. They never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import (
    Account,
    AccountState,
    Application,
    ApplicationStatus,
    OutboxMessage,
    OutboxMethod,
    OutboxStatus,
    Reminder,
)


def get(session: Session, account_id: int, *, for_update: bool = False) -> Account | None:
    statement = select(Account).where(Account.id == account_id)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.scalars(statement).first()


def by_url(session: Session, url: str) -> Account | None:
    return session.scalars(select(Account).where(Account.url == url)).first()


def live(session: Session) -> list[Account]:
    """Accounts not yet deleted: the ones reminders are about."""
    return list(session.scalars(select(Account).where(Account.state != AccountState.DELETED).order_by(Account.id)))


def due_candidates(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[Account]:
    """Accounts matching any of the reminder kinds' ``conditions`` (handlers/account/reminders.py), found by
    index: a quiet sweep reads no account at all."""
    if not conditions:
        return []
    return list(session.scalars(select(Account).where(or_(*conditions)).order_by(Account.id)))


def sent(session: Session, subjects: list[str]) -> set[tuple[str, str, date]]:
    """(kind, subject, due) of the reminders already sent about ``subjects``."""
    keys: set[tuple[str, str, date]] = set()
    for start in range(0, len(subjects), 500):  # bounded IN lists
        chunk = subjects[start : start + 500]
        rows = session.execute(
            select(Reminder.kind, Reminder.subject, Reminder.due_on).where(Reminder.subject.in_(chunk))
        )
        keys.update((kind, subject, due_on) for kind, subject, due_on in rows)
    return keys


def register(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.department_id, Account.platform, Account.id)))


def open_applications(session: Session) -> list[Application]:
    """Applications not yet registered as accounts: shown as 申請中 / 承認済み in the register."""
    waiting = (ApplicationStatus.WITH_HEAD, ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)
    return list(session.scalars(select(Application).where(Application.status.in_(waiting)).order_by(Application.id)))


ReminderKey = tuple[str, str, date]  # kind, subject, due date
_CLAIM_CHUNK = 500  # rows per INSERT, far below SQLite's bound-parameter limit


def claim_reminders(session: Session, keys: Sequence[ReminderKey], now: datetime) -> set[ReminderKey]:
    """Records reminders as sent, unless they already were: the database decides, so two sweeping
    processes never both send one. Returns the keys this call recorded."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claimed: set[ReminderKey] = set()
    for start in range(0, len(keys), _CLAIM_CHUNK):
        chunk = keys[start : start + _CLAIM_CHUNK]
        rows = [{"kind": kind, "subject": subject, "due_on": due_on, "sent_at": now} for kind, subject, due_on in chunk]
        inserted = session.execute(
            dialect.insert(Reminder)
            .values(rows)
            .on_conflict_do_nothing(index_elements=[Reminder.kind, Reminder.subject, Reminder.due_on])
            .returning(Reminder.kind, Reminder.subject, Reminder.due_on)
        )
        claimed.update((kind, subject, due_on) for kind, subject, due_on in inserted)
    return claimed


def claim_reminder(session: Session, kind: str, subject: str, due_on: date, now: datetime) -> bool:
    """claim_reminders for one: True when this call recorded it."""
    return bool(claim_reminders(session, [(kind, subject, due_on)], now))


def reminder_sent(session: Session, kind: str, subject: str, due_on: date) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.kind == kind, Reminder.subject == subject, Reminder.due_on == due_on)
        )
    )


def posted(session: Session, subject: str, reminder: str) -> list[OutboxMessage]:
    """The messages about ``subject`` posted (or still to be) as reminders of kind ``reminder``: what a
    change to the account they show is updated in. Found by scanning: asked for on a rare click only."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.subject == subject,
                OutboxMessage.method == OutboxMethod.POST,
                OutboxMessage.status != OutboxStatus.FAILED,
                OutboxMessage.intent["reminder"].as_string() == reminder,
            )
            .order_by(OutboxMessage.id)
        )
    )
