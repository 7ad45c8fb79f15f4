"""Who may act on a case, by the role held at that moment: the guideline's recipients, and the offices that
govern. A refusal is audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.errors import BadRequest
from handlers.common.work import audit
from handlers.report import routing
from handlers.report.domain import Context, CopyRef, Outcome
from handlers.report.service.copies import lock
from storage import outbox
from storage.models import Audience, Case, CaseCopy

P = ParamSpec("P")


def authorized(
    session: Session, ctx: Context, ref: CopyRef, user_id: str, action: str, *, by_role: bool = False
) -> Case | None:
    """The case, locked, when ``user_id`` may do ``action`` on the copy ``ref`` names; None, audited, when
    not. ``by_role``: the action ends in a modal, so it is judged as its channel-less submission will be."""
    case = lock(session, ref.case_id)
    copy = next((c for c in case.copies if c.id == ref.copy_id), None)
    if copy is None or (ref.channel is not None and not outbox.clicked_in(copy.message, ref.channel)):
        raise BadRequest(f"copy {ref.copy_id} is not case {ref.case_id}'s message in {ref.channel}")
    if may_act(ctx.directory, case, copy, user_id, action, in_channel=ref.channel is not None and not by_role):
        return case
    audit(session, ctx, ("case", case.number), user_id, "case.denied", after={"action": action, "copy": copy.id})
    return None


CaseChange = Callable[Concatenate[Session, Context, Case, str, P], Outcome]
CopyChange = Callable[Concatenate[Session, Context, CopyRef, str, P], Outcome]


def guarded(action: str) -> Callable[[CaseChange[P]], CopyChange[P]]:
    """A change of the case a copy names, made only when its user may do ``action`` (else DENIED): the
    change gets the case locked."""

    def guard(change: CaseChange[P]) -> CopyChange[P]:
        @wraps(change)
        def run(
            session: Session, ctx: Context, ref: CopyRef, user_id: str, /, *args: P.args, **kwargs: P.kwargs
        ) -> Outcome:
            case = authorized(session, ctx, ref, user_id, action)
            return Outcome.DENIED if case is None else change(session, ctx, case, user_id, *args, **kwargs)

        return run

    return guard


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
