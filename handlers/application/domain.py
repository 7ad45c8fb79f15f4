"""The usage application's vocabulary (4(4)①②), shared by the forms, the service and the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.directory import Directory
from handlers.common.metadata import Metadata
from storage.models import Application, ApplicationStatus, Platform

# Brand names are proper nouns, not copy to translate: they stay as the services write them.
PLATFORM_NAMES = {
    Platform.X: "X",
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.LINE: "LINE",
    Platform.YOUTUBE: "YouTube",
    Platform.NOTE: "note",
}


class Item(StrEnum):
    """The keys of ``Application.items``: items [3]–[9] of the usage policy as answered (4(4)②).
    An emergency application (4(4)② ただし書き) has only PLATFORM_OTHER, STAFF and SETUP for sure."""

    PLATFORM_OTHER = "platform_other"  # [1] the service's name when the platform is "other"
    AUDIENCE = "audience"  # [3] 対象者
    CONTENT = "content"  # [4] 発信内容, with examples of what needs 決裁
    STAFF = "staff"  # [5] 担当者: Slack user IDs
    SETUP = "setup"  # [5] 通常時・緊急時の体制
    FREQUENCY = "frequency"  # [6] 発信の頻度・タイミング
    METHOD = "method"  # [6] 発信方法
    RESPONSES = "responses"  # [6] 意見や質問への対応
    POLICY_PLACE = "policy_place"  # [6] 公開用運用ポリシーの掲載先
    ACCOUNT_NAME = "account_name"  # [7] アカウント名
    ACCOUNT_INFO = "account_info"  # [7] アカウント取得用情報
    OFF_SITE = "off_site"  # [7] 庁舎外・時間外の利用可否: an OffSite value
    PASSWORDS = "passwords"  # [7] パスワードの管理方法
    SERVER = "server"  # [8] サーバの所在: a Server value
    RISK = "risk"  # [8] 国外の場合、法的・政情リスクを許容するか: a Risk value (None when domestic)
    RISK_REASON = "risk_reason"  # [8] 方針・理由
    INDICATORS = "indicators"  # [9] 指標と評価方法


class OffSite(StrEnum):
    ALLOWED = "allowed"  # 庁舎外・勤務時間外も利用する
    EMERGENCY_ONLY = "emergency_only"  # 緊急時のみ
    NOT_ALLOWED = "not_allowed"  # 庁舎内・勤務時間内のみ


class Server(StrEnum):
    DOMESTIC = "domestic"
    ABROAD = "abroad"


class Risk(StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"


class Answer(StrEnum):
    APPLY = "apply"  # the head's 申請する
    HEAD_RETURN = "head_return"  # the head's 差し戻す
    APPROVE = "approve"  # 市政情報課: 承認
    RETURN = "return"  # 差戻し
    REJECT = "reject"  # 却下


HEAD_ANSWERS = frozenset({Answer.APPLY, Answer.HEAD_RETURN})
DECISIONS = frozenset({Answer.APPROVE, Answer.RETURN, Answer.REJECT})
# Answers that need a comment (asked in a modal).
NEEDS_COMMENT = frozenset({Answer.HEAD_RETURN, Answer.RETURN, Answer.REJECT})


class Outcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # decided already
    DENIED = "denied"


class ApplicationAction(Metadata):
    """Which application a button acts on, and for a comment modal which answer."""

    application_id: int
    answer: str | None = None


class FirstPage(Metadata):
    """Page 1's answers ([1]–[5]), carried in page 2's private_metadata."""

    platform: Platform
    platform_other: str | None = None
    purpose: str
    audience: str
    content: str
    staff: list[str]
    setup: str


@dataclass(frozen=True)
class ApplicationForm:
    platform: Platform
    purpose: str
    emergency: bool
    items: dict[str, Any]
    review_interval_days: int


@dataclass(frozen=True)
class ApplicationSnapshot:
    """What a message about an application shows, read once for pure renderers."""

    id: int
    platform: Platform
    status: ApplicationStatus
    emergency: bool
    purpose: str
    items: dict[str, Any]
    review_interval_days: int
    department_name: str
    filled_by: str
    filled_by_name: str
    head_id: str
    head_name: str
    staff_names: list[str]
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    decision_comment: str | None


class Message(StrEnum):
    """The application's messages the service queues as intents and the delivery worker draws when it sends
    them (handlers/application/messages.py)."""

    HEAD_REQUEST = "application.head_request"  # the head's DM, posted or updated
    OFFICE_POST = "application.office_post"  # 市政情報課's channel post, posted or updated
    FULL_TEXT = "application.full_text"  # what either cut, in its thread
    NOTICE = "application.notice"  # an outcome DM, with its event's parameters


def snapshot(application: Application, directory: Directory) -> ApplicationSnapshot:
    return ApplicationSnapshot(
        id=application.id,
        platform=Platform(application.platform),
        status=ApplicationStatus(application.status),
        emergency=application.emergency,
        purpose=application.purpose,
        items=dict(application.items),
        review_interval_days=application.review_interval_days,
        department_name=application.department_name,
        filled_by=application.filled_by,
        filled_by_name=application.filled_by_name,
        head_id=application.head_id,
        head_name=directory.name_of(application.head_id),
        staff_names=[directory.name_of(user) for user in application.items.get(Item.STAFF) or []],
        created_at=application.created_at,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
        decided_by=application.decided_by,
        decision_comment=application.decision_comment,
    )
