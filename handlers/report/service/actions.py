"""Changes from a case's copies: their buttons, the modals those open, and the violation chain (6(2)). Each
is idempotent: a retry or a second click finds the change made and answers UNCHANGED."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import BadRequest
from handlers.common.work import audit
from handlers.report import routing
from handlers.report.domain import Context, CopyRef, Event, Message, Outcome
from handlers.report.kinds import CONFIDENTIAL, CORRECTION, NEEDS_URL, kind_of
from handlers.report.service.authority import authorized, guarded
from handlers.report.service.copies import changed, post, post_timeline, send_copies
from storage import cases, outbox
from storage.models import Case, CaseStatus, ChecklistItem


@guarded("acknowledge")
def acknowledge(session: Session, ctx: Context, case: Case, user_id: str) -> Outcome:
    if case.acknowledged_at is not None:
        return Outcome.UNCHANGED
    event = Event("acknowledged", ctx.now, {"name": _acknowledge(ctx, case, user_id)})
    return changed(session, ctx, case, user_id, "case.acknowledged", event)


@guarded("in_progress")
def start_work(session: Session, ctx: Context, case: Case, user_id: str) -> Outcome:
    if case.status != CaseStatus.OPEN:
        return Outcome.UNCHANGED
    case.status = CaseStatus.IN_PROGRESS
    if case.acknowledged_at is None:  # starting work is acknowledging it
        _acknowledge(ctx, case, user_id)
    event = Event("in_progress", ctx.now, {"name": ctx.directory.actor(user_id).name})
    return changed(session, ctx, case, user_id, "case.in_progress", event)


def _acknowledge(ctx: Context, case: Case, user_id: str) -> str:
    """Marks the case acknowledged by ``user_id`` now, which stops its escalation; their name."""
    name = ctx.directory.actor(user_id).name
    case.acknowledged_at, case.acknowledged_by, case.escalate_at = ctx.now, name, None
    return name


def check(session: Session, ctx: Context, ref: CopyRef, user_id: str, action: str) -> Outcome:
    """Whether a modal for ``action`` may open: DONE (ask), UNCHANGED (already done) or DENIED."""
    # What follows is a modal, whose submission comes without a channel: the role alone must allow it.
    case = authorized(session, ctx, ref, user_id, action, by_role=True)
    if case is None:
        return Outcome.DENIED
    already = {
        "resolve": case.status == CaseStatus.RESOLVED,
        "report_committee": case.committee_reported_at is not None,
    }
    return Outcome.UNCHANGED if already.get(action, False) else Outcome.DONE


@guarded("resolve")
def resolve(session: Session, ctx: Context, case: Case, user_id: str, reason: str, note: str | None) -> Outcome:
    if case.status == CaseStatus.RESOLVED:
        return Outcome.UNCHANGED
    actor = ctx.directory.actor(user_id)
    case.status, case.resolved_at, case.resolved_by = CaseStatus.RESOLVED, ctx.now, actor.name
    case.resolution_reason, case.resolution_note, case.escalate_at = reason, note, None
    cases.release_urls(session, case.id)
    event = Event("resolved", ctx.now, {"name": actor.name, "reason": reason})
    return changed(session, ctx, case, user_id, "case.resolved", event)


@guarded("comment")
def comment(session: Session, ctx: Context, case: Case, user_id: str, text: str) -> Outcome:
    name = ctx.directory.name_of(user_id)
    post_timeline(session, ctx, case, Event("comment", ctx.now, {"name": name, "text": text}))
    audit(session, ctx, ("case", case.number), user_id, "case.commented", after={"text": text})
    return Outcome.DONE


def set_item(session: Session, ctx: Context, ref: CopyRef, user_id: str, item: str, tick: bool) -> Outcome:
    """Ticks or unticks a checklist item. An item that needs a URL is ticked by record_correction:
    NEEDS_VALUE tells the caller to ask for it."""
    # An item that needs a URL is ticked from a modal: the role alone must allow it.
    case = authorized(session, ctx, ref, user_id, "checklist", by_role=tick and item in NEEDS_URL)
    if case is None:
        return Outcome.DENIED
    done = {i.item: i for i in case.checklist}
    kind = kind_of(case.kind)
    if item not in kind.visible_items(set(done)):
        raise BadRequest(f"{item!r} is not on case {case.number}'s checklist")
    if tick == (item in done):
        return Outcome.UNCHANGED  # a retry or a second click of the same button
    name = ctx.directory.name_of(user_id)
    if item in done:
        case.checklist.remove(done[item])
        locked = kind.locked_by(item)  # 削除 is only for confidential content
        case.checklist[:] = [i for i in case.checklist if i.item not in locked]
        event = Event("checklist_undone", ctx.now, {"item": item, "name": name})
    elif item in NEEDS_URL:
        return Outcome.NEEDS_VALUE
    else:
        case.checklist.append(ChecklistItem(item=item, done_at=ctx.now, done_by=name))
        event = Event("checklist_done", ctx.now, {"item": item, "name": name})
    case.confidential = any(i.item == CONFIDENTIAL for i in case.checklist)
    return changed(session, ctx, case, user_id, "case.checklist", event)


@guarded("checklist")
def record_correction(session: Session, ctx: Context, case: Case, user_id: str, url: str) -> Outcome:
    name = ctx.directory.name_of(user_id)
    for item in [i for i in case.checklist if i.item == CORRECTION]:
        case.checklist.remove(item)
    case.checklist.append(ChecklistItem(item=CORRECTION, done_at=ctx.now, done_by=name, value=url))
    event = Event("checklist_done", ctx.now, {"item": CORRECTION, "name": name})
    return changed(session, ctx, case, user_id, "case.checklist", event)


# -- the violation chain (6(2)) ----------------------------------------------------------------


@guarded("notify_officer")
def notify_officer(session: Session, ctx: Context, case: Case, user_id: str) -> Outcome:
    """6(2)②: the head passes the violation to the 情報セキュリティ責任者."""
    if case.officer_notified_at is not None:
        return Outcome.UNCHANGED
    name = ctx.directory.name_of(user_id)
    case.officer_notified_at, case.officer_notified_by = ctx.now, name
    send_copies(session, ctx, case, routing.security_officers(ctx.directory.offices, ctx.directory.name_of))
    event = Event("officer_notified", ctx.now, {"name": name})
    return changed(session, ctx, case, user_id, "case.officer_notified", event)


@guarded("report_committee")
def report_committee(session: Session, ctx: Context, case: Case, user_id: str, measures: str, progress: str) -> Outcome:
    """6(2)③: the officer reports the facts, the measures taken and the progress to the committee."""
    if case.committee_reported_at is not None:
        return Outcome.UNCHANGED
    name = ctx.directory.name_of(user_id)
    case.committee_reported_at, case.committee_reported_by = ctx.now, name
    committee = routing.committee(ctx.directory.offices).target
    typed = {"measures": measures, "progress": progress}
    posted = post(session, ctx, case, committee, Message.COMMITTEE, by=name, **typed)
    intent = {"kind": Message.COMMITTEE_FULL_TEXT, "case": case.id, **typed}
    outbox.post_intent(session, channel=committee, intent=intent, now=ctx.now, thread_of=posted)
    event = Event("committee_reported", ctx.now, {"name": name})
    after = {"measures": measures, "progress": progress}
    return changed(session, ctx, case, user_id, "case.committee_reported", event, after=after)
