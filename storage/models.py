"""The tables. Features add their own models here as they land."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, orm_insert_sentinel, relationship

from storage.base import Base, UTCDateTime


class AuditEntry(Base):
    """Append-only: who changed what, when, from what to what (triggers refuse UPDATE, DELETE, a REPLACE
    and, on PostgreSQL, TRUNCATE). A hash chain in ``seq`` order shows any change made around them
    (storage/audit_chain.py)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # NULL actor: the bot itself (a delivery failure, a reminder sweep).
    actor_id: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(120))
    # The address app.yaml named the actor by, when it did (0013; hashed only when set).
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The chain, filled in at the commit: the position, the previous entry's hash and this entry's
    # (SHA-256 over the previous hash and every other column).
    seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index(None, "entity_type", "entity_id"), Index(None, "occurred_at"))


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Drawn at send time to nothing new: an update whose reader would see no change (Slack would still mark
    # the message edited), a thread line or full text with nothing to say. Settled without a Web API call.
    SKIPPED = "skipped"


class OutboxMethod(StrEnum):
    POST = "chat.postMessage"
    UPDATE = "chat.update"


class OutboxMessage(Base):
    """A message to Slack caused by a state change, written in the same transaction as the change."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where it goes: a channel ID, or a user ID for the bot's DM with that user. Messages to
    # one destination are delivered in id order, one at a time.
    channel: Mapped[str] = mapped_column(String(32))
    method: Mapped[OutboxMethod] = mapped_column(String(32))
    # Web API arguments other than channel/ts/thread_ts (text, blocks, metadata...), rendered when queued;
    # or, instead, an intent ({"kind": "report.copy", ...}) that a feature draws when the message is sent,
    # from the database as it is then (bot/delivery.py Render).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    intent: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set on an intent drawn at send time, so one pending message stands for many: a second change to a case
    # before its copy's update is sent adds nothing, the one update draws both.
    coalesce_key: Mapped[str | None] = mapped_column(String(48))
    # The thread to reply in (POST) or the message to rewrite (UPDATE).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A claim expires so a crashed sender's messages are picked up by another.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where Slack put it, for later chat.update and thread replies.
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What it is about ("case:12", "draft:3"): where its plain-text version says to act, and the key
    # of the one notice to 市政情報課 when a message about it had to go as plain text.
    subject: Mapped[str | None] = mapped_column(String(64))
    # Slack's answer when it refused the payload itself (invalid_blocks…): the plain-text version is sent instead.
    refused_with: Mapped[str | None] = mapped_column(String(64))
    # A digest of what the message shows in Slack now (a post: updated as its updates are sent); an update
    # whose drawing has the same digest is skipped.
    shown_digest: Mapped[str | None] = mapped_column(String(64))
    # Lets many rows go in one INSERT … RETURNING whose ids come back in order, on SQLite too (SQLAlchemy's
    # insert sentinel): a case's copies are queued in one statement.
    _sentinel: Mapped[int | None] = orm_insert_sentinel()

    parent: Mapped[OutboxMessage | None] = relationship(remote_side=[id])

    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "channel", "id"),
        Index(None, "parent_id"),
    )


class PlainTextNotice(Base):
    """市政情報課 told that a message about ``subject`` went as plain text: the key makes it once per
    subject, whichever worker sends a plain version first."""

    __tablename__ = "plain_text_notices"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConfigRevision(Base):
    """Each distinct app.yaml a serve process ran with: the April directory changes, on record."""

    __tablename__ = "config_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    directory: Mapped[dict[str, Any]] = mapped_column(JSON)


# -- /sns-report: cases ----------------------------------------------------------------


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


# -- /sns-draft: drafts, their versions, peer checks and 決裁 ------------------------------


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


# -- /sns-account: applications, the register, reminders --------------------------------------


class Platform(StrEnum):
    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINE = "line"
    YOUTUBE = "youtube"
    NOTE = "note"
    OTHER = "other"


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


class Reminder(Base):
    """A reminder sent: (kind, subject, due) is unique, so each is sent once, whichever process
    sweeps first and however often the sweep runs."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "account:12"
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))

    message: Mapped[OutboxMessage | None] = relationship()

    __table_args__ = (UniqueConstraint("kind", "subject", "due_on"),)


class ProcessedView(Base):
    """A modal submission already acted on, by Slack's view id: a retried or repeated submission
    gets the first one's answer instead of doing the work again."""

    __tablename__ = "processed_views"

    view_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    callback_id: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class OpenedView(Base):
    """A modal the bot opened, for whom and what for. Written before views.open under an external_id of
    our own (Slack sends it back with the submission), then given Slack's view id once views.open answers."""

    __tablename__ = "opened_views"

    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    view_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(64))  # the callback_id it was opened with
    subject: Mapped[str | None] = mapped_column(String(64))  # e.g. "case:12"
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SlackName(Base):
    """An e-mail address or #channel name of app.yaml and the Slack ID it last resolved to, with when:
    a restart while Slack is unreachable starts with these."""

    __tablename__ = "slack_names"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "email" or "channel"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)  # as app.yaml writes it, lower-cased
    slack_id: Mapped[str] = mapped_column(String(32))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchedulerSweep(Base):
    """Each scheduled sweep's last run, for `sns-bot doctor`: when a scheduler running it last started, when
    it last finished a run, and the error of the last run if it failed."""

    __tablename__ = "scheduler_sweeps"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    swept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class ChannelNotice(Base):
    """市政情報課 told that the bot cannot post in ``channel`` (private, not invited): once per channel,
    whichever worker is first."""

    __tablename__ = "channel_notices"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    error: Mapped[str] = mapped_column(String(64))
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime)
