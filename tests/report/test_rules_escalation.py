"""The reporting rules themselves, driven through handlers/report/service/ with a real database and no Slack,
HTTP or worker: escalation of the cases nobody acknowledged. Each test reads the rows a change stored and the
outbox intents it queued (what the worker would draw and send); the wiring of these rules to Slack is tested
end to end in tests/test_report*.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.report.domain import Message
from handlers.report.service import actions, escalation
from storage.models import CaseKind
from tests.report.desk import ESCALATION_MINUTES, HEAD, MONDAY_OPENING, POST, PUBLIC_INFO, SATURDAY, THURSDAY, Desk

# -- escalation --------------------------------------------------------------------------------------


def escalate(desk: Desk) -> int:
    return desk.run(escalation.escalate_due, desk.ctx.directory.office_hours)


def test_an_unacknowledged_case_is_escalated_once_when_its_minutes_are_up(desk: Desk) -> None:
    desk.report()
    due = THURSDAY + timedelta(minutes=ESCALATION_MINUTES)
    before = desk.last_outbox_id()

    early = escalate(desk.at(due - timedelta(seconds=1)))
    on_time = escalate(desk.at(due))
    again = escalate(desk.at(due + timedelta(hours=1)))

    assert desk.case().escalate_at == due
    assert (early, on_time, again) == (0, 1, 0)
    assert desk.intents(before) == [
        (POST, PUBLIC_INFO, Message.ESCALATION, False),
        (POST, HEAD, Message.ESCALATION, False),
        (POST, PUBLIC_INFO, Message.TIMELINE, True),
    ]
    assert desk.case().escalation_level == 1


def test_an_acknowledged_case_is_not_escalated(desk: Desk) -> None:
    desk.report()
    desk.run(actions.acknowledge, desk.ref(HEAD), HEAD)

    assert escalate(desk.at(THURSDAY + timedelta(hours=2))) == 0
    assert escalate(desk.at(THURSDAY + timedelta(days=3))) == 0


def test_an_unacknowledged_violation_reminds_its_head_and_public_info_though_it_holds_no_copy(desk: Desk) -> None:
    desk.report(kind=CaseKind.VIOLATION)
    before = desk.last_outbox_id()

    assert escalate(desk.at(THURSDAY + timedelta(minutes=ESCALATION_MINUTES))) == 1
    assert [(c, k) for _, c, k, _ in desk.intents(before)] == [
        (HEAD, Message.ESCALATION),
        (PUBLIC_INFO, Message.ESCALATION),
        (HEAD, Message.TIMELINE),
    ]


@pytest.mark.parametrize(
    ("kind", "escalated_on_saturday"),
    [(CaseKind.FLAME, 1), (CaseKind.IMPERSONATION, 1), (CaseKind.IMPORTANT, 0), (CaseKind.MISTAKE, 0)],
)
def test_only_flame_ups_and_impersonations_escalate_out_of_office_hours(
    desk: Desk, kind: CaseKind, escalated_on_saturday: int
) -> None:
    weekend = desk.at(SATURDAY)
    weekend.report(kind=kind)
    due = SATURDAY + timedelta(minutes=ESCALATION_MINUTES)

    saturday = escalate(desk.at(due))
    before_monday = escalate(desk.at(MONDAY_OPENING - timedelta(minutes=1)))
    monday = escalate(desk.at(MONDAY_OPENING))

    assert (saturday, before_monday, monday) == (escalated_on_saturday, 0, 1 - escalated_on_saturday)
