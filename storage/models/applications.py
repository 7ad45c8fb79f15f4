"""/sns-account: usage applications (4(4)①②)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime
from storage.models.accounts import Platform
from storage.models.outbox import OutboxMessage


class ApplicationStatus(StrEnum):
    WITH_HEAD = "with_head"  # filled by staff, waiting for their head to apply (4(4)①)
    SUBMITTED = "submitted"  # waiting for 市政情報課
    APPROVED = "approved"
    RETURNED = "returned"  # 差戻し (by the head or 市政情報課): may be edited and sent again
    REJECTED = "rejected"
    REGISTERED = "registered"  # the approved account has been taken and registered (4(4)⑤)


class Application(Base):
    """A usage application for one platform, with the nine items of its usage policy (4(4)②)."""

    __tablename__ = "account_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(String(16))
    status: Mapped[ApplicationStatus] = mapped_column(String(16))
    emergency: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str] = mapped_column(Text)
    # [3]–[9] as answered, keyed by item; [5]'s 担当者 as Slack user IDs.
    items: Mapped[dict[str, Any]] = mapped_column(JSON)
    review_interval_days: Mapped[int]
    department_id: Mapped[str] = mapped_column(String(64))
    department_name: Mapped[str] = mapped_column(String(80))
    filled_by: Mapped[str] = mapped_column(String(32))
    filled_by_name: Mapped[str] = mapped_column(String(120))
    head_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    head_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    office_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))

    head_message: Mapped[OutboxMessage | None] = relationship(foreign_keys=[head_message_id])
    office_message: Mapped[OutboxMessage | None] = relationship(foreign_keys=[office_message_id])

    __table_args__ = (Index(None, "status"),)
