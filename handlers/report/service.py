"""Reporting rules, free of Slack: open or attach, route, acknowledge, progress, resolve,
the checklist, the violation chain, escalation and the April handover.

Every change locks its case row first (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
serialises writers), so the checks that follow see no concurrent change: a double click
or a Slack retry resolves to one change and the second finds nothing to do. Which report
opens a case and which attach is decided by a unique key on the open cases' URLs.
Messages are queued in the same transaction as intents (domain.Message), drawn by the delivery worker
when it sends them (handlers/report/messages.py): a change stores facts, never Block Kit.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.calendar import BusinessHours
from bot.config import Department
from bot.directory import Directory
from bot.errors import BadRequest
from bot.urls import normalize
from handlers.common.work import audit, found
from handlers.report import routing, visibility
from handlers.report.domain import (
    Context,
    CopyRef,
    Event,
    Message,
    Outcome,
    ReportForm,
    Snapshot,
    Submission,
    report_part,
    seat_of,
    snapshot,
)
from handlers.report.kinds import CONFIDENTIAL, CORRECTION, NEEDS_URL, Route, kind_of
from storage import cases, outbox
from storage.models import (
    Audience,
    Capacity,
    Case,
    CaseCopy,
    CaseKind,
    CaseReporter,
    CaseStatus,
    CaseUrl,
    ChecklistItem,
    OutboxMessage,
)

# The thread lines that say reports joined the case.
JOINED = frozenset({"duplicates", "widened"})
# The thread lines that one pending line stands for, drawn with the count when sent: a burst of duplicate
# reports adds one line, not one a report at Slack's pace of a message a second in 市政情報課's channel.
COALESCED_LINES = frozenset({"duplicates"})


# -- reporting -----------------------------------------------------------------------------


def submit(session: Session, ctx: Context, form: ReportForm, reporter_id: str) -> Submission:
    """Opens a case and routes it, or attaches the report to the open case of the same post."""
    hashes = [cases.url_hash(normalize(url)) for url in form.urls]
    cases.lock_urls(session, hashes)
    existing = cases.find_open_case(session, hashes)
    if existing is None:
        try:
            with session.begin_nested():
                case = _open(session, ctx, form, reporter_id, hashes)
        except IntegrityError:  # a concurrent report of the same post opened it first
            existing = cases.find_open_case(session, hashes)
            if existing is None:
                raise
        else:
            return _route(session, ctx, case, form)
    return _attach(session, ctx, existing.id, form, reporter_id, hashes)


def _open(session: Session, ctx: Context, form: ReportForm, reporter_id: str, hashes: list[str]) -> Case:
    """A new case, made of its first report (the case keeps that report's parts as its own)."""
    year = ctx.now.astimezone(ctx.timezone).year
    minutes = ctx.directory.config.reminders.incident_ack_escalation_minutes
    report = _report(ctx, form, reporter_id)
    case = Case(
        number=f"SNS-{year}-{ctx.numbers.take(session, year):04d}",
        kind=form.kind,
        capacity=report.capacity,
        status=CaseStatus.OPEN,
        summary=report.summary,
        account=report.account,
        discovered_at=report.discovered_at,
        created_at=ctx.now,
        department_id=report.department_id,
        department_name=report.department_name,
        reporter_id=report.user_id,
        reporter_name=report.user_name,
        reporter_count=1,
        escalate_at=ctx.now + timedelta(minutes=minutes),
        urls=[CaseUrl(url=url) for url in form.urls],
        reports=[report],
        # Loaded as empty: a new case's checklist is known, and reading it would cost a query.
        checklist=[],
    )
    session.add(case)
    session.flush()
    cases.claim_urls(session, case, hashes)
    return case


def _report(ctx: Context, form: ReportForm, reporter_id: str) -> CaseReporter:
    """The report as its reporter filed it: who sees its parts depends on its own capacity."""
    department = ctx.directory.department(form.department_id)
    return CaseReporter(
        user_id=reporter_id,
        user_name=ctx.directory.actor(reporter_id).name,
        reported_at=ctx.now,
        capacity=form.capacity,
        summary=form.summary,
        account=form.account,
        discovered_at=form.discovered_at,
        department_id=department.id if department else None,
        department_name=department.name if department else None,
        urls=list(form.urls),
    )


def _route(session: Session, ctx: Context, case: Case, form: ReportForm) -> Submission:
    department = ctx.directory.department(case.department_id)
    recipients = _recipients(ctx, case.kind, case.capacity, department)
    reporter = routing.Recipient(Audience.REPORTER, case.reporter_id, case.reporter_name)
    # The copies say who reported and who was told; the timeline's thread starts with the first change, so
    # a new case costs the busiest channel (市政情報課) one post, not two, at Slack's pace of one a second.
    thread, *_ = _send_copies(session, ctx, case, [*recipients, reporter], timeline_first=True)
    full_text = (recipients[0].target, {"kind": Message.FULL_TEXT, "case": case.id}, _subject(case))
    outbox.post_intents(session, posts=[full_text], now=ctx.now, thread_id=thread, coalesce_key=Message.FULL_TEXT)
    audit(
        session, ctx, ("case", case.number), case.reporter_id, "case.created", after=_state(case) | {"urls": form.urls}
    )
    return Submission(
        number=case.number,
        attached=False,
        recipients=[r.name for r in recipients],
        department_unknown=department is None,
    )


def _recipients(
    ctx: Context, kind: CaseKind, capacity: Capacity, department: Department | None
) -> list[routing.Recipient]:
    head_name = ctx.directory.name_of(department.head) if department else ""
    return routing.recipients(kind, capacity, department, ctx.directory.offices, head_name)


def _send_copies(
    session: Session, ctx: Context, case: Case, recipients: list[routing.Recipient], *, timeline_first: bool = False
) -> list[int]:
    """Posts a copy to each recipient, drawn when sent, so each names all the recipients there are then: the
    posts and the copies in one INSERT each (the hot path of every report). The posts' outbox ids."""
    copy = {"kind": Message.COPY, "case": case.id}
    posted = outbox.post_intents(session, posts=[(r.target, copy, _subject(case)) for r in recipients], now=ctx.now)
    cases.add_copies(
        session,
        [
            {
                "case_id": case.id,
                "audience": r.audience,
                "target": r.target,
                "name": r.name,
                "department_id": r.department_id,
                "primary": timeline_first and index == 0,
                "outbox_id": outbox_id,
            }
            for index, (r, outbox_id) in enumerate(zip(recipients, posted, strict=True))
        ],
    )
    return posted


def _post(session: Session, ctx: Context, case: Case, channel: str, kind: Message, **facts: Any) -> OutboxMessage:
    intent = {"kind": kind, "case": case.id, **facts}
    return outbox.post_intent(session, channel=channel, intent=intent, now=ctx.now, subject=_subject(case))


def _attach(
    session: Session, ctx: Context, case_id: int, form: ReportForm, reporter_id: str, hashes: list[str]
) -> Submission:
    case = _lock(session, case_id)
    reporter = ctx.directory.actor(reporter_id)
    changed, joined = False, None
    # The same person filing again in the other capacity files a report of its own: a private 概要 must not
    # become the 業務 one that 秘書室 and 総務課 read, nor a 業務 report stay unseen behind a private one.
    if all((r.user_id, r.capacity) != (reporter_id, form.capacity) for r in case.reports):
        if all(r.user_id != reporter_id for r in case.reports):
            case.reporter_count += 1
        joined = _report(ctx, form, reporter_id)
        case.reports.append(joined)
        changed = True
    if new_hashes := cases.untracked(session, hashes):
        case.urls += [CaseUrl(url=url) for url, h in zip(form.urls, hashes, strict=True) if h in new_hashes]
        cases.claim_urls(session, case, new_hashes)
        changed = True
    if widened := _widen(case, ctx, form, reporter_id):
        _send_copies(session, ctx, case, widened)
        names = "、".join(r.name for r in widened)
        # The line goes to the thread's holder, who sees every report (市政情報課: a violation is never widened).
        _refresh(session, ctx, case, Event("widened", ctx.now, {"recipients": names, "reporter": reporter.name}))
    elif changed:  # the same person reporting the same post again changes nothing on the copies
        # The thread's line says a report joined: not to a holder who may not know of it (a violation's head, of
        # another department's private report), whose thread would otherwise betray it.
        told = joined is None or _thread_sees(case, joined)
        _refresh(session, ctx, case, *([Event("duplicates", ctx.now)] if told else []))
    audit(
        session,
        ctx,
        ("case", case.number),
        reporter_id,
        "case.attached",
        # The report's capacity: whoever reads the log (an export) can tell a private reporter's entry.
        after={
            "capacity": form.capacity,
            "reporter_count": case.reporter_count,
            "widened_to": [r.target for r in widened],
        },
    )
    _post(session, ctx, case, reporter_id, Message.CONFIRMATION)
    return Submission(number=case.number, attached=True, recipients=[], department_unknown=False)


def _widen(case: Case, ctx: Context, form: ReportForm, reporter_id: str) -> list[routing.Recipient]:
    """Whom this report must reach that no live copy does (a head who left holds none): a 業務 report of a
    case reported privately reaches 秘書室 and 総務課, a 業務 reporter of another department their own 所属長
    (who see the 業務 reports only). A private report reaches the head of the 所属 it names only when its
    reporter belongs to that 所属 in app.yaml, as their own 所属長 (5(2)③); anyone else's reaches nobody
    new (市政情報課 holds every case already). A violation follows its own chain (6(2)) and is not widened."""
    if Route.ACCOUNT_HEAD in (kind_of(case.kind).route, kind_of(form.kind).route):
        return []
    department = ctx.directory.department(form.department_id)
    if form.capacity == Capacity.PRIVATE:
        if department not in ctx.directory.departments_of(reporter_id):
            return []
    else:
        case.capacity = Capacity.OFFICIAL
    wanted = _recipients(ctx, case.kind, form.capacity, department)
    return [r for r in wanted if _held(case, r) is None]


# -- changes from the copies' buttons --------------------------------------------------------


def acknowledge(session: Session, ctx: Context, ref: CopyRef, user_id: str) -> Outcome:
    case, copy = _authorized(session, ctx, ref, user_id, "acknowledge")
    if copy is None:
        return Outcome.DENIED
    if case.acknowledged_at is not None:
        return Outcome.UNCHANGED
    actor = ctx.directory.actor(user_id)
    case.acknowledged_at, case.acknowledged_by, case.escalate_at = ctx.now, actor.name, None
    return _changed(
        session, ctx, case, user_id, "case.acknowledged", Event("acknowledged", ctx.now, {"name": actor.name})
    )


def start_work(session: Session, ctx: Context, ref: CopyRef, user_id: str) -> Outcome:
    case, copy = _authorized(session, ctx, ref, user_id, "in_progress")
    if copy is None:
        return Outcome.DENIED
    if case.status != CaseStatus.OPEN:
        return Outcome.UNCHANGED
    actor = ctx.directory.actor(user_id)
    case.status = CaseStatus.IN_PROGRESS
    if case.acknowledged_at is None:  # starting work is acknowledging it
        case.acknowledged_at, case.acknowledged_by, case.escalate_at = ctx.now, actor.name, None
    return _changed(
        session, ctx, case, user_id, "case.in_progress", Event("in_progress", ctx.now, {"name": actor.name})
    )


def check(session: Session, ctx: Context, ref: CopyRef, user_id: str, action: str) -> Outcome:
    """Whether a modal for ``action`` may open: DONE (ask), UNCHANGED (already done) or DENIED."""
    # What follows is a modal, whose submission comes without a channel: the role alone must allow it.
    case, copy = _authorized(session, ctx, ref, user_id, action, by_role=True)
    if copy is None:
        return Outcome.DENIED
    already = {
        "resolve": case.status == CaseStatus.RESOLVED,
        "report_committee": case.committee_reported_at is not None,
    }
    return Outcome.UNCHANGED if already.get(action, False) else Outcome.DONE


def resolve(session: Session, ctx: Context, ref: CopyRef, user_id: str, reason: str, note: str | None) -> Outcome:
    case, copy = _authorized(session, ctx, ref, user_id, "resolve")
    if copy is None:
        return Outcome.DENIED
    if case.status == CaseStatus.RESOLVED:
        return Outcome.UNCHANGED
    actor = ctx.directory.actor(user_id)
    case.status, case.resolved_at, case.resolved_by = CaseStatus.RESOLVED, ctx.now, actor.name
    case.resolution_reason, case.resolution_note, case.escalate_at = reason, note, None
    cases.release_urls(session, case.id)
    event = Event("resolved", ctx.now, {"name": actor.name, "reason": reason})
    return _changed(session, ctx, case, user_id, "case.resolved", event)


def comment(session: Session, ctx: Context, ref: CopyRef, user_id: str, text: str) -> Outcome:
    case, copy = _authorized(session, ctx, ref, user_id, "comment")
    if copy is None:
        return Outcome.DENIED
    name = ctx.directory.name_of(user_id)
    _post_timeline(session, ctx, case, Event("comment", ctx.now, {"name": name, "text": text}))
    audit(session, ctx, ("case", case.number), user_id, "case.commented", after={"text": text})
    return Outcome.DONE


def set_item(session: Session, ctx: Context, ref: CopyRef, user_id: str, item: str, tick: bool) -> Outcome:
    """Ticks or unticks a checklist item. An item that needs a URL is ticked by record_correction:
    NEEDS_VALUE tells the caller to ask for it."""
    # An item that needs a URL is ticked from a modal: the role alone must allow it.
    case, copy = _authorized(session, ctx, ref, user_id, "checklist", by_role=tick and item in NEEDS_URL)
    if copy is None:
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
    return _changed(session, ctx, case, user_id, "case.checklist", event)


def record_correction(session: Session, ctx: Context, ref: CopyRef, user_id: str, url: str) -> Outcome:
    case, copy = _authorized(session, ctx, ref, user_id, "checklist")
    if copy is None:
        return Outcome.DENIED
    name = ctx.directory.name_of(user_id)
    for item in [i for i in case.checklist if i.item == CORRECTION]:
        case.checklist.remove(item)
    case.checklist.append(ChecklistItem(item=CORRECTION, done_at=ctx.now, done_by=name, value=url))
    event = Event("checklist_done", ctx.now, {"item": CORRECTION, "name": name})
    return _changed(session, ctx, case, user_id, "case.checklist", event)


# -- the violation chain (6(2)) ----------------------------------------------------------------


def notify_officer(session: Session, ctx: Context, ref: CopyRef, user_id: str) -> Outcome:
    """6(2)②: the head passes the violation to the 情報セキュリティ責任者."""
    case, copy = _authorized(session, ctx, ref, user_id, "notify_officer")
    if copy is None:
        return Outcome.DENIED
    if case.officer_notified_at is not None:
        return Outcome.UNCHANGED
    name = ctx.directory.name_of(user_id)
    case.officer_notified_at, case.officer_notified_by = ctx.now, name
    _send_copies(session, ctx, case, routing.security_officers(ctx.directory.offices, ctx.directory.name_of))
    return _changed(
        session, ctx, case, user_id, "case.officer_notified", Event("officer_notified", ctx.now, {"name": name})
    )


def report_committee(
    session: Session, ctx: Context, ref: CopyRef, user_id: str, measures: str, progress: str
) -> Outcome:
    """6(2)③: the officer reports the facts, the measures taken and the progress to the committee."""
    case, copy = _authorized(session, ctx, ref, user_id, "report_committee")
    if copy is None:
        return Outcome.DENIED
    if case.committee_reported_at is not None:
        return Outcome.UNCHANGED
    name = ctx.directory.name_of(user_id)
    case.committee_reported_at, case.committee_reported_by = ctx.now, name
    committee = routing.committee(ctx.directory.offices).target
    typed = {"measures": measures, "progress": progress}
    posted = _post(session, ctx, case, committee, Message.COMMITTEE, by=name, **typed)
    intent = {"kind": Message.COMMITTEE_FULL_TEXT, "case": case.id, **typed}
    outbox.post_intent(session, channel=committee, intent=intent, now=ctx.now, thread_of=posted)
    event = Event("committee_reported", ctx.now, {"name": name})
    return _changed(
        session,
        ctx,
        case,
        user_id,
        "case.committee_reported",
        event,
        after={"measures": measures, "progress": progress},
    )


# -- escalation --------------------------------------------------------------------------------


def escalate_due(session: Session, ctx: Context, hours: BusinessHours) -> int:
    """Re-notifies once per case when nobody acknowledged in time. Only the urgent kinds (炎上 and
    なりすまし) escalate out of office hours; the others wait for the office to open."""
    minutes = ctx.directory.config.reminders.incident_ack_escalation_minutes
    escalated = 0
    for due in cases.due_escalations(session, ctx.now):
        if not kind_of(due.kind).urgent and not hours.is_open(ctx.now):
            continue
        case = _lock(session, due.id)
        if case.escalation_level != 0 or case.acknowledged_at is not None:
            continue  # another process escalated or someone acknowledged meanwhile
        case.escalation_level = 1
        _send_escalation(session, ctx, case, minutes)
        _post_timeline(session, ctx, case, Event("escalated", ctx.now, {"minutes": minutes}))
        audit(session, ctx, ("case", case.number), None, "case.escalated", after={"level": 1})
        escalated += 1
    return escalated


def _send_escalation(session: Session, ctx: Context, case: Case, minutes: int) -> None:
    for copy in case.copies:
        if copy.audience in (Audience.HEAD, Audience.PUBLIC_INFO) and copy.handed_to is None:
            _post(session, ctx, case, copy.target, Message.ESCALATION, copy=copy.id, minutes=minutes)
    if not any(c.audience == Audience.PUBLIC_INFO for c in case.copies):  # a violation: 市政情報課 hears too
        office = ctx.directory.offices.public_info.channel
        _post(session, ctx, case, office, Message.ESCALATION, copy=None, minutes=minutes)


def _subject(case: Case) -> str:
    """What the case's messages are about, for the outbox (one notice per case when one goes as plain text)."""
    return f"case:{case.id}"


def number_of(session: Session, case_id: int) -> str:
    case = found(cases.get(session, case_id), f"case {case_id}")
    return case.number


# -- the April personnel change ------------------------------------------------------------------


def readdress(session: Session, ctx: Context) -> int:
    """Open cases, acknowledged or not, whose head's copy is for a department that now has another
    head: the new head gets the case with its buttons, the old copy says who took it over and loses
    them, audited. Once: a handed-over copy is never handed over again. Returns how many cases."""
    moved = 0
    for open_case in cases.open_cases(session):
        if not _handovers(ctx.directory, open_case):
            continue
        case = _lock(session, open_case.id)
        handovers = _handovers(ctx.directory, case)
        successors: dict[str, routing.Recipient] = {}
        for copy, department in handovers:
            name = ctx.directory.name_of(department.head)
            copy.handed_to, copy.handed_at = name, ctx.now
            successors[department.id] = routing.Recipient(Audience.HEAD, department.head, name, department.id)
        _send_copies(session, ctx, case, [r for r in successors.values() if _held(case, r) is None])
        thread_moved = _move_thread(case, successors)
        previous = "、".join(copy.name for copy, _ in handovers)
        names = "、".join(r.name for r in successors.values())
        event = Event("readdressed", ctx.now, {"name": names, "previous": previous})
        _refresh(session, ctx, case, event, handing_over=[copy for copy, _ in handovers])
        if thread_moved:  # the new thread holds what the copies cut, as the old one did
            _reply_full_text(session, ctx, case)
        audit(
            session,
            ctx,
            ("case", case.number),
            None,
            "case.readdressed",
            after={"from": [c.target for c, _ in handovers], "to": [r.target for r in successors.values()]},
        )
        moved += 1
    return moved


def _handovers(directory: Directory, case: Case) -> list[tuple[CaseCopy, Department]]:
    """The head's copies still live whose department is now headed by someone else."""
    found = []
    for copy in case.copies:
        if copy.audience != Audience.HEAD or copy.handed_to is not None:
            continue
        department = directory.department(copy.department_id or case.department_id)
        if department is not None and department.head != copy.target:
            found.append((copy, department))
    return found


def _move_thread(case: Case, successors: dict[str, routing.Recipient]) -> bool:
    """A violation's thread hangs off its head's copy: when that copy is handed over, the thread moves to the
    successor's copy, so that its later lines reach the new head, not the one who left. Whether it moved."""
    primary = _thread_holder(case)
    if primary is None or primary.handed_to is None:
        return False
    successor = successors.get(primary.department_id or case.department_id or "")
    heir = _held(case, successor) if successor else None
    if heir is None:
        return False
    primary.primary, heir.primary = False, True
    return True


def _held(case: Case, recipient: routing.Recipient) -> CaseCopy | None:
    """The live copy (not handed over) ``recipient`` holds of the case already; a head's, for the same
    department (a seat is a head of one department: a head of two holds a copy for each)."""
    return next(
        (
            c
            for c in case.copies
            if c.handed_to is None
            and (c.audience, c.target) == (recipient.audience, recipient.target)
            and (c.audience != Audience.HEAD or (c.department_id or case.department_id) == recipient.department_id)
        ),
        None,
    )


# -- listing -----------------------------------------------------------------------------------


def visible_cases(session: Session, directory: Directory, user_id: str) -> tuple[bool, list[Snapshot]]:
    """(everything, cases): 市政情報課, which holds every case, sees every open case; anyone else (the
    security officer included) the cases they reported or hold a live copy of (visibility.TABLE)."""
    everything = directory.is_public_info(user_id)
    return everything, [snapshot(c) for c in cases.visible_to(session, user_id, everything=everything)]


# -- shared steps ------------------------------------------------------------------------------


def _lock(session: Session, case_id: int) -> Case:
    return found(cases.get(session, case_id, for_update=True), f"case {case_id}")


def _authorized(
    session: Session, ctx: Context, ref: CopyRef, user_id: str, action: str, *, by_role: bool = False
) -> tuple[Case, CaseCopy | None]:
    """The case, and the copy acted on when ``user_id`` may act; a refusal is audited. ``by_role``: the
    action ends in a modal, so it is judged as its channel-less submission will be."""
    case = _lock(session, ref.case_id)
    copy = next((c for c in case.copies if c.id == ref.copy_id), None)
    if copy is None or (ref.channel is not None and not outbox.clicked_in(copy.message, ref.channel)):
        raise BadRequest(f"copy {ref.copy_id} is not case {ref.case_id}'s message in {ref.channel}")
    if may_act(ctx.directory, case, copy, user_id, action, in_channel=ref.channel is not None and not by_role):
        return case, copy
    audit(session, ctx, ("case", case.number), user_id, "case.denied", after={"action": action, "copy": copy.id})
    return case, None


def may_act(directory: Directory, case: Case, copy: CaseCopy, user_id: str, action: str, *, in_channel: bool) -> bool:
    """Who may press a case's buttons, by the role held at this moment (the guideline's recipients, and
    the offices that govern). An office's channel copy: its members; when app.yaml lists none, whoever
    sees the channel, so only a click made in it (``in_channel``), never one from a modal or App Home."""
    if action == "report_committee":
        return directory.is_security_officer(user_id)
    if action == "comment":
        return directory.is_public_info(user_id)
    if directory.is_public_info(user_id) or directory.is_security_officer(user_id):
        return True
    if action == "notify_officer":
        return any(_heads(directory, case, c, user_id) for c in case.copies)
    if copy.audience in routing.CHANNEL_OFFICES:
        office = getattr(directory.offices, routing.CHANNEL_OFFICES[copy.audience])
        return user_id in office.members or (in_channel and not office.members)
    return _heads(directory, case, copy, user_id)


def _heads(directory: Directory, case: Case, copy: CaseCopy, user_id: str) -> bool:
    """Whether ``copy`` is a head's copy of ``user_id``, who heads its department now (after 人事異動,
    the old head no longer does, and a head of another department never did)."""
    if copy.audience != Audience.HEAD or copy.target != user_id or copy.handed_to is not None:
        return False
    department = directory.department(copy.department_id or case.department_id)
    return department is not None and department.head == user_id


def _changed(
    session: Session,
    ctx: Context,
    case: Case,
    user_id: str,
    action: str,
    *events: Event,
    after: dict[str, Any] | None = None,
) -> Outcome:
    _refresh(session, ctx, case, *events)
    audit(session, ctx, ("case", case.number), user_id, action, after=_state(case) | (after or {}))
    return Outcome.DONE


def _refresh(
    session: Session, ctx: Context, case: Case, *events: Event, handing_over: Collection[CaseCopy] = ()
) -> None:
    """Queues an update of every live copy, drawn when sent (one pending update stands for any number of
    changes; the worker skips one its reader would see nothing new in, as Slack marks a rewritten message
    edited, which would tell 秘書室 that something they may not see joined the case), and adds the events
    to the case's thread. A copy handed over (人事異動) is updated a last time as it is handed over, saying
    to whom, then never again: its reader left the role."""
    live = [c.message for c in case.copies if c.message is not None and (c.handed_to is None or c in handing_over)]
    outbox.update_intents(session, targets=live, intent={"kind": Message.COPY, "case": case.id}, now=ctx.now)
    for event in events:
        _post_timeline(session, ctx, case, event)
    if any(e.kind in JOINED for e in events):  # the copies may now cut what the joining reports added
        _reply_full_text(session, ctx, case)


def _post_timeline(session: Session, ctx: Context, case: Case, event: Event) -> None:
    line = {"kind": event.kind, "at": event.at.isoformat(), "params": event.params}
    coalesce = f"{Message.TIMELINE}.{event.kind}" if event.kind in COALESCED_LINES else None
    _reply_in_thread(session, ctx, case, {"kind": Message.TIMELINE, "case": case.id, "event": line}, coalesce)


def _reply_full_text(session: Session, ctx: Context, case: Case) -> None:
    """What the copies cut, in the thread where they say it is (drawn to nothing when nothing is cut)."""
    _reply_in_thread(session, ctx, case, {"kind": Message.FULL_TEXT, "case": case.id}, Message.FULL_TEXT)


def _reply_in_thread(
    session: Session, ctx: Context, case: Case, intent: outbox.Intent, coalesce_key: str | None
) -> None:
    """Adds a message to the case's thread, under the copy that holds it (in 市政情報課's channel, or a
    violation's head's DM), drawn when sent as that copy's seat sees the case; with ``coalesce_key``, not while
    a reply of that key is pending there."""
    primary = _thread_holder(case)
    if primary is None or primary.message is None:
        return
    if coalesce_key is None:
        outbox.post_intent(session, channel=primary.target, intent=intent, now=ctx.now, thread_of=primary.message)
    else:
        outbox.reply_unless_pending(
            session, thread_of=primary.message, intent=intent, now=ctx.now, coalesce_key=coalesce_key
        )


def _thread_holder(case: Case) -> CaseCopy | None:
    """The copy whose thread holds the case's timeline (市政情報課's, or a violation's head's)."""
    return next((c for c in case.copies if c.primary), None)


def _thread_sees(case: Case, joined: CaseReporter) -> bool:
    """Whether the holder of the case's thread is told of the report ``joined``."""
    primary = _thread_holder(case)
    return primary is None or visibility.sees_report(seat_of(primary), report_part(joined))


def _state(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "acknowledged_by": case.acknowledged_by,
        "resolution_reason": case.resolution_reason,
        "checklist": sorted(i.item for i in case.checklist),
    }
