"""What the listeners read: the cases a person may list, a case's number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.directory import Directory
from handlers.common.work import found
from handlers.report.domain import Snapshot, snapshot
from storage import cases


def visible_cases(session: Session, directory: Directory, user_id: str) -> tuple[bool, list[Snapshot]]:
    """(everything, cases): 市政情報課, which holds every case, sees every open case; anyone else (the
    security officer included) the cases they reported or hold a live copy of (visibility.TABLE)."""
    everything = directory.is_public_info(user_id)
    return everything, [snapshot(c) for c in cases.visible_to(session, user_id, everything=everything)]


def number_of(session: Session, case_id: int) -> str:
    case = found(cases.get(session, case_id), f"case {case_id}")
    return case.number
