"""The draft feature's vocabulary, shared by the service and the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.models import Draft, DraftKind, DraftRequest, DraftStatus, RequestRole

REVISABLE = (DraftStatus.RETURNED, DraftStatus.EXPIRED)  # the author may edit and resubmit


@dataclass(frozen=True)
class DraftForm:
    account: str | None
    text: str
    kind: DraftKind
    reviewers: list[str]
    approvers: list[str]
    scheduled_at: datetime | None
    note: str | None
    corrects_url: str | None
    consented: bool


class Answer(StrEnum):
    OK = "ok"  # 確認OK
    ISSUE = "issue"  # 指摘あり
    APPROVE = "approve"  # 承認
    RETURN = "return"  # 差戻し
    REJECT = "reject"  # 却下


# Answers that need a comment (asked in a modal).
NEEDS_COMMENT = frozenset({Answer.ISSUE, Answer.RETURN, Answer.REJECT})


class Outcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # decided already, or a click on an older version or step
    DENIED = "denied"
    EXPIRED = "expired"  # the 投稿予定日時 passed: the draft expired instead of being decided
    APPROVERS_BACK = "approvers_back"  # a 代決者's press after an approver of the step returned


@dataclass(frozen=True)
class RequestView:
    id: int
    role: RequestRole
    user_id: str
    name: str
    version: int
    step: int
    answer: str | None
    comment: str | None
    answered_at: datetime | None
    deputy: bool


@dataclass(frozen=True)
class DraftSnapshot:
    """What a message about a draft shows, read once for pure renderers."""

    id: int
    kind: DraftKind
    status: DraftStatus
    version: int
    step: int
    steps: int
    author_name: str
    department_name: str | None
    account: str | None
    text: str
    note: str | None
    corrects_url: str | None
    consented: bool
    findings: list[dict[str, Any]]
    scheduled_at: datetime | None
    submitted_at: datetime
    published_url: str | None
    requests: list[RequestView]


class Message(StrEnum):
    """The draft's DMs the service queues as intents and the delivery worker draws when it sends them
    (handlers/draft/messages.py)."""

    REQUEST = "draft.request"  # a request to answer, or the author's status, posted or updated
    FULL_TEXT = "draft.full_text"  # what a request DM cut, in its thread
    NOTICE = "draft.notice"  # to the author or an approver, as the draft was at its event


def snapshot(draft: Draft, steps: int, version: int | None = None) -> DraftSnapshot:
    """The draft as a message about ``version`` (default: the latest) shows it: that version's text, and
    once a later version superseded it, how it ended."""
    version = version or draft.version
    current = next(v for v in draft.versions if v.version == version)
    return DraftSnapshot(
        id=draft.id,
        kind=DraftKind(draft.kind),
        status=DraftStatus(draft.status) if version == draft.version else _superseded(draft, version),
        version=version,
        step=draft.step,
        steps=steps,
        author_name=draft.author_name,
        department_name=draft.department_name,
        account=draft.account,
        text=current.text,
        note=current.note,
        corrects_url=current.corrects_url,
        consented=current.consented,
        findings=current.findings,
        scheduled_at=draft.scheduled_at,
        submitted_at=draft.submitted_at,
        published_url=draft.published_url if version == draft.version else None,
        requests=[_request_view(r) for r in draft.requests if r.role != RequestRole.AUTHOR],
    )


def _superseded(draft: Draft, version: int) -> DraftStatus:
    """How a version that was resubmitted ended: returned by an approver, or expired (REVISABLE)."""
    returned = any(r.version == version and r.answer == Answer.RETURN for r in draft.requests)
    return DraftStatus.RETURNED if returned else DraftStatus.EXPIRED


def _request_view(request: DraftRequest) -> RequestView:
    return RequestView(
        id=request.id,
        role=RequestRole(request.role),
        user_id=request.user_id,
        name=request.user_name,
        version=request.version,
        step=request.step,
        answer=request.answer,
        comment=request.comment,
        answered_at=request.answered_at,
        deputy=request.deputy,
    )
