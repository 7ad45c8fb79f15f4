"""What the listeners read: the cases a person may list, a case's number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.directory import Directory
from handlers.common.work import found
from handlers.report.domain import Seat, Snapshot, snapshot
from handlers.report.visibility import shown_to
from storage import cases
from storage.models import Audience


def visible_cases(session: Session, directory: Directory, user_id: str) -> tuple[bool, list[Snapshot]]:
    """(everything, cases): 市政情報課, which holds every case, sees every open case; anyone else (the
    security officer included) the cases they reported or hold a live copy of (visibility.TABLE)."""
    everything = directory.is_public_info(user_id)
    shown = [snapshot(c) for c in cases.visible_to(session, user_id, everything=everything)]
    return everything, shown if everything else [_as_seen_by(case, user_id) for case in shown]


def _as_seen_by(case: Snapshot, user_id: str) -> Snapshot:
    """The case as ``user_id``'s seat on it sees it (of several, the one told most): its age counts from the
    first report they are told of."""
    seats = [seat for seat in case.copies if seat.target == user_id] or [Seat(Audience.REPORTER, user_id)]
    return min((shown_to(case, seat) for seat in seats), key=lambda seen: seen.created_at)


def number_of(session: Session, case_id: int) -> str:
    case = found(cases.get(session, case_id), f"case {case_id}")
    return case.number
