"""/sns-report: cases, their reports, copies, checklists and numbers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime
from storage.models.outbox import OutboxMessage


class CaseKind(StrEnum):
    FLAME = "flame"  # 炎上
    IMPERSONATION = "impersonation"  # なりすまし
    IMPORTANT = "important"  # 市に関する重要な記述
    MISTAKE = "mistake"  # 誤った情報の発信
    VIOLATION = "violation"  # ガイドライン違反の投稿


class Capacity(StrEnum):
    OFFICIAL = "official"  # 業務
    PRIVATE = "private"  # プライベート


class CaseStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class Audience(StrEnum):
    """Who a copy of a case was sent to."""

    HEAD = "head"
    SECRETARIAT = "secretariat"
    PUBLIC_INFO = "public_info"
    GENERAL_AFFAIRS = "general_affairs"
    SECURITY_OFFICER = "security_officer"
    SECURITY_COMMITTEE = "security_committee"
    REPORTER = "reporter"


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[CaseKind] = mapped_column(String(16))
    capacity: Mapped[Capacity] = mapped_column(String(16))
    status: Mapped[CaseStatus] = mapped_column(String(16), default=CaseStatus.OPEN)
    summary: Mapped[str] = mapped_column(Text)
    account: Mapped[str | None] = mapped_column(Text)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Names as they were at the time: app.yaml changes every April.
    department_id: Mapped[str | None] = mapped_column(String(64))
    department_name: Mapped[str | None] = mapped_column(String(80))
    reporter_id: Mapped[str] = mapped_column(String(32))
    reporter_name: Mapped[str] = mapped_column(String(120))
    reporter_count: Mapped[int] = mapped_column(default=1)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution_reason: Mapped[str | None] = mapped_column(String(32))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # Escalation when nobody acknowledges: due time, and the last level sent (0: none yet).
    escalate_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(default=0)
    # The violation chain (6(2)): head → security officer → committee.
    officer_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    officer_notified_by: Mapped[str | None] = mapped_column(String(120))
    committee_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    committee_reported_by: Mapped[str | None] = mapped_column(String(120))
    # 誤った情報の発信 with confidential content may be deleted (4(5)③ ただし書き).
    confidential: Mapped[bool] = mapped_column(default=False)

    urls: Mapped[list[CaseUrl]] = relationship(order_by="CaseUrl.id", cascade="all, delete-orphan")
    copies: Mapped[list[CaseCopy]] = relationship(order_by="CaseCopy.id", cascade="all, delete-orphan")
    reports: Mapped[list[CaseReporter]] = relationship(order_by="CaseReporter.id", cascade="all, delete-orphan")
    checklist: Mapped[list[ChecklistItem]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        Index(None, "status"),
        Index(None, "escalation_level", "escalate_at"),
    )


class CaseUrl(Base):
    __tablename__ = "case_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    url: Mapped[str] = mapped_column(Text)


class OpenCaseUrl(Base):
    """The normalised URLs of open cases, unique: the database decides which report opens a
    case and which ones attach to it, even when two arrive in the same instant."""

    __tablename__ = "open_case_urls"

    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)


class CaseReporter(Base):
    """One person's report of a case's post, as they filed it: who sees it depends on its capacity
    (handlers/report/visibility.py), so its 概要, 所属 and URLs are kept apart from the others'."""

    __tablename__ = "case_reporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[str] = mapped_column(String(32))
    user_name: Mapped[str] = mapped_column(String(120))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[Capacity] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    account: Mapped[str | None] = mapped_column(Text)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    department_id: Mapped[str | None] = mapped_column(String(64))
    department_name: Mapped[str | None] = mapped_column(String(80))
    urls: Mapped[list[str]] = mapped_column(JSON)

    # One report per person and capacity: filing the same post again in the other capacity is a report of its own.
    __table_args__ = (UniqueConstraint("case_id", "user_id", "capacity"), Index(None, "user_id"))


class CaseCopy(Base):
    """One message showing the case: a DM or an office's channel post, kept in step by chat.update."""

    __tablename__ = "case_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    audience: Mapped[Audience] = mapped_column(String(32))
    # A user ID (DM) or a channel ID, and its name as it was at the time.
    target: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    # A head's copy: the department they head for this case (their reports' private parts are theirs to see).
    department_id: Mapped[str | None] = mapped_column(String(64))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    # The copy whose thread holds the case's timeline.
    primary: Mapped[bool] = mapped_column(default=False)
    # Once its head changed (人事異動): the successor's name. The copy keeps no buttons.
    handed_to: Mapped[str | None] = mapped_column(String(120))
    # When: a handed-over copy is drawn with the reports filed until then only, whenever it is sent.
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message: Mapped[OutboxMessage | None] = relationship()


class ChecklistItem(Base):
    __tablename__ = "case_checklist"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    item: Mapped[str] = mapped_column(String(32), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_by: Mapped[str] = mapped_column(String(120))
    # e.g. the URL of the correcting post
    value: Mapped[str | None] = mapped_column(Text)


class CaseCounter(Base):
    """The last case number given out per year: SNS-2026-0001, -0002…"""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]
