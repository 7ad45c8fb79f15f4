"""Scenario 6: security. Forged, wrong-secret and replayed requests; every button and modal against every role
(after a 人事異動 and for 代決: test_security_april.py; mentions typed into every free-text field:
test_security_mentions.py).

The role × action table is checked exhaustively: for each action (a button, or a modal's submission) a fresh
object is made and every role presses it from every place it appears (each copy of a case, each person's DM).
What the rules allow is restated here from each feature's service (report.service.may_act, draft.service._checked,
application.service._checked, account.service.may_act and _may_register), independently of the code. A refusal
must tell the user (an ephemeral message, or an error in the modal), be audited (an ``….denied`` entry) and change
nothing; an allowed press must not be refused. The same table is checked after a 人事異動 (app.yaml reloaded with
objects open: the old head, the new head, a head of another department, an office member removed, a manager who
left) and for 代決 (a deputy while the step's approvers are away, and once one is back).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage.models import AccountState
from tests.reliability.drive import World
from tests.reliability.forms import option, text_input
from tests.reliability.roles import (
    ROLES,
    Action,
    account_places,
    application_places,
    case_places,
    draft_places,
    every_role,
    register_places,
    security_world,
)
from tests.reliability.rows import Check, record
from tests.reliability.world import STAFF1
from tests.support.flow import settled
from tests.support.slack_requests import OUTSIDE_WINDOW, block_action, event_callback, interactive, send, slash_command
from tests.support.slack_requests import view_submission as submission


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with security_world(tmp_path_factory.mktemp("security")) as world:
        yield world


# -- signatures ---------------------------------------------------------------------------------------


def test_forged_wrong_secret_and_replayed_requests_are_all_401(world: World) -> None:
    help_ = slash_command("/sns-help", response_url=world.fake.response_url("forged"))
    click = interactive(block_action("report.case.ack", value='{"v": 1, "case_id": 1, "copy_id": 1}'))
    view = interactive(submission("report.submit", values={}))
    event = event_callback({"type": "app_home_opened", "user": STAFF1, "tab": "home"})
    bodies = [
        ("slash command", help_, "application/x-www-form-urlencoded"),
        ("button", click, "application/x-www-form-urlencoded"),
        ("modal", view, "application/x-www-form-urlencoded"),
        ("event", event, "application/json"),
    ]
    # Every timestamp is taken as its request is sent (send's age), never once for all of them.
    forgeries: dict[str, dict[str, Any]] = {
        "unsigned": {"sign": False},
        "wrong secret": {"secret": "not-the-signing-secret"},
        "replayed 6 min later": {"age": OUTSIDE_WINDOW},
        "replayed 1 h later": {"age": 3600},
        "from 6 min in the future": {"age": -OUTSIDE_WINDOW},
        "timestamp not a number": {"headers": {"X-Slack-Request-Timestamp": "soon"}},
        "signature of another body": {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}},
    }
    rows = world.rows()
    calls = len(world.fake.calls)
    statuses = {}
    for name, kwargs in forgeries.items():
        for kind, body, content_type in bodies:
            statuses[(name, kind)] = send(world.bot.url, body, content_type=content_type, **kwargs).status
    settled(world.bot)  # a forgery let through would have changed rows or called Slack by now
    answered = sorted({s for s in statuses.values()})
    record(
        Check(
            "6",
            "forged, wrong-secret, replayed (> 5 min) and future-dated requests",
            sent=len(statuses),
            expected="all 401, nothing stored, nothing sent to Slack",
            observed=f"answers {answered}; rows changed: {world.rows() != rows}; "
            f"Slack calls: {len(world.fake.calls) - calls}",
        )
    )
    assert set(statuses.values()) == {401}, {k: v for k, v in statuses.items() if v != 401}
    assert world.rows() == rows
    assert len(world.fake.calls) == calls


# -- role × action ------------------------------------------------------------------------------------


RESOLVE = {"report.resolve.reason": option("handled"), "report.resolve.note": text_input("削除を確認")}
COMMENT = {"report.comment.text": text_input("市政情報課で確認します")}
CORRECTION = {"report.correction.url": text_input("https://x.com/soja_city/status/42")}
COMMITTEE = {"report.committee.measures": text_input("停止"), "report.committee.progress": text_input("調査中")}

ACTIONS = [
    Action("report: 受領 ack", False, case_places("ack")),
    Action("report: 対応中 in_progress", False, case_places("in_progress"), quick=False),
    Action("report: 解決 resolve", False, case_places("resolve"), quick=False),
    Action("report: resolve modal", True, case_places("resolve", modal="report.resolve.submit", values=RESOLVE)),
    Action("report: comment", False, case_places("comment"), quick=False),
    Action(
        "report: comment modal",
        True,
        case_places("comment.submit", modal="report.comment.submit", values=COMMENT),
        quick=False,
    ),
    Action("report: checklist", False, case_places("checklist", item="facts_checked"), quick=False),
    Action(
        "report: correction modal",
        True,
        case_places(
            "checklist", kind="mistake", item="correction_posted", modal="report.correction.submit", values=CORRECTION
        ),
        quick=False,
    ),
    Action("report: notify_officer", False, case_places("notify_officer", kind="violation")),
    Action(
        "report: report_committee", False, case_places("report_committee", kind="violation", notified=True), quick=False
    ),
    Action(
        "report: committee modal",
        True,
        case_places(
            "committee.submit", kind="violation", notified=True, modal="report.committee.submit", values=COMMITTEE
        ),
    ),
    Action("draft: 承認 approve", False, draft_places("draft.decision.approve")),
    Action("draft: 差戻し return", False, draft_places("draft.decision.return"), quick=False),
    Action("draft: 却下 reject", False, draft_places("draft.decision.reject"), quick=False),
    Action(
        "draft: decision comment modal",
        True,
        draft_places("", modal="draft.comment.submit", answer="return"),
        quick=False,
    ),
    Action("draft: review 確認OK", False, draft_places("draft.review.ok", kind="announcement")),
    Action("draft: review 指摘あり", False, draft_places("draft.review.issue", kind="announcement"), quick=False),
    Action("draft: 修正して再提出 revise", False, draft_places("draft.revise", returned=True, author_only=True)),
    Action("draft: 投稿しました published", False, draft_places("draft.published", approved=True, author_only=True)),
    Action(
        "draft: published modal",
        True,
        draft_places("", modal="draft.published.submit", approved=True, author_only=True),
        quick=False,
    ),
    Action("application: head 申請する", False, application_places("application.head.apply")),
    Action("application: head 差し戻す", False, application_places("application.head.return"), quick=False),
    Action("application: 承認 approve", False, application_places("application.decision.approve", office=True)),
    Action(
        "application: 差戻し return", False, application_places("application.decision.return", office=True), quick=False
    ),
    Action(
        "application: 却下 reject", False, application_places("application.decision.reject", office=True), quick=False
    ),
    Action(
        "application: comment modal",
        True,
        application_places("", office=True, modal="application.comment.submit"),
        quick=False,
    ),
    Action("account: password changed", False, account_places("account.password.changed")),
    Action("account: password snooze", False, account_places("account.password.snooze"), quick=False),
    Action("account: review (button)", False, account_places("account.review.open", managers_too=False)),
    Action(
        "account: review modal",
        True,
        account_places("", modal="account.review.submit", managers_too=False),
        quick=False,
    ),
    Action("account: withdraw modal", True, account_places("", modal="account.withdraw.submit", managers_too=False)),
    Action(
        "account: withdrawal announced",
        False,
        account_places("account.withdrawal.announced", state=AccountState.WITHDRAWING, task="announced_in_account"),
        quick=False,
    ),
    Action("account: deleted", False, account_places("account.withdrawal.deleted", state=AccountState.WITHDRAWING)),
    Action("account: register modal", True, register_places, quick=False),
]


def _params() -> Iterator[Any]:
    for action in ACTIONS:
        marks = [] if action.quick else [pytest.mark.reliability_long]
        yield pytest.param(action, marks=marks, id=action.name)


@pytest.mark.parametrize("action", list(_params()))
def test_every_role_on_every_place_of_the_action(world: World, action: Action) -> None:
    every_role(world, action.name, action.places(world), ROLES, action.modal)
