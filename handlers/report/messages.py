"""The case's messages, drawn by the delivery worker when it sends them (bot/sending.py Render): from the
case as it is then, each as its reader may see it (visibility.shown_to). The service queues only intents
(domain.Message); a copy is found by the outbox message it was posted as."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.sending import Render
from handlers.report import visibility
from handlers.report.domain import Event, Message, Seat, Snapshot, seat_of, snapshot
from handlers.report.views.messages import SlackRenderer
from storage import cases
from storage.models import Audience, Case, CaseCopy, OutboxMethod
from storage.outbox_claims import Claimed

Drawn = dict[str, Any] | None


def copy(session: Session, directory: Directory, message: Claimed) -> Drawn:
    """A copy, posted or updated; a handed-over one with only the reports filed before its reader left."""
    found = _copy_sent_as(
        session, message.parent_id if message.method == OutboxMethod.UPDATE else message.id, _case_id(message)
    )
    if found is None:
        return None
    case, held = found
    return _draw(directory).case_copy(_as_held(case, held), held.audience, held.id)


def timeline(session: Session, directory: Directory, message: Claimed) -> Drawn:
    found = _copy_sent_as(session, message.parent_id, _case_id(message))
    if found is None:
        return None
    case, held = found
    line = message.intent["event"] if message.intent else {}
    event = Event(line["kind"], datetime.fromisoformat(line["at"]), line["params"])
    thread = _as_held(case, held)
    return (
        _draw(directory).timeline(thread, event) if visibility.sees_event(event.kind, thread, seat_of(held)) else None
    )


def full_text(session: Session, directory: Directory, message: Claimed) -> Drawn:
    found = _copy_sent_as(session, message.parent_id, _case_id(message))
    return _draw(directory).full_text(_as_held(*found)) if found else None


def confirmation(session: Session, directory: Directory, message: Claimed) -> Drawn:
    case = _case(session, message)
    seat = Seat(Audience.REPORTER, message.channel)
    return _draw(directory).confirmation(visibility.shown_to(snapshot(case), seat)) if case else None


def escalation(session: Session, directory: Directory, message: Claimed) -> Drawn:
    """To a head's copy or 市政情報課's (a violation's, which has no copy there): 市政情報課's members named."""
    case, facts = _case(session, message), message.intent or {}
    if case is None:
        return None
    held = next((c for c in case.copies if c.id == facts["copy"]), None)
    seat = seat_of(held) if held else Seat(Audience.PUBLIC_INFO, message.channel)
    members = [f"<@{m}>" for m in directory.offices.public_info.members]
    shown = visibility.shown_to(snapshot(case), seat)
    return _draw(directory).escalation(shown, seat.audience, facts["minutes"], members)


def committee(session: Session, directory: Directory, message: Claimed) -> Drawn:
    case, facts = _case(session, message), message.intent or {}
    if case is None:
        return None
    shown = visibility.shown_to(snapshot(case), Seat(Audience.SECURITY_COMMITTEE, message.channel))
    return _draw(directory).committee_report(shown, facts["measures"], facts["progress"], facts["by"])


def committee_full_text(session: Session, directory: Directory, message: Claimed) -> Drawn:
    case, facts = _case(session, message), message.intent or {}
    if case is None:
        return None
    shown = visibility.shown_to(snapshot(case), Seat(Audience.SECURITY_COMMITTEE, message.channel))
    return _draw(directory).full_text(shown, (facts["measures"], facts["progress"]))


MESSAGES: dict[str, Render] = {
    Message.COPY: copy,
    Message.TIMELINE: timeline,
    Message.FULL_TEXT: full_text,
    Message.CONFIRMATION: confirmation,
    Message.ESCALATION: escalation,
    Message.COMMITTEE: committee,
    Message.COMMITTEE_FULL_TEXT: committee_full_text,
}


def _draw(directory: Directory) -> SlackRenderer:
    return SlackRenderer(directory.timezone)


def _case(session: Session, message: Claimed) -> Case | None:
    case_id = _case_id(message)
    return cases.loaded(session, case_id) if case_id is not None else None


def _case_id(message: Claimed) -> int | None:
    return (message.intent or {}).get("case")


def _copy_sent_as(session: Session, outbox_id: int | None, case_id: int | None) -> tuple[Case, CaseCopy] | None:
    """The case and its copy posted as outbox message ``outbox_id``; by the case when the intent names it (the
    copies of a case drawn together share its load), else found by the message (an intent queued without)."""
    if case_id is None and outbox_id is not None:
        held = cases.copy_sent_as(session, outbox_id)
        case_id = held.case_id if held else None
    case = cases.loaded(session, case_id) if case_id is not None else None
    held = next((c for c in case.copies if c.outbox_id == outbox_id), None) if case else None
    return (case, held) if case and held else None


def _as_held(case: Case, held: CaseCopy) -> Snapshot:
    """The case as the copy's reader sees it, in the copy or in the thread under it; a copy handed over at
    人事異動 with only the reports filed before its reader left the role, whenever its messages are sent."""
    return visibility.shown_to(snapshot(case, reported_until=held.handed_at), seat_of(held))
