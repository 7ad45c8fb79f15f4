"""Draft rules, free of Slack: submit and resubmit, peer checks (4(4)⑥[1]), 決裁 along the
department's route (4(4)⑥[2]), publication, expiry and reminders.

Messages are queued in the same transaction as intents (domain.Message), drawn by the delivery worker
when it sends them (handlers/draft/messages.py): a change stores facts, never Block Kit.

A decision locks its draft first, then moves it with a conditional UPDATE that names the
status, version and step it decides: of two approvers pressing at the same moment exactly
one UPDATE matches, and the other finds nothing to do. Nobody decides a draft they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.config import Config, Department
from bot.directory import Directory
from bot.errors import BadRequest
from bot.lint import Finding, LintSettings, lint
from handlers.common.work import Context, audit, found
from handlers.draft.domain import REVISABLE, Answer, DraftForm, DraftSnapshot, Message, Outcome, snapshot
from storage import drafts, outbox
from storage.models import Draft, DraftKind, DraftRequest, DraftStatus, DraftVersion, OutboxMessage, RequestRole

# 4(3)②: the same content posted again within this window reads as spam.
REPETITION_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Step:
    approvers: tuple[str, ...]
    mode: str  # "any" or "all"


@dataclass(frozen=True)
class Submitted:
    draft_id: int
    version: int
    asked: list[str]  # names of the reviewers or approvers asked


def account_key(account: str | None) -> str:
    return " ".join((account or "").split()).casefold()


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


# -- checking and submitting --------------------------------------------------------------------


def check_text(
    session: Session, ctx: Context, text: str, account: str | None, exclude_draft: int | None = None
) -> list[Finding]:
    """The linter's findings, with the account's texts of the last 14 days as memory."""
    previous = recent_texts(session, account, ctx.now, exclude_draft)
    return lint(text, lint_settings(ctx.directory.config), previous)


def recent_texts(session: Session, account: str | None, now: datetime, exclude_draft: int | None = None) -> list[str]:
    """What the account said in the last 14 days: the repetition check's memory (4(3)②)."""
    if not account:
        return []
    return drafts.recent_texts(session, account_key(account), now - REPETITION_WINDOW, exclude_draft)


def lint_text(ctx: Context, text: str) -> list[Finding]:
    """/sns-check: the same checks, with no account and so no memory of earlier posts."""
    return lint(text, lint_settings(ctx.directory.config))


def lint_settings(config: Config) -> LintSettings:
    """Without a registered account the platform is unknown: X's limit applies (the strictest)."""
    limit = config.lint.length_limits.get("x", 280)
    if config.lint.forbidden_words:
        return LintSettings(forbidden_words=tuple(config.lint.forbidden_words), length_limit=limit, weighted=True)
    return LintSettings(length_limit=limit, weighted=True)


def submit(
    session: Session,
    ctx: Context,
    form: DraftForm,
    author_id: str,
    findings: list[Finding],
    department: Department | None,
) -> Submitted:
    author = ctx.directory.actor(author_id)
    draft = Draft(
        kind=form.kind,
        status=DraftStatus.CHECKING if form.kind == DraftKind.ANNOUNCEMENT else DraftStatus.PENDING,
        version=1,
        step=0,
        author_id=author_id,
        author_name=author.name,
        department_id=department.id if department else None,
        department_name=department.name if department else None,
        account=form.account,
        account_key=account_key(form.account),
        chosen_approvers=form.approvers,
        created_at=ctx.now,
        submitted_at=ctx.now,
        scheduled_at=form.scheduled_at,
    )
    session.add(draft)
    _add_version(draft, form, findings, ctx.now)
    session.flush()
    asked = _asked(_ask(session, ctx, draft, form.reviewers))
    audit(session, ctx, ("draft", draft.id), author_id, "draft.submitted", {"kind": draft.kind, "asked": asked})
    return Submitted(draft.id, draft.version, asked)


def resubmit(
    session: Session, ctx: Context, draft_id: int, form: DraftForm, author_id: str, findings: list[Finding]
) -> Submitted | None:
    """A new version of a returned or expired draft, asked again from its first step; None when the
    draft may not be resubmitted (not the author's, or not returned or expired)."""
    draft = _lock(session, draft_id)
    if not _by_author(session, ctx, draft, author_id, "resubmit") or draft.status not in REVISABLE:
        return None
    draft.version += 1
    draft.step, draft.status, draft.reminded_at = 0, DraftStatus.PENDING, None
    draft.submitted_at, draft.scheduled_at, draft.account = ctx.now, form.scheduled_at, form.account
    draft.account_key, draft.chosen_approvers = account_key(form.account), form.approvers
    _add_version(draft, form, findings, ctx.now)
    session.flush()
    asked = _asked(_ask(session, ctx, draft, []))
    audit(session, ctx, ("draft", draft.id), author_id, "draft.resubmitted", {"version": draft.version, "asked": asked})
    return Submitted(draft.id, draft.version, asked)


def _add_version(draft: Draft, form: DraftForm, findings: list[Finding], now: datetime) -> None:
    draft.versions.append(
        DraftVersion(
            version=draft.version,
            text=form.text,
            note=form.note,
            corrects_url=form.corrects_url,
            consented=form.consented,
            findings=[f.to_dict() for f in findings],
            submitted_at=now,
        )
    )


def _ask(
    session: Session, ctx: Context, draft: Draft, reviewers: list[str], *, with_author: bool = True
) -> list[DraftRequest]:
    """Sends the draft out: to the reviewers (事実の告知) or the current step's approvers (決裁),
    and on a new version a status message to the author. Returns the requests made."""
    if draft.kind == DraftKind.ANNOUNCEMENT:
        requests = [_request(ctx, draft, RequestRole.REVIEWER, r) for r in reviewers if r != draft.author_id]
    else:
        step = _current_step(ctx, draft)
        requests = [_request(ctx, draft, RequestRole.APPROVER, user) for user in step.approvers]
        requests += [_request(ctx, draft, RequestRole.APPROVER, d, deputy=True) for d in _deputies(session, ctx, draft)]
    if with_author:
        requests.append(_request(ctx, draft, RequestRole.AUTHOR, draft.author_id))
    _send(session, ctx, draft, requests)
    return requests


def _send(session: Session, ctx: Context, draft: Draft, requests: list[DraftRequest]) -> None:
    """Posts each request's DM, and in its thread what it cuts (drawn to nothing when nothing is cut)."""
    draft.requests.extend(requests)
    for request in requests:
        request.message = _post(session, ctx, draft, request.user_id, Message.REQUEST)
        intent = {"kind": Message.FULL_TEXT, "draft": draft.id}
        outbox.post_intent(session, channel=request.user_id, intent=intent, now=ctx.now, thread_of=request.message)


def _deputies(session: Session, ctx: Context, draft: Draft) -> list[str]:
    """The 代決者 to ask as well: only when every approver of the current step is absent."""
    department = ctx.directory.department(draft.department_id)
    approvers = list(_current_step(ctx, draft).approvers)
    if department is None or not department.deputies or not approvers:
        return []
    if drafts.absent(session, approvers, ctx.now) != set(approvers):
        return []
    asked = {r.user_id for r in draft.requests if _in_step(r, draft.version, draft.step)}
    return [d for d in department.deputies if d != draft.author_id and d not in approvers and d not in asked]


def _asked(requests: list[DraftRequest]) -> list[str]:
    return [r.user_name for r in requests if r.role != RequestRole.AUTHOR]


def _request(ctx: Context, draft: Draft, role: RequestRole, user_id: str, *, deputy: bool = False) -> DraftRequest:
    return DraftRequest(
        version=draft.version,
        step=draft.step,
        role=role,
        user_id=user_id,
        user_name=ctx.directory.name_of(user_id),
        deputy=deputy,
    )


def route_of(directory: Directory, draft: Draft) -> list[Step]:
    """The draft's 決裁 route as the directory has it now."""
    return steps_for(directory.department(draft.department_id), draft.chosen_approvers, draft.author_id)


def _steps(ctx: Context, draft: Draft) -> list[Step]:
    return route_of(ctx.directory, draft)


def _current_step(ctx: Context, draft: Draft) -> Step:
    return _step_of(ctx, draft, draft.step)


def _step_of(ctx: Context, draft: Draft, step: int) -> Step:
    steps = _steps(ctx, draft)
    return steps[min(step, len(steps) - 1)]


# -- answers: peer checks and decisions ----------------------------------------------------------


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
    return _expire(session, ctx, draft)


def _checked(
    session: Session, ctx: Context, request_id: int, user_id: str, channel: str | None
) -> tuple[Draft, DraftRequest] | Outcome:
    """The locked draft and the request, when ``user_id`` is the one asked; a refusal is audited."""
    request = found(drafts.request(session, request_id), f"draft request {request_id}")
    draft = _lock(session, request.draft_id)
    if channel is not None and not outbox.clicked_in(request.message, channel):
        raise BadRequest(f"request {request_id} was not pressed in its own DM")
    if request.user_id != user_id or user_id == draft.author_id or request.role == RequestRole.AUTHOR:
        audit(session, ctx, ("draft", draft.id), user_id, "draft.denied", {"request": request_id})
        return Outcome.DENIED
    if (refused := _entitlement(session, ctx, draft, request)) is not None:
        audit(session, ctx, ("draft", draft.id), user_id, "draft.denied", {"request": request_id, "reason": refused})
        return Outcome.DENIED if refused == "left" else Outcome.APPROVERS_BACK
    return draft, request


def _entitlement(session: Session, ctx: Context, draft: Draft, request: DraftRequest) -> str | None:
    """Why the one asked may not decide now, or None. An approver who left the route (April's reload)
    no longer decides ("left"); a 代決者 decides only while still one and while every approver of the
    step is away at this moment ("approvers_back" once one of them returned)."""
    if request.role != RequestRole.APPROVER:
        return None
    department = ctx.directory.department(draft.department_id)
    if request.deputy:
        if department is None or request.user_id not in department.deputies:
            return "left"
        approvers = list(_step_of(ctx, draft, request.step).approvers)
        away = drafts.absent(session, approvers, ctx.now)
        return None if approvers and away == set(approvers) else "approvers_back"
    return None if request.user_id in _step_of(ctx, draft, request.step).approvers else "left"


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
    _refresh(session, ctx, draft, version=draft.version)
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
    steps = _steps(ctx, draft)
    current = _step_of(ctx, draft, step)
    # A 代決者 decides the step on the absent approvers' behalf, whatever its mode.
    if given == Answer.APPROVE and current.mode == "all" and not request.deputy:
        _record(session, request, given, comment, ctx.now)
        if not _all_approved(draft, version, step, current):
            _refresh(session, ctx, draft, version=version)
            audit(session, ctx, ("draft", draft.id), request.user_id, "draft.approved_in_step", {"step": step})
            return Outcome.DONE
    if not _move(session, draft, version, step, _next_state(given, step, len(steps)), ctx.now):
        return Outcome.UNCHANGED
    if request.answer is None:
        _record(session, request, given, comment, ctx.now)
    session.refresh(draft)
    if draft.status == DraftStatus.PENDING:
        _ask(session, ctx, draft, [], with_author=False)
    _refresh(session, ctx, draft, version=version)
    # A 代決 is recorded as such, on behalf of the step's approvers (all away: checked above), who get 後閲.
    absent = current.approvers if request.deputy else ()
    if draft.status != DraftStatus.PENDING:
        behalf = [ctx.directory.name_of(a) for a in absent]
        decided = {"answer": given, "name": request.user_name, "comment": comment, "on_behalf_of": behalf}
        _notify(session, ctx, draft, draft.author_id, "decided", **decided)
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
        r.user_id for r in draft.requests if _in_step(r, version, step) and not r.deputy and r.answer == Answer.APPROVE
    }
    return set(current.approvers) <= approved


def _send_kouetsu(
    session: Session, ctx: Context, draft: Draft, approvers: tuple[str, ...], given: Answer, deputy: str
) -> None:
    """後閲: the absent approvers see afterwards what their 代決者 decided, with the draft."""
    for approver in approvers:
        _notify(session, ctx, draft, approver, "kouetsu", answer=given, name=deputy)


def set_absence(
    session: Session, ctx: Context, user_id: str, starts_at: datetime | None, ends_at: datetime | None
) -> int:
    """Marks ``user_id`` away from ``starts_at`` (None: back now). Drafts already waiting on a step
    whose approvers are now all away are offered to the 代決者; returns how many."""
    if starts_at is None:
        drafts.end_absences(session, user_id, ctx.now)
        audit(session, ctx, ("user", user_id), user_id, "draft.absence_ended", {})
        return 0
    drafts.add_absence(session, user_id, starts_at, ends_at)
    session.flush()
    audit(
        session,
        ctx,
        ("user", user_id),
        user_id,
        "draft.absent",
        {"from": starts_at.isoformat(), "until": ends_at.isoformat() if ends_at else None},
    )
    offered = 0
    for waiting in drafts.awaiting(session, user_id):
        draft = _lock(session, waiting.draft_id)
        deputies = [_request(ctx, draft, RequestRole.APPROVER, d, deputy=True) for d in _deputies(session, ctx, draft)]
        if deputies:
            _send(session, ctx, draft, deputies)
            offered += 1
    return offered


def _in_step(request: DraftRequest, version: int, step: int) -> bool:
    return (request.role, request.version, request.step) == (RequestRole.APPROVER, version, step)


def _next_state(given: Answer, step: int, steps: int) -> dict[str, Any]:
    if given == Answer.RETURN:
        return {"status": DraftStatus.RETURNED}
    if given == Answer.REJECT:
        return {"status": DraftStatus.REJECTED}
    if step + 1 < steps:
        return {"step": step + 1}
    return {"status": DraftStatus.APPROVED}


def _move(session: Session, draft: Draft, version: int, step: int, values: dict[str, Any], now: datetime) -> bool:
    """The conditional UPDATE that decides: it matches only the pending version and step decided."""
    if values.get("status") in (DraftStatus.APPROVED, DraftStatus.RETURNED, DraftStatus.REJECTED):
        values = {**values, "decided_at": now}
    result = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.status == DraftStatus.PENDING, Draft.version == version, Draft.step == step)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _record(session: Session, request: DraftRequest, given: Answer, comment: str | None, now: datetime) -> bool:
    result = session.execute(
        update(DraftRequest)
        .where(DraftRequest.id == request.id, DraftRequest.answer.is_(None))
        .values(answer=given, comment=comment, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(request)
    return result.rowcount == 1


# -- after the decision ------------------------------------------------------------------------


def publish(session: Session, ctx: Context, draft_id: int, user_id: str, url: str) -> Outcome:
    """「投稿しました」: links the published post to the draft in the audit trail."""
    draft = _lock(session, draft_id)
    if not _by_author(session, ctx, draft, user_id, "publish"):
        return Outcome.DENIED
    if draft.status not in (DraftStatus.APPROVED, DraftStatus.CHECKING):
        return Outcome.UNCHANGED
    draft.status, draft.published_at, draft.published_url = DraftStatus.PUBLISHED, ctx.now, url
    _refresh(session, ctx, draft, version=draft.version)
    audit(session, ctx, ("draft", draft.id), user_id, "draft.published", {"url": url, "version": draft.version})
    return Outcome.DONE


def may_revise(session: Session, ctx: Context, draft_id: int, user_id: str) -> Draft | None:
    """The draft to prefill 「修正して再提出」 with, when the user wrote it and it was returned or expired."""
    draft = _existing(session, draft_id)
    revisable = _by_author(session, ctx, draft, user_id, "revise") and draft.status in REVISABLE
    return draft if revisable else None


def may_publish(session: Session, ctx: Context, draft_id: int, user_id: str) -> bool:
    """「投稿しました」 is the author's to report."""
    return _by_author(session, ctx, _existing(session, draft_id), user_id, "publish")


def _existing(session: Session, draft_id: int) -> Draft:
    return found(drafts.get(session, draft_id), f"draft {draft_id}")


def _by_author(session: Session, ctx: Context, draft: Draft, user_id: str, action: str) -> bool:
    """Only the author revises, resubmits or reports publication; anyone else is refused and audited."""
    if draft.author_id == user_id:
        return True
    audit(session, ctx, ("draft", draft.id), user_id, "draft.denied", {"action": action})
    return False


def expire_due(session: Session, ctx: Context) -> int:
    """A draft whose planned posting time passes while pending expires: buttons go, the author is told."""
    expired = 0
    for due in drafts.due_to_expire(session, ctx.now):
        expired += _expire(session, ctx, _lock(session, due.id))
    return expired


def _expire(session: Session, ctx: Context, draft: Draft) -> bool:
    if not _move(session, draft, draft.version, draft.step, {"status": DraftStatus.EXPIRED}, ctx.now):
        return False  # decided or expired meanwhile
    session.refresh(draft)
    _refresh(session, ctx, draft, version=draft.version)
    _notify(session, ctx, draft, draft.author_id, "expired")
    audit(session, ctx, ("draft", draft.id), None, "draft.expired", {"version": draft.version})
    return True


def remind_due(session: Session, ctx: Context) -> int:
    """One reminder per version to the approvers who have not answered, in office hours."""
    if not ctx.directory.office_hours.is_open(ctx.now):
        return 0
    hours = ctx.directory.config.reminders.approval_reminder_hours
    reminded = 0
    for due in drafts.due_for_reminder(session, ctx.now - timedelta(hours=hours)):
        draft = _lock(session, due.id)
        if draft.reminded_at is not None or draft.status != DraftStatus.PENDING:
            continue
        draft.reminded_at = ctx.now
        for request in draft.requests:
            if _in_step(request, draft.version, draft.step) and request.answer is None:
                _notify(session, ctx, draft, request.user_id, "reminder", hours=hours)
        audit(session, ctx, ("draft", draft.id), None, "draft.reminded", {"version": draft.version, "step": draft.step})
        reminded += 1
    return reminded


# -- the April personnel change ------------------------------------------------------------------


def readdress(session: Session, ctx: Context) -> int:
    """Drafts pending at a step whose approvers changed: the step's current approvers who were
    not yet asked get the draft with its buttons (audited). Returns how many drafts."""
    moved = 0
    for pending in drafts.pending(session):
        draft = _lock(session, pending.id)
        asked = {r.user_id for r in draft.requests if _in_step(r, draft.version, draft.step)}
        new = [u for u in _current_step(ctx, draft).approvers if u not in asked]
        if not new:
            continue
        requests = [_request(ctx, draft, RequestRole.APPROVER, user) for user in new]
        _send(session, ctx, draft, requests)
        audit(session, ctx, ("draft", draft.id), None, "draft.readdressed", {"step": draft.step, "asked": new})
        moved += 1
    return moved


# -- App Home --------------------------------------------------------------------------------


def awaiting(session: Session, ctx: Context, user_id: str) -> list[tuple[DraftSnapshot, int]]:
    """Drafts waiting for ``user_id``'s decision, each with the request to answer: only those the user may
    decide now (not after leaving the route, not as 代決者 once an approver is back, not past 投稿予定日時)."""
    waiting = []
    for request in drafts.awaiting(session, user_id):
        draft = drafts.get(session, request.draft_id)
        if draft is None or _entitlement(session, ctx, draft, request) is not None:
            continue
        if draft.scheduled_at is None or draft.scheduled_at > ctx.now:
            waiting.append((snapshot(draft, len(_steps(ctx, draft))), request.id))
    return waiting


def own(session: Session, directory: Directory, user_id: str) -> list[DraftSnapshot]:
    shown = []
    for draft in drafts.of_author(session, user_id):
        shown.append(snapshot(draft, len(route_of(directory, draft))))
    return shown


# -- shared steps ------------------------------------------------------------------------------


def _lock(session: Session, draft_id: int) -> Draft:
    return found(drafts.get(session, draft_id, for_update=True), f"draft {draft_id}")


def _refresh(session: Session, ctx: Context, draft: Draft, *, version: int) -> None:
    """Queues an update of every DM about ``version``, drawn when sent (answers shown, buttons gone when
    decided). One pending update, or a DM not sent yet, stands for any number of changes."""
    targets = [r.message for r in draft.requests if r.version == version and r.message is not None]
    intent = {"kind": Message.REQUEST, "draft": draft.id}
    outbox.update_intents(session, targets=targets, intent=intent, now=ctx.now)


def _notify(session: Session, ctx: Context, draft: Draft, user_id: str, kind: str, **params: Any) -> None:
    """Queues a notice frozen at this event: it shows the version and status of now, whenever it is sent."""
    facts = {"notice": kind, "version": draft.version, "status": draft.status, "params": params}
    _post(session, ctx, draft, user_id, Message.NOTICE, **facts)


def _post(session: Session, ctx: Context, draft: Draft, user_id: str, kind: Message, **facts: Any) -> OutboxMessage:
    """Queues a DM about ``draft``: its subject names the draft (one notice if one goes as plain text)."""
    intent = {"kind": kind, "draft": draft.id, **facts}
    return outbox.post_intent(session, channel=user_id, intent=intent, now=ctx.now, subject=f"draft:{draft.id}")
