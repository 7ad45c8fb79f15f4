"""The draft feature's vocabulary, shared by the service and the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from bot.directory import Directory
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


class Renderer(Protocol):
    def request(self, draft: DraftSnapshot, request_id: int, role: RequestRole, user_id: str) -> dict[str, Any]: ...

    def author_status(self, draft: DraftSnapshot, request_id: int) -> dict[str, Any]: ...

    def notice(self, draft: DraftSnapshot, kind: str, **params: Any) -> dict[str, Any]: ...

    def full_text(self, draft: DraftSnapshot) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Context:
    directory: Directory
    render: Renderer
    now: datetime


def snapshot(draft: Draft, steps: int) -> DraftSnapshot:
    current = draft.versions[-1]
    return DraftSnapshot(
        id=draft.id,
        kind=DraftKind(draft.kind),
        status=DraftStatus(draft.status),
        version=draft.version,
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
        published_url=draft.published_url,
        requests=[_request_view(r) for r in draft.requests if r.role != RequestRole.AUTHOR],
    )


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
