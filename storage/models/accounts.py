"""/sns-account: the register of official accounts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class Platform(StrEnum):
    """Where an account is: an application asks for one, the register records it."""

    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINE = "line"
    YOUTUBE = "youtube"
    NOTE = "note"
    OTHER = "other"


class AccountState(StrEnum):
    ACTIVE = "active"  # 運用中
    WITHDRAWING = "withdrawing"  # 撤退予告中
    DELETED = "deleted"  # 削除済み


class Account(Base):
    """An official account in the register. Its password is never stored: only when it last changed."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("account_applications.id"))
    platform: Mapped[Platform] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    department_id: Mapped[str] = mapped_column(String(64))
    department_name: Mapped[str] = mapped_column(String(80))
    managers: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[AccountState] = mapped_column(String(16), default=AccountState.ACTIVE)
    public_policy_url: Mapped[str | None] = mapped_column(Text)
    send_only: Mapped[bool] = mapped_column(default=False)
    # 4(5)②: the official account links to the city website and the website to the account.
    links_to_site: Mapped[bool] = mapped_column(default=False)
    linked_from_site: Mapped[bool] = mapped_column(default=False)
    password_changed_on: Mapped[date]
    # 「明日もう一度」: the one day this cycle's password reminder comes again.
    password_snooze_on: Mapped[date | None]
    review_interval_days: Mapped[int]
    last_review_on: Mapped[date]
    # last_review_on + review_interval_days, kept by an ORM hook: the sweep finds what is due by index.
    review_due_on: Mapped[date]
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_by: Mapped[str] = mapped_column(String(120))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    withdrawal_notice_until: Mapped[date | None]
    announced_in_account: Mapped[bool] = mapped_column(default=False)
    announced_on_site: Mapped[bool] = mapped_column(default=False)
    deleted_on: Mapped[date | None]

    __table_args__ = (
        Index(None, "state"),
        Index(None, "password_changed_on"),
        Index(None, "review_due_on"),
        Index(None, "password_snooze_on"),
        Index(None, "withdrawal_notice_until"),
    )


@event.listens_for(Account, "before_insert")
@event.listens_for(Account, "before_update")
def _review_due(_mapper: Any, _connection: Any, account: Account) -> None:
    account.review_due_on = account.last_review_on + timedelta(days=account.review_interval_days)
