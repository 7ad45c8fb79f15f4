"""Data functions for drafts. They never commit: the caller's transaction decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import Absence, Draft, DraftRequest, DraftStatus, DraftVersion, RequestRole


def get(session: Session, draft_id: int, *, for_update: bool = False) -> Draft | None:
    statement = (
        select(Draft).where(Draft.id == draft_id).options(selectinload(Draft.versions), selectinload(Draft.requests))
    )
    if for_update:
        # Locked and read afresh: decisions on one draft are taken one at a time.
        statement = statement.with_for_update(of=Draft).execution_options(populate_existing=True)
    return session.scalars(statement).first()


def request(session: Session, request_id: int) -> DraftRequest | None:
    return session.get(DraftRequest, request_id)


def recent_texts(session: Session, account_key: str, since: datetime, exclude_draft: int | None) -> list[str]:
    """Texts submitted for an account since ``since``: the repetition check's memory (4(3)②)."""
    statement = (
        select(DraftVersion.text)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .where(Draft.account_key == account_key, DraftVersion.submitted_at >= since)
    )
    if exclude_draft is not None:
        statement = statement.where(Draft.id != exclude_draft)
    return list(session.scalars(statement))


def awaiting(session: Session, user_id: str) -> list[DraftRequest]:
    """Open 決裁 requests for ``user_id``: the current version and step of drafts still pending."""
    return list(
        session.scalars(
            select(DraftRequest)
            .join(Draft, Draft.id == DraftRequest.draft_id)
            .where(
                DraftRequest.user_id == user_id,
                DraftRequest.role == RequestRole.APPROVER,
                DraftRequest.answer.is_(None),
                DraftRequest.version == Draft.version,
                DraftRequest.step == Draft.step,
                Draft.status == DraftStatus.PENDING,
            )
            .order_by(DraftRequest.id)
        )
    )


def of_author(session: Session, user_id: str, limit: int = 10) -> list[Draft]:
    return list(
        session.scalars(
            select(Draft)
            .where(Draft.author_id == user_id)
            .options(selectinload(Draft.versions))
            .order_by(Draft.id.desc())
            .limit(limit)
        )
    )


def pending(session: Session) -> list[Draft]:
    return list(
        session.scalars(
            select(Draft)
            .where(Draft.status == DraftStatus.PENDING)
            .options(selectinload(Draft.requests))
            .order_by(Draft.id)
        )
    )


def due_to_expire(session: Session, now: datetime) -> list[Draft]:
    return list(
        session.scalars(
            select(Draft).where(Draft.status == DraftStatus.PENDING, Draft.scheduled_at <= now).order_by(Draft.id)
        )
    )


def due_for_reminder(session: Session, submitted_before: datetime) -> list[Draft]:
    return list(
        session.scalars(
            select(Draft)
            .where(
                Draft.status == DraftStatus.PENDING,
                Draft.reminded_at.is_(None),
                Draft.submitted_at <= submitted_before,
            )
            .order_by(Draft.id)
        )
    )


def absent(session: Session, user_ids: list[str], at: datetime) -> set[str]:
    """Which of ``user_ids`` are away at ``at``."""
    return set(
        session.scalars(
            select(Absence.user_id).where(
                Absence.user_id.in_(user_ids),
                Absence.starts_at <= at,
                or_(Absence.ends_at.is_(None), Absence.ends_at > at),
            )
        )
    )


def add_absence(session: Session, user_id: str, starts_at: datetime, ends_at: datetime | None) -> None:
    session.add(Absence(user_id=user_id, starts_at=starts_at, ends_at=ends_at))


def end_absences(session: Session, user_id: str, at: datetime) -> None:
    """Ends every absence of ``user_id`` still running at ``at``."""
    session.execute(
        update(Absence)
        .where(Absence.user_id == user_id, or_(Absence.ends_at.is_(None), Absence.ends_at > at))
        .values(ends_at=at)
    )
