"""A report: it opens a case and routes it, or attaches to the open case of the same post and widens it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.config import Department
from bot.urls import normalize
from handlers.common.work import audit
from handlers.report import routing
from handlers.report.domain import Context, Event, Message, ReportForm, Submission
from handlers.report.kinds import Route, kind_of
from handlers.report.service.copies import (
    held,
    lock,
    post,
    refresh,
    send_copies,
    state,
    subject,
    thread_sees,
)
from storage import cases, outbox
from storage.models import Audience, Capacity, Case, CaseKind, CaseReporter, CaseStatus, CaseUrl


def submit(session: Session, ctx: Context, form: ReportForm, reporter_id: str) -> Submission:
    """Opens a case and routes it, or attaches the report to the open case of the same post."""
    hashes = [cases.url_hash(normalize(url)) for url in form.urls]
    # No other report of these posts runs until this one ends (PostgreSQL: the posts' locks; SQLite: its one
    # writer), so the open case found here stays the one, and none is opened meanwhile.
    cases.lock_urls(session, hashes)
    existing = cases.open_case_id(session, hashes)
    if existing is None:
        return _route(session, ctx, _open(session, ctx, form, reporter_id, hashes), form)
    return _attach(session, ctx, existing, form, reporter_id, hashes)


def _open(session: Session, ctx: Context, form: ReportForm, reporter_id: str, hashes: list[str]) -> Case:
    """A new case, made of its first report (the case keeps that report's parts as its own), written without
    ORM objects; the case as written, outside the session (nothing in this transaction reads it back)."""
    year = ctx.now.astimezone(ctx.timezone).year
    minutes = ctx.directory.config.reminders.incident_ack_escalation_minutes
    report = _report(ctx, form, reporter_id)
    columns = {
        "number": f"SNS-{year}-{ctx.numbers.take(session, year):04d}",
        "kind": form.kind,
        "capacity": report["capacity"],
        "status": CaseStatus.OPEN,
        "summary": report["summary"],
        "account": report["account"],
        "discovered_at": report["discovered_at"],
        "created_at": ctx.now,
        "department_id": report["department_id"],
        "department_name": report["department_name"],
        "reporter_id": report["user_id"],
        "reporter_name": report["user_name"],
        "reporter_count": 1,
        "escalate_at": ctx.now + timedelta(minutes=minutes),
    }
    case_id = cases.insert_case(session, columns, report, form.urls, hashes)
    # Its collections are known: a new case's checklist is empty, and nothing here reads its copies.
    return Case(id=case_id, checklist=[], **columns)


def _report(ctx: Context, form: ReportForm, reporter_id: str) -> dict[str, Any]:
    """The report as its reporter filed it (CaseReporter's columns): who sees its parts depends on its own
    capacity."""
    department = ctx.directory.department(form.department_id)
    return {
        "user_id": reporter_id,
        "user_name": ctx.directory.actor(reporter_id).name,
        "reported_at": ctx.now,
        "capacity": form.capacity,
        "summary": form.summary,
        "account": form.account,
        "discovered_at": form.discovered_at,
        "department_id": department.id if department else None,
        "department_name": department.name if department else None,
        "urls": list(form.urls),
    }


def _route(session: Session, ctx: Context, case: Case, form: ReportForm) -> Submission:
    department = ctx.directory.department(case.department_id)
    recipients = _recipients(ctx, case.kind, case.capacity, department)
    reporter = routing.Recipient(Audience.REPORTER, case.reporter_id, case.reporter_name)
    # The copies say who reported and who was told; the timeline's thread starts with the first change, so
    # a new case costs the busiest channel (市政情報課) one post, not two, at Slack's pace of one a second.
    thread, *_ = send_copies(session, ctx, case, [*recipients, reporter], timeline_first=True)
    full_text = (recipients[0].target, {"kind": Message.FULL_TEXT, "case": case.id}, subject(case))
    outbox.post_intents(session, posts=[full_text], now=ctx.now, thread_id=thread, coalesce_key=Message.FULL_TEXT)
    audit(
        session, ctx, ("case", case.number), case.reporter_id, "case.created", after=state(case) | {"urls": form.urls}
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


def _attach(
    session: Session, ctx: Context, case_id: int, form: ReportForm, reporter_id: str, hashes: list[str]
) -> Submission:
    case = lock(session, case_id)
    reporter = ctx.directory.actor(reporter_id)
    changed, joined = False, None
    # The same person filing again in the other capacity files a report of its own: a private 概要 must not
    # become the 業務 one that 秘書室 and 総務課 read, nor a 業務 report stay unseen behind a private one.
    if all((r.user_id, r.capacity) != (reporter_id, form.capacity) for r in case.reports):
        if all(r.user_id != reporter_id for r in case.reports):
            case.reporter_count += 1
        joined = CaseReporter(**_report(ctx, form, reporter_id))
        case.reports.append(joined)
        changed = True
    if new_hashes := cases.untracked(session, hashes):
        case.urls += [CaseUrl(url=url) for url, h in zip(form.urls, hashes, strict=True) if h in new_hashes]
        cases.claim_urls(session, case.id, new_hashes)
        changed = True
    if widened := _widen(case, ctx, form, reporter_id):
        send_copies(session, ctx, case, widened)
        names = "、".join(r.name for r in widened)
        # The line goes to the thread's holder, who sees every report (市政情報課: a violation is never widened).
        refresh(session, ctx, case, Event("widened", ctx.now, {"recipients": names, "reporter": reporter.name}))
    elif changed:  # the same person reporting the same post again changes nothing on the copies
        # The thread's line says a report joined: not to a holder who may not know of it (a violation's head, of
        # another department's private report), whose thread would otherwise betray it.
        told = joined is None or thread_sees(case, joined)
        refresh(session, ctx, case, *([Event("duplicates", ctx.now)] if told else []))
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
    post(session, ctx, case, reporter_id, Message.CONFIRMATION)
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
    return [r for r in wanted if held(case, r) is None]
