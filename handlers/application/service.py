"""Usage application rules, free of Slack (4(4)①②).

The applicant of record is the department head: an application a staff member fills in waits for
the head's 「申請する」 before it reaches 市政情報課, and a head's own goes straight on. Only
市政情報課 members decide, never on an application they filled in or applied for.

Every answer locks its application first, then moves it with a conditional UPDATE naming the
status it leaves: of two people pressing at the same moment exactly one UPDATE matches, and the
other finds nothing to do. Messages are queued in the same transaction as intents (domain.Message),
drawn by the delivery worker when it sends them (handlers/application/messages.py); nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.config import Department
from bot.errors import BadRequest
from bot.mrkdwn import fit
from handlers.application.domain import (
    DECISIONS,
    HEAD_ANSWERS,
    Answer,
    ApplicationForm,
    Message,
    Outcome,
)
from handlers.common.work import Context, audit, found
from storage import applications, outbox
from storage.models import Application, ApplicationStatus, OutboxMessage

NAME_LIMIT = 120
_DECIDED = {
    Answer.APPROVE: ApplicationStatus.APPROVED,
    Answer.RETURN: ApplicationStatus.RETURNED,
    Answer.REJECT: ApplicationStatus.REJECTED,
}


@dataclass(frozen=True)
class Submitted:
    application_id: int
    status: ApplicationStatus  # WITH_HEAD: waits for the head; SUBMITTED: with 市政情報課
    head_name: str


def head_department(departments: list[Department], user_id: str) -> Department | None:
    """The department a user applies for: one they head first (兼務), otherwise the first they belong to."""
    for department in departments:
        if department.head == user_id:
            return department
    return departments[0] if departments else None


def submit(session: Session, ctx: Context, form: ApplicationForm, user_id: str, department: Department) -> Submitted:
    """Stores the application and sends it on: to the head's DM, or when the head filled it in
    themselves, straight to the 市政情報課 channel."""
    by_head = user_id == department.head
    application = applications.add(
        session,
        Application(
            platform=form.platform,
            status=ApplicationStatus.SUBMITTED if by_head else ApplicationStatus.WITH_HEAD,
            emergency=form.emergency,
            purpose=form.purpose,
            items=form.items,
            review_interval_days=form.review_interval_days,
            department_id=department.id,
            department_name=department.name,
            filled_by=user_id,
            filled_by_name=_name(ctx, user_id),
            head_id=department.head,
            created_at=ctx.now,
            submitted_at=ctx.now if by_head else None,
        ),
    )
    if by_head:
        application.office_message = _post_to_office(session, ctx, application)
    else:
        application.head_message = _post(session, ctx, application, department.head, Message.HEAD_REQUEST)
        _post_full_text(session, ctx, application, application.head_message)
    action = "application.submitted" if by_head else "application.filled"
    audit(session, ctx, ("application", application.id), user_id, action, _summary(application))
    head_name = ctx.directory.name_of(department.head)
    return Submitted(application.id, ApplicationStatus(application.status), head_name)


def may_answer(
    session: Session, ctx: Context, application_id: int, user_id: str, given: Answer, channel: str | None
) -> Outcome:
    """Whether ``user_id`` may give ``given`` now (before a comment modal opens): DONE, UNCHANGED or DENIED."""
    checked = _checked(session, ctx, application_id, user_id, given, channel)
    if isinstance(checked, Outcome):
        return checked
    expected = ApplicationStatus.WITH_HEAD if given in HEAD_ANSWERS else ApplicationStatus.SUBMITTED
    return Outcome.DONE if checked.status == expected else Outcome.UNCHANGED


def answer(
    session: Session,
    ctx: Context,
    application_id: int,
    user_id: str,
    given: Answer,
    comment: str | None,
    channel: str | None,
) -> Outcome:
    """The head's 申請する / 差し戻す, or 市政情報課's 承認 / 差戻し / 却下, from the button (``channel``:
    where it was pressed) or from the comment modal (``channel`` None)."""
    checked = _checked(session, ctx, application_id, user_id, given, channel)
    if isinstance(checked, Outcome):
        return checked
    if given in HEAD_ANSWERS:
        return _head_answer(session, ctx, checked, user_id, given, comment)
    return _decide(session, ctx, checked, user_id, given, comment)


def _checked(
    session: Session, ctx: Context, application_id: int, user_id: str, given: Answer, channel: str | None
) -> Application | Outcome:
    """The locked application, when ``user_id`` may give ``given``; a refusal is audited."""
    application = found(applications.get(session, application_id, for_update=True), f"application {application_id}")
    where = application.head_message if given in HEAD_ANSWERS else application.office_message
    if channel is not None and not outbox.clicked_in(where, channel):
        raise BadRequest(f"application {application_id} was not answered where it was asked")
    if given in HEAD_ANSWERS:
        # The head asked, and still the head: after April's reload someone who left decides nothing.
        department = ctx.directory.department(application.department_id)
        allowed = user_id == application.head_id and department is not None and department.head == user_id
    else:
        allowed = ctx.directory.is_public_info(user_id) and user_id not in (application.filled_by, application.head_id)
    if not allowed:
        audit(
            session,
            ctx,
            ("application", application.id),
            user_id,
            "application.denied",
            {"answer": given, "status": application.status},
        )
        return Outcome.DENIED
    return application


def _head_answer(
    session: Session, ctx: Context, application: Application, user_id: str, given: Answer, comment: str | None
) -> Outcome:
    if given == Answer.APPLY:
        values: dict[str, Any] = {"status": ApplicationStatus.SUBMITTED, "submitted_at": ctx.now}
    else:
        values = _decision(ctx, ApplicationStatus.RETURNED, user_id, comment)
    if not applications.move(session, application.id, expected=ApplicationStatus.WITH_HEAD, **values):
        return Outcome.UNCHANGED
    session.refresh(application)
    if given == Answer.APPLY:
        application.office_message = _post_to_office(session, ctx, application)
    _update(session, ctx, application, application.head_message, Message.HEAD_REQUEST)
    kind = "head_applied" if given == Answer.APPLY else "head_returned"
    _notify(session, ctx, application, application.filled_by, kind, comment=comment)
    action = "application.submitted" if given == Answer.APPLY else "application.head_returned"
    after = {"status": application.status, "comment": comment}
    audit(
        session,
        ctx,
        ("application", application.id),
        user_id,
        action,
        after,
        before={"status": ApplicationStatus.WITH_HEAD},
    )
    return Outcome.DONE


def _decide(
    session: Session, ctx: Context, application: Application, user_id: str, given: Answer, comment: str | None
) -> Outcome:
    if given not in DECISIONS:
        raise BadRequest(f"{given} is no decision")
    values = _decision(ctx, _DECIDED[given], user_id, comment)
    if not applications.move(session, application.id, expected=ApplicationStatus.SUBMITTED, **values):
        return Outcome.UNCHANGED
    session.refresh(application)
    _update(session, ctx, application, application.office_message, Message.OFFICE_POST)
    # 4(4)①: the head applied; whoever filled the form in hears it too.
    for recipient in dict.fromkeys([application.filled_by, application.head_id]):
        _notify(session, ctx, application, recipient, "decided", answer=given, comment=comment)
    after = {"status": application.status, "comment": comment}
    before = {"status": ApplicationStatus.SUBMITTED}
    audit(
        session, ctx, ("application", application.id), user_id, f"application.{_DECIDED[given]}", after, before=before
    )
    return Outcome.DONE


def _decision(ctx: Context, status: ApplicationStatus, user_id: str, comment: str | None) -> dict[str, Any]:
    """The columns an answer that ends the application sets: its status, when, by whom and why."""
    return {"status": status, "decided_at": ctx.now, "decided_by": _name(ctx, user_id), "decision_comment": comment}


def _post_to_office(session: Session, ctx: Context, application: Application) -> OutboxMessage:
    channel = ctx.directory.offices.public_info.channel
    posted = _post(session, ctx, application, channel, Message.OFFICE_POST)
    _post_full_text(session, ctx, application, posted)
    return posted


def _post_full_text(session: Session, ctx: Context, application: Application, message: OutboxMessage) -> None:
    """What ``message`` cuts, whole, in its thread, where the message says it is (drawn to nothing when
    nothing is cut)."""
    intent = {"kind": Message.FULL_TEXT, "application": application.id}
    outbox.post_intent(session, channel=message.channel, intent=intent, now=ctx.now, thread_of=message)


def _update(
    session: Session, ctx: Context, application: Application, target: OutboxMessage | None, kind: Message
) -> None:
    """Queues an update of ``target``, drawn when sent: one pending update, or the post not sent yet,
    stands for any number of changes."""
    if target is not None:
        intent = {"kind": kind, "application": application.id}
        outbox.update_intents(session, targets=[target], intent=intent, now=ctx.now)


def _notify(session: Session, ctx: Context, application: Application, user_id: str, kind: str, **params: Any) -> None:
    """Queues an outcome DM with its event's parameters; what else it says (the application's name, its head,
    who decided) is recorded once and never changes."""
    _post(session, ctx, application, user_id, Message.NOTICE, notice=kind, params=params)


def _post(
    session: Session, ctx: Context, application: Application, channel: str, kind: Message, **facts: Any
) -> OutboxMessage:
    """Queues a message about ``application``: its subject names it (one notice if one goes as plain text)."""
    intent = {"kind": kind, "application": application.id, **facts}
    subject = f"application:{application.id}"
    return outbox.post_intent(session, channel=channel, intent=intent, now=ctx.now, subject=subject)


def _name(ctx: Context, user_id: str) -> str:
    """A person's mrkdwn-safe name as the record keeps it (the column holds 120 characters)."""
    return fit(ctx.directory.name_of(user_id), NAME_LIMIT)


def _summary(application: Application) -> dict[str, Any]:
    return {
        "status": application.status,
        "platform": application.platform,
        "purpose": application.purpose,
        "emergency": application.emergency,
        "department": application.department_id,
        "head": application.head_id,
        "review_interval_days": application.review_interval_days,
    }
