"""The steps every change of a case shares: lock it, post its copies, rewrite them, add lines to its thread,
and audit the change with the case's state."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from handlers.common.work import audit, found
from handlers.report import routing, visibility
from handlers.report.domain import Context, Event, Message, Outcome, report_part, seat_of
from storage import cases, outbox
from storage.models import Audience, Case, CaseCopy, CaseReporter, OutboxMessage

# The thread lines that say reports joined the case.
JOINED = frozenset({"duplicates", "widened"})
# The thread lines that one pending line stands for, drawn with the count when sent: a burst of duplicate
# reports adds one line, not one a report at Slack's pace of a message a second in 市政情報課's channel.
COALESCED_LINES = frozenset({"duplicates"})


def lock(session: Session, case_id: int) -> Case:
    return found(cases.get(session, case_id, for_update=True), f"case {case_id}")


def subject(case: Case) -> str:
    """What the case's messages are about, for the outbox (one notice per case when one goes as plain text)."""
    return f"case:{case.id}"


def send_copies(
    session: Session, ctx: Context, case: Case, recipients: list[routing.Recipient], *, timeline_first: bool = False
) -> list[int]:
    """Posts a copy to each recipient, drawn when sent, so each names all the recipients there are then: the
    posts and the copies in one INSERT each (the hot path of every report). The posts' outbox ids."""
    copy = {"kind": Message.COPY, "case": case.id}
    posted = outbox.post_intents(session, posts=[(r.target, copy, subject(case)) for r in recipients], now=ctx.now)
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


def post(session: Session, ctx: Context, case: Case, channel: str, kind: Message, **facts: Any) -> OutboxMessage:
    intent = {"kind": kind, "case": case.id, **facts}
    return outbox.post_intent(session, channel=channel, intent=intent, now=ctx.now, subject=subject(case))


def held(case: Case, recipient: routing.Recipient) -> CaseCopy | None:
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


def changed(
    session: Session,
    ctx: Context,
    case: Case,
    user_id: str,
    action: str,
    *events: Event,
    after: dict[str, Any] | None = None,
) -> Outcome:
    refresh(session, ctx, case, *events)
    audit(session, ctx, ("case", case.number), user_id, action, after=state(case) | (after or {}))
    return Outcome.DONE


def refresh(
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
        post_timeline(session, ctx, case, event)
    if any(e.kind in JOINED for e in events):  # the copies may now cut what the joining reports added
        reply_full_text(session, ctx, case)


def post_timeline(session: Session, ctx: Context, case: Case, event: Event) -> None:
    line = {"kind": event.kind, "at": event.at.isoformat(), "params": event.params}
    coalesce = f"{Message.TIMELINE}.{event.kind}" if event.kind in COALESCED_LINES else None
    _reply_in_thread(session, ctx, case, {"kind": Message.TIMELINE, "case": case.id, "event": line}, coalesce)


def reply_full_text(session: Session, ctx: Context, case: Case) -> None:
    """What the copies cut, in the thread where they say it is (drawn to nothing when nothing is cut)."""
    _reply_in_thread(session, ctx, case, {"kind": Message.FULL_TEXT, "case": case.id}, Message.FULL_TEXT)


def _reply_in_thread(
    session: Session, ctx: Context, case: Case, intent: outbox.Intent, coalesce_key: str | None
) -> None:
    """Adds a message to the case's thread, under the copy that holds it (in 市政情報課's channel, or a
    violation's head's DM), drawn when sent as that copy's seat sees the case; with ``coalesce_key``, not while
    a reply of that key is pending there."""
    primary = thread_holder(case)
    if primary is None or primary.message is None:
        return
    if coalesce_key is None:
        outbox.post_intent(session, channel=primary.target, intent=intent, now=ctx.now, thread_of=primary.message)
    else:
        outbox.reply_unless_pending(
            session, thread_of=primary.message, intent=intent, now=ctx.now, coalesce_key=coalesce_key
        )


def thread_holder(case: Case) -> CaseCopy | None:
    """The copy whose thread holds the case's timeline (市政情報課's, or a violation's head's)."""
    return next((c for c in case.copies if c.primary), None)


def thread_sees(case: Case, joined: CaseReporter) -> bool:
    """Whether the holder of the case's thread is told of the report ``joined``."""
    primary = thread_holder(case)
    return primary is None or visibility.sees_report(seat_of(primary), report_part(joined))


def state(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "acknowledged_by": case.acknowledged_by,
        "resolution_reason": case.resolution_reason,
        "checklist": sorted(i.item for i in case.checklist),
    }
