"""The April personnel change: a head's copy of an open case goes to the department's new head."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.config import Department
from bot.directory import Directory
from handlers.common.work import audit
from handlers.report import routing
from handlers.report.domain import Context, Event
from handlers.report.service.copies import held, lock, refresh, reply_full_text, send_copies, thread_holder
from storage import cases
from storage.models import Audience, Case, CaseCopy


def readdress(session: Session, ctx: Context) -> int:
    """Open cases, acknowledged or not, whose head's copy is for a department that now has another
    head: the new head gets the case with its buttons, the old copy says who took it over and loses
    them, audited. Once: a handed-over copy is never handed over again. Returns how many cases."""
    moved = 0
    for open_case in cases.open_cases(session):
        if not _handovers(ctx.directory, open_case):
            continue
        case = lock(session, open_case.id)
        handovers = _handovers(ctx.directory, case)
        successors: dict[str, routing.Recipient] = {}
        for copy, department in handovers:
            name = ctx.directory.name_of(department.head)
            copy.handed_to, copy.handed_at = name, ctx.now
            successors[department.id] = routing.Recipient(Audience.HEAD, department.head, name, department.id)
        send_copies(session, ctx, case, [r for r in successors.values() if held(case, r) is None])
        thread_moved = _move_thread(case, successors)
        previous = "、".join(copy.name for copy, _ in handovers)
        names = "、".join(r.name for r in successors.values())
        event = Event("readdressed", ctx.now, {"name": names, "previous": previous})
        refresh(session, ctx, case, event, handing_over=[copy for copy, _ in handovers])
        if thread_moved:  # the new thread holds what the copies cut, as the old one did
            reply_full_text(session, ctx, case)
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
    primary = thread_holder(case)
    if primary is None or primary.handed_to is None:
        return False
    successor = successors.get(primary.department_id or case.department_id or "")
    heir = held(case, successor) if successor else None
    if heir is None:
        return False
    primary.primary, heir.primary = False, True
    return True
