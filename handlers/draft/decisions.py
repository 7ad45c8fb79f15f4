"""Answers to a draft's requests, free of Slack: peer checks (4(4)⑥[1]) and 決裁 along the department's
route (4(4)⑥[2]), a 代決者's decision with 後閲 for the absent approvers.

A decision locks its draft first, then moves it with a conditional UPDATE that names the
status, version and step it decides: of two approvers pressing at the same moment exactly
one UPDATE matches, and the other finds nothing to do. Nobody decides a draft they wrote.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.errors import BadRequest
from handlers.common.work import Context, audit, found
from handlers.draft.changes import lock, move, notify, refresh
from handlers.draft.domain import Answer, Outcome
from handlers.draft.route import Step, ask, in_step, route_of, step_of
from handlers.draft.sweeps import expire
from storage import drafts, outbox
from storage.models import Draft, DraftRequest, DraftStatus, RequestRole


def may_answer(session: Session, ctx: Context, request_id: int, user_id: str, channel: str | None) -> Outcome:
    """Whether ``user_id`` may answer now (before a comment modal opens): DONE, UNCHANGED or DENIED."""
    checked = _checked(session, ctx, request_id, user_id, channel)
    if isinstance(checked, Outcome):
        return checked
    draft, request = checked
    if _past_schedule(session, ctx, draft, request):
        return Outcome.EXPIRED
    return Outcome.DONE if _open(draft, request) else Outcome.UNCHANGED


def answer(
    session: Session,
    ctx: Context,
    request_id: int,
    user_id: str,
    given: Answer,
    comment: str | None,
    channel: str | None,
) -> Outcome:
    """A reviewer's check or an approver's decision, from the button (``channel``: where it was
    pressed) or from the comment modal (``channel`` None)."""
    checked = _checked(session, ctx, request_id, user_id, channel)
    if isinstance(checked, Outcome):
        return checked
    draft, request = checked
    if request.role == RequestRole.REVIEWER:
        return _review(session, ctx, draft, request, given, comment)
    if _past_schedule(session, ctx, draft, request):
        return Outcome.EXPIRED
    return _decide(session, ctx, draft, request, given, comment)


def _past_schedule(session: Session, ctx: Context, draft: Draft, request: DraftRequest) -> bool:
    """Whether the 投稿予定日時 passed before this decision: the draft expires now, as the sweep would
    have (the sweep runs once a minute; a decision in between must not slip through)."""
    if request.role != RequestRole.APPROVER or not _open(draft, request):
        return False  # a peer check (事実の告知) is no decision; the sweep expires only pending drafts too
    if draft.scheduled_at is None or draft.scheduled_at > ctx.now:
        return False
    return expire(session, ctx, draft)


def _checked(
    session: Session, ctx: Context, request_id: int, user_id: str, channel: str | None
) -> tuple[Draft, DraftRequest] | Outcome:
    """The locked draft and the request, when ``user_id`` is the one asked; a refusal is audited."""
    request = found(drafts.request(session, request_id), f"draft request {request_id}")
    draft = lock(session, request.draft_id)
    if channel is not None and not outbox.clicked_in(request.message, channel):
        raise BadRequest(f"request {request_id} was not pressed in its own DM")
    if request.user_id != user_id or user_id == draft.author_id or request.role == RequestRole.AUTHOR:
        audit(session, ctx, ("draft", draft.id), user_id, "draft.denied", {"request": request_id})
        return Outcome.DENIED
    if (refused := entitlement(session, ctx, draft, request)) is not None:
        audit(session, ctx, ("draft", draft.id), user_id, "draft.denied", {"request": request_id, "reason": refused})
        return Outcome.DENIED if refused == "left" else Outcome.APPROVERS_BACK
    return draft, request


def entitlement(session: Session, ctx: Context, draft: Draft, request: DraftRequest) -> str | None:
    """Why the one asked may not decide now, or None. An approver who left the route (April's reload)
    no longer decides ("left"); a 代決者 decides only while still one and while every approver of the
    step is away at this moment ("approvers_back" once one of them returned)."""
    if request.role != RequestRole.APPROVER:
        return None
    department = ctx.directory.department(draft.department_id)
    if request.deputy:
        if department is None or request.user_id not in department.deputies:
            return "left"
        approvers = list(step_of(ctx, draft, request.step).approvers)
        away = drafts.absent(session, approvers, ctx.now)
        return None if approvers and away == set(approvers) else "approvers_back"
    return None if request.user_id in step_of(ctx, draft, request.step).approvers else "left"


def _open(draft: Draft, request: DraftRequest) -> bool:
    """Whether the request still waits for its answer."""
    if request.answer is not None:
        return False
    if request.role == RequestRole.REVIEWER:
        return draft.status == DraftStatus.CHECKING
    return (draft.status, draft.version, draft.step) == (DraftStatus.PENDING, request.version, request.step)


def _review(
    session: Session, ctx: Context, draft: Draft, request: DraftRequest, given: Answer, comment: str | None
) -> Outcome:
    if given not in (Answer.OK, Answer.ISSUE):
        raise BadRequest(f"{given} is no peer-check answer")
    if not _open(draft, request) or not _record(session, request, given, comment, ctx.now):
        return Outcome.UNCHANGED
    refresh(session, ctx, draft, version=draft.version)
    audit(session, ctx, ("draft", draft.id), request.user_id, "draft.reviewed", {"answer": given, "comment": comment})
    return Outcome.DONE


def _decide(
    session: Session, ctx: Context, draft: Draft, request: DraftRequest, given: Answer, comment: str | None
) -> Outcome:
    if given not in (Answer.APPROVE, Answer.RETURN, Answer.REJECT):
        raise BadRequest(f"{given} is no decision")
    version, step = request.version, request.step
    if not _open(draft, request):
        return Outcome.UNCHANGED  # decided already, or an older version or step
    steps = route_of(ctx.directory, draft)
    current = step_of(ctx, draft, step)
    # A 代決者 decides the step on the absent approvers' behalf, whatever its mode.
    if given == Answer.APPROVE and current.mode == "all" and not request.deputy:
        _record(session, request, given, comment, ctx.now)
        if not _all_approved(draft, version, step, current):
            refresh(session, ctx, draft, version=version)
            audit(session, ctx, ("draft", draft.id), request.user_id, "draft.approved_in_step", {"step": step})
            return Outcome.DONE
    if not move(session, draft, version, step, _next_state(given, step, len(steps)), ctx.now):
        return Outcome.UNCHANGED
    if request.answer is None:
        _record(session, request, given, comment, ctx.now)
    session.refresh(draft)
    if draft.status == DraftStatus.PENDING:
        ask(session, ctx, draft, [], with_author=False)
    refresh(session, ctx, draft, version=version)
    # A 代決 is recorded as such, on behalf of the step's approvers (all away: checked above), who get 後閲.
    absent = current.approvers if request.deputy else ()
    if draft.status != DraftStatus.PENDING:
        behalf = [ctx.directory.name_of(a) for a in absent]
        decided = {"answer": given, "name": request.user_name, "comment": comment, "on_behalf_of": behalf}
        notify(session, ctx, draft, draft.author_id, "decided", **decided)
    if absent:
        _send_kouetsu(session, ctx, draft, absent, given, request.user_name)
    after: dict[str, Any] = {"version": version, "step": step, "comment": comment}
    if absent:
        after |= {"deputy": True, "on_behalf_of": list(absent)}
    audit(session, ctx, ("draft", draft.id), request.user_id, f"draft.{given}", after)
    return Outcome.DONE


def _all_approved(draft: Draft, version: int, step: int, current: Step) -> bool:
    """Whether every current approver of an "all" step approved it. Only the step as the directory has it
    now counts: the request of an approver who left (April) is neither needed nor enough."""
    approved = {
        r.user_id for r in draft.requests if in_step(r, version, step) and not r.deputy and r.answer == Answer.APPROVE
    }
    return set(current.approvers) <= approved


def _send_kouetsu(
    session: Session, ctx: Context, draft: Draft, approvers: tuple[str, ...], given: Answer, deputy: str
) -> None:
    """後閲: the absent approvers see afterwards what their 代決者 decided, with the draft."""
    for approver in approvers:
        notify(session, ctx, draft, approver, "kouetsu", answer=given, name=deputy)


def _next_state(given: Answer, step: int, steps: int) -> dict[str, Any]:
    if given == Answer.RETURN:
        return {"status": DraftStatus.RETURNED}
    if given == Answer.REJECT:
        return {"status": DraftStatus.REJECTED}
    if step + 1 < steps:
        return {"step": step + 1}
    return {"status": DraftStatus.APPROVED}


def _record(session: Session, request: DraftRequest, given: Answer, comment: str | None, now: datetime) -> bool:
    result = session.execute(
        update(DraftRequest)
        .where(DraftRequest.id == request.id, DraftRequest.answer.is_(None))
        .values(answer=given, comment=comment, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(request)
    return result.rowcount == 1
