"""Where a draft goes: its 決裁 route (4(4)⑥[2]) as the directory has it now, and the requests that ask
the reviewers (事実の告知), the current step's approvers or, when all of them are away, the 代決者.
After the April personnel change, ``readdress`` asks the step's new approvers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.config import Department
from bot.directory import Directory
from handlers.common.work import Context, audit
from handlers.draft.changes import lock, post
from handlers.draft.domain import Message
from storage import drafts, outbox
from storage.models import Draft, DraftKind, DraftRequest, RequestRole


@dataclass(frozen=True)
class Step:
    approvers: tuple[str, ...]
    mode: str  # "any" or "all"


def steps_for(department: Department | None, chosen: list[str], author_id: str) -> list[Step]:
    """The 決裁 route as the directory has it now (after April's reload, the new people).
    Without a route, the approvers the author chose form one step where any one decides."""
    if department is not None and department.approval_route:
        route = [Step(tuple(step.approvers), step.mode) for step in department.approval_route]
    else:
        allowed = department.approvers if department else []
        kept = tuple(a for a in allowed if a in chosen)
        # When a chosen approver is no longer one (April), the department's current approvers take over.
        route = [Step(kept if kept and set(chosen) <= set(allowed) else tuple(allowed), "any")]
    return [Step(tuple(a for a in step.approvers if a != author_id), step.mode) for step in route]


def route_of(directory: Directory, draft: Draft) -> list[Step]:
    """The draft's 決裁 route as the directory has it now."""
    return steps_for(directory.department(draft.department_id), draft.chosen_approvers, draft.author_id)


def step_of(ctx: Context, draft: Draft, step: int) -> Step:
    steps = route_of(ctx.directory, draft)
    return steps[min(step, len(steps) - 1)]


def in_step(request: DraftRequest, version: int, step: int) -> bool:
    return (request.role, request.version, request.step) == (RequestRole.APPROVER, version, step)


def ask(
    session: Session, ctx: Context, draft: Draft, reviewers: list[str], *, with_author: bool = True
) -> list[DraftRequest]:
    """Sends the draft out: to the reviewers (事実の告知) or the current step's approvers (決裁),
    and on a new version a status message to the author. Returns the requests made."""
    if draft.kind == DraftKind.ANNOUNCEMENT:
        requests = [request(ctx, draft, RequestRole.REVIEWER, r) for r in reviewers if r != draft.author_id]
    else:
        step = step_of(ctx, draft, draft.step)
        requests = [request(ctx, draft, RequestRole.APPROVER, user) for user in step.approvers]
        requests += [request(ctx, draft, RequestRole.APPROVER, d, deputy=True) for d in deputies(session, ctx, draft)]
    if with_author:
        requests.append(request(ctx, draft, RequestRole.AUTHOR, draft.author_id))
    send(session, ctx, draft, requests)
    return requests


def send(session: Session, ctx: Context, draft: Draft, requests: list[DraftRequest]) -> None:
    """Posts each request's DM, and in its thread what it cuts (drawn to nothing when nothing is cut)."""
    draft.requests.extend(requests)
    for made in requests:
        made.message = post(session, ctx, draft, made.user_id, Message.REQUEST)
        intent = {"kind": Message.FULL_TEXT, "draft": draft.id}
        outbox.post_intent(session, channel=made.user_id, intent=intent, now=ctx.now, thread_of=made.message)


def deputies(session: Session, ctx: Context, draft: Draft) -> list[str]:
    """The 代決者 to ask as well: only when every approver of the current step is absent."""
    department = ctx.directory.department(draft.department_id)
    approvers = list(step_of(ctx, draft, draft.step).approvers)
    if department is None or not department.deputies or not approvers:
        return []
    if drafts.absent(session, approvers, ctx.now) != set(approvers):
        return []
    asked = {r.user_id for r in draft.requests if in_step(r, draft.version, draft.step)}
    return [d for d in department.deputies if d != draft.author_id and d not in approvers and d not in asked]


def asked_names(requests: list[DraftRequest]) -> list[str]:
    return [r.user_name for r in requests if r.role != RequestRole.AUTHOR]


def request(ctx: Context, draft: Draft, role: RequestRole, user_id: str, *, deputy: bool = False) -> DraftRequest:
    return DraftRequest(
        version=draft.version,
        step=draft.step,
        role=role,
        user_id=user_id,
        user_name=ctx.directory.name_of(user_id),
        deputy=deputy,
    )


def readdress(session: Session, ctx: Context) -> int:
    """Drafts pending at a step whose approvers changed (April): the step's current approvers who were
    not yet asked get the draft with its buttons (audited). Returns how many drafts."""
    moved = 0
    for pending in drafts.pending(session):
        draft = lock(session, pending.id)
        asked = {r.user_id for r in draft.requests if in_step(r, draft.version, draft.step)}
        new = [u for u in step_of(ctx, draft, draft.step).approvers if u not in asked]
        if not new:
            continue
        send(session, ctx, draft, [request(ctx, draft, RequestRole.APPROVER, user) for user in new])
        audit(session, ctx, ("draft", draft.id), None, "draft.readdressed", {"step": draft.step, "asked": new})
        moved += 1
    return moved
