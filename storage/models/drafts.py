"""/sns-draft: drafts, their versions, peer checks and 決裁, and approvers' absences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime
from storage.models.outbox import OutboxMessage


class DraftKind(StrEnum):
    ANNOUNCEMENT = "announcement"  # 事実の告知: peer check (4(4)⑥[1])
    OFFICIAL_VIEW = "official_view"  # 組織判断・公式見解: 決裁 (4(4)⑥[2])


class DraftStatus(StrEnum):
    CHECKING = "checking"  # an announcement, open to peer checks
    PENDING = "pending"  # waiting for 決裁
    APPROVED = "approved"
    RETURNED = "returned"  # 差戻し: the author may edit and resubmit
    REJECTED = "rejected"  # 却下
    EXPIRED = "expired"  # its planned posting time passed while pending
    PUBLISHED = "published"


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DraftKind] = mapped_column(String(16))
    status: Mapped[DraftStatus] = mapped_column(String(16))
    # The version and the approval step being decided; decisions name both, so a late click on an
    # earlier version or step matches no row.
    version: Mapped[int] = mapped_column(default=1)
    step: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[str] = mapped_column(String(32))
    author_name: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[str | None] = mapped_column(String(64))
    department_name: Mapped[str | None] = mapped_column(String(80))
    account: Mapped[str | None] = mapped_column(String(200))
    # The account, normalised: the repetition check compares texts per account.
    account_key: Mapped[str] = mapped_column(String(200), index=True)
    # The 決裁権者 the author chose, for departments without an approval route.
    chosen_approvers: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_url: Mapped[str | None] = mapped_column(Text)

    versions: Mapped[list[DraftVersion]] = relationship(order_by="DraftVersion.version", cascade="all, delete-orphan")
    requests: Mapped[list[DraftRequest]] = relationship(order_by="DraftRequest.id", cascade="all, delete-orphan")

    __table_args__ = (Index(None, "status", "scheduled_at"), Index(None, "author_id"))


class DraftVersion(Base):
    __tablename__ = "draft_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    corrects_url: Mapped[str | None] = mapped_column(Text)
    # The author's statement that people shown have agreed or the information is public.
    consented: Mapped[bool] = mapped_column(default=False)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("draft_id", "version"),)


class RequestRole(StrEnum):
    REVIEWER = "reviewer"  # 確認者
    APPROVER = "approver"  # 決裁権者
    AUTHOR = "author"  # the author's own status message


class DraftRequest(Base):
    """One person asked about one version of a draft (a peer check or a 決裁), with their DM."""

    __tablename__ = "draft_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    version: Mapped[int]
    step: Mapped[int] = mapped_column(default=0)
    role: Mapped[RequestRole] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(32))
    user_name: Mapped[str] = mapped_column(String(120))
    # ok / issue (peer check); approve / return / reject (決裁); NULL: not answered.
    answer: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Asked as a 代決者 because the step's approvers were all absent.
    deputy: Mapped[bool] = mapped_column(default=False)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))

    message: Mapped[OutboxMessage | None] = relationship()

    __table_args__ = (UniqueConstraint("draft_id", "version", "step", "role", "user_id"), Index(None, "user_id"))


class Absence(Base):
    """An approver away (/sns-draft absent): their steps may be decided by the department's 代決者."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # NULL: until turned off
