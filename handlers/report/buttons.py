"""The buttons of a case's copy, one row each: its id, its label, when a copy shows it, who may press it and
what it does. The copy's view draws the rows in this order and handlers/report/__init__.py wires them;
the checklist's buttons come from each kind's row in kinds.py.

Who may press a button is the rule its ``action`` names in service/authority.py's may_act, checked again on
every press (and on a modal's submission); a refusal is audited under that name. A button either changes
the case at once (``change``, a use case of service/actions.py guarded by the same action) or asks first in
a modal (``modal``, whose submission has its own listener)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.models.views import View

from handlers.report.domain import Snapshot
from handlers.report.ids import ReportIds
from handlers.report.kinds import Stage, kind_of
from handlers.report.metadata import CaseAction
from handlers.report.service import actions
from handlers.report.service.authority import CopyChange
from handlers.report.views.case_modals import comment_modal, committee_modal, resolve_modal
from storage.models import Audience, CaseStatus

Change = CopyChange[[]]  # a use case of a copy's click, guarded: (session, ctx, ref, user_id)
Shown = Callable[[Snapshot, Audience], bool]


@dataclass(frozen=True)
class Button:
    id: ReportIds
    label: str  # a catalog key
    action: str  # who may press it: may_act's rule of this name
    shown: Shown  # whether a copy for this audience shows it, as the case is now
    change: Change | None = None  # what it does at once, or
    modal: Callable[[CaseAction, str], View] | None = None  # the modal it opens (for the case's number)
    style: str | None = None  # "primary" or "danger"
    confirm: tuple[str, str] | None = None  # catalog keys of a dialog's title and text, asking before it acts


def _open(case: Snapshot) -> bool:
    return case.status != CaseStatus.RESOLVED


BUTTONS = (
    Button(
        ReportIds.ACKNOWLEDGE,
        "report.button.acknowledge",
        "acknowledge",
        lambda case, _: _open(case) and case.acknowledged is None,
        change=actions.acknowledge,
        style="primary",
    ),
    Button(
        ReportIds.IN_PROGRESS,
        "report.button.in_progress",
        "in_progress",
        lambda case, _: case.status == CaseStatus.OPEN,
        change=actions.start_work,
    ),
    Button(ReportIds.RESOLVE, "report.button.resolve", "resolve", lambda case, _: _open(case), modal=resolve_modal),
    Button(  # 6(2)②
        ReportIds.NOTIFY_OFFICER,
        "report.button.notify_officer",
        "notify_officer",
        lambda case, audience: (
            Stage.OFFICER_NOTIFIED in kind_of(case.kind).ladder
            and not case.officer_notified
            and audience in (Audience.HEAD, Audience.PUBLIC_INFO)
        ),
        change=actions.notify_officer,
        style="danger",
        confirm=("report.confirm.notify_officer.title", "report.confirm.notify_officer.text"),
    ),
    Button(  # 6(2)③
        ReportIds.REPORT_COMMITTEE,
        "report.button.report_committee",
        "report_committee",
        lambda case, audience: audience == Audience.SECURITY_OFFICER and not case.committee_reported,
        modal=committee_modal,
    ),
    Button(
        ReportIds.COMMENT,
        "report.button.comment",
        "comment",
        lambda _, audience: audience == Audience.PUBLIC_INFO,
        modal=comment_modal,
    ),
)
BY_ID = {button.id: button for button in BUTTONS}
