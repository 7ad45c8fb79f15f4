"""Data functions for usage applications (4(4)①②). They never commit: the caller's transaction decides."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Application, ApplicationStatus


def get(session: Session, application_id: int, for_update: bool = False) -> Application | None:
    statement = select(Application).where(Application.id == application_id)
    if for_update:
        # Locked and read afresh: decisions on one application are taken one at a time.
        statement = statement.with_for_update(of=Application).execution_options(populate_existing=True)
    return session.scalars(statement).first()


def add(session: Session, application: Application) -> Application:
    session.add(application)
    session.flush()
    return application


def move(session: Session, application_id: int, *, expected: ApplicationStatus, **values: Any) -> bool:
    """The conditional UPDATE that decides: it matches only while the application is still ``expected``,
    so of two decisions at the same moment exactly one changes it. True when this one did."""
    result = session.execute(
        update(Application)
        .where(Application.id == application_id, Application.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def approved_for_departments(session: Session, department_ids: list[str]) -> list[Application]:
    """Approved applications of these departments, not yet registered as accounts (4(4)④⑤)."""
    if not department_ids:
        return []
    return list(
        session.scalars(
            select(Application)
            .where(Application.status == ApplicationStatus.APPROVED, Application.department_id.in_(department_ids))
            .order_by(Application.id)
        )
    )


def awaiting_head(session: Session, head_id: str) -> list[Application]:
    """Applications filled by staff that wait for ``head_id`` to apply (4(4)①)."""
    return list(
        session.scalars(
            select(Application)
            .where(Application.status == ApplicationStatus.WITH_HEAD, Application.head_id == head_id)
            .order_by(Application.id)
        )
    )


def awaiting_decision(session: Session) -> list[Application]:
    """Applications that wait for 市政情報課."""
    return list(
        session.scalars(
            select(Application).where(Application.status == ApplicationStatus.SUBMITTED).order_by(Application.id)
        )
    )


def of_filler(session: Session, user_id: str, limit: int = 10) -> list[Application]:
    """The latest applications ``user_id`` filled in or applied for as head."""
    return list(
        session.scalars(
            select(Application)
            .where((Application.filled_by == user_id) | (Application.head_id == user_id))
            .order_by(Application.id.desc())
            .limit(limit)
        )
    )
