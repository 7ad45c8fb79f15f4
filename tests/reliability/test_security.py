"""Scenario 6: security. Forged, wrong-secret and replayed requests; every button and modal against every role;
mentions typed into every free-text field.

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

import json
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml
from sqlalchemy import func, select

from bot.catalog import t
from storage.models import AccountState, Application, ApplicationStatus, Case, Draft
from tests.reliability.drive import (
    Where,
    World,
    case_value,
    dm,
    option,
    page_one,
    page_two,
    register_values,
    review_values,
    text_input,
    unique,
    withdraw_values,
)
from tests.reliability.faults import FaultySlack
from tests.reliability.rows import Check, cell, record
from tests.reliability.world import DEPUTY, HEAD, NOBODY, OFFICER, PUBINFO, STAFF1, STAFF2, UNPACED, write_config
from tests.support.bot import APP_YAML, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import settled, strings
from tests.support.slack_requests import (
    OUTSIDE_WINDOW,
    block_action,
    event_callback,
    interactive,
    send,
    slash_command,
)
from tests.support.slack_requests import view_submission as submission

OTHER_STAFF, OTHER_HEAD = "U0STAFFKIKAKU", "U0HEADKIKAKU"
ROLES: dict[str, str] = {
    "staff": STAFF1,  # 観光プロモーション課's member: the drafts' author, the accounts' manager
    "other dept.": OTHER_STAFF,
    "head": HEAD,
    "approver": DEPUTY,
    "市政情報課": PUBINFO,
    "security officer": OFFICER,
    "not in app.yaml": NOBODY,
}
DENIALS = {
    t("report.denied"),
    t("draft.denied"),
    t("draft.error.approvers_back"),
    t("draft.error.not_revisable"),
    t("application.denied"),
    t("account.denied"),
}
# Where a button appears: a case's copies by audience, and the DMs of drafts and applications.
COPY_CODES = {
    "public_info": "PI",
    "head": "HD",
    "secretariat": "SE",
    "general_affairs": "GA",
    "reporter": "RP",
    "security_officer": "SO",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("security")
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": OTHER_HEAD, "members": [OTHER_STAFF]})
    config["people"].update({OTHER_HEAD: "企画 一郎", OTHER_STAFF: "企画 花子"})
    path = write_config(directory, delivery=UNPACED, departments=config["departments"], people=config["people"])
    clock = FrozenClock()
    with (
        FaultySlack() as fake,
        running_bot(fake, f"sqlite:///{directory / 'bot.db'}", config_path=path, clock=clock) as bot,
    ):
        yield World(bot, fake, clock)


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


@dataclass
class Place:
    """Where an action is pressed, and how to press it as someone."""

    code: str
    request: Callable[[str], str]  # user -> signed-later body
    allowed: Callable[[str], bool]  # the rules: may this user act here?
    state: Callable[[], Any]
    fresh: bool = False  # a new object for every press (the first allowed press would change what follows)


@dataclass
class Attempt:
    role: str
    place: str
    expected: bool
    audited: bool = False
    changed: bool = False
    errors: bool = False  # a modal's answer: response_action errors
    response_url: str | None = None
    told: bool = False
    status: int = 0


@dataclass(frozen=True)
class Action:
    name: str
    modal: bool
    places: Callable[[World], list[Place]]
    quick: bool = True


def may_act_on_case(user: str, action: str, audience: str, by_role: bool = False) -> bool:
    """report.service.may_act, restated: 委員会 reports by the officer, comments by 市政情報課; otherwise
    市政情報課 and the officer anywhere, the head on the head's copy (and notifying the officer), and anyone on
    an office channel whose app.yaml entry lists no members (秘書室, 総務課) by a click in that channel, not
    ``by_role`` (a modal's submission, or a button that opens one: judged by role alone)."""
    if action in ("report_committee", "committee.submit"):
        return user == OFFICER
    if action in ("comment", "comment.submit"):
        return user == PUBINFO
    if user in (PUBINFO, OFFICER):
        return True
    if action == "notify_officer":
        return user == HEAD
    if audience in ("secretariat", "general_affairs"):
        return not by_role
    return audience == "head" and user == HEAD


def _click(world: World, action: str, value: str, where: Where, user: str) -> str:
    return world.click_body(action, value, user=user, where=where)


def _submit(world: World, callback: str, values: dict[str, Any], metadata: str, user: str) -> str:
    return world.view_body(callback, values, user=user, metadata=metadata)


def case_places(
    action: str,
    *,
    kind: str = "flame",
    modal: str | None = None,
    values: dict[str, Any] | None = None,
    item: str | None = None,
    notified: bool = False,
) -> Callable[[World], list[Place]]:
    """Every copy of a fresh case (after the head notified the officer, when ``notified``)."""

    def places(world: World) -> list[Place]:
        case_id, copies = world.report(kind=kind, user=STAFF2)
        if notified:
            copies = world.notify_officer(case_id)
        found = []
        for audience, (copy_id, where, _) in copies.items():
            value = case_value(case_id, copy_id, item)
            if modal is None:
                request = partial(_click, world, f"report.case.{action}", value, where)
            else:
                request = partial(_submit, world, modal, values or {}, value)
            by_role = modal is not None or action == "resolve"  # 解決 opens a modal
            rule = partial(may_act_on_case, action=action, audience=audience, by_role=by_role)
            found.append(Place(COPY_CODES[audience], request, rule, partial(world.case_state, case_id)))
        return found

    return places


def draft_places(
    action: str,
    *,
    kind: str = "official_view",
    modal: str | None = None,
    answer: str | None = None,
    returned: bool = False,
    approved: bool = False,
    author_only: bool = False,
) -> Callable[[World], list[Place]]:
    """draft.service._checked, restated: only the person asked answers their own request, never the author;
    修正して再提出 and 投稿しました are the author's."""

    def places(world: World) -> list[Place]:
        draft_id = world.draft(kind=kind, reviewers=[HEAD, DEPUTY] if kind == "announcement" else [])
        if returned:
            world.decide(draft_id, DEPUTY, "draft.decision.return", comment="根拠を加えてください")
        if approved:
            world.decide(draft_id, DEPUTY, "draft.decision.approve")
        requests = world.requests(draft_id)
        found = []
        for owner in [STAFF1] if author_only else [HEAD, DEPUTY]:
            request_id, where, _ = requests[owner]
            if modal is None:
                request = partial(_click, world, action, world.draft_value(draft_id, request_id), where)
            elif author_only:
                values = {"draft.published.url": text_input("https://x.com/soja_kanko/status/9")}
                request = partial(_submit, world, modal, values, world.draft_value(draft_id))
            else:
                values = {"draft.comment.text": text_input("根拠を加えてください")}
                request = partial(_submit, world, modal, values, world.draft_value(draft_id, request_id, answer))
            code = {STAFF1: "AU", HEAD: "HD", DEPUTY: "AP"}[owner]
            found.append(Place(code, request, partial(operator.eq, owner), partial(world.draft_state, draft_id)))
        return found

    return places


def application_places(
    action: str, *, office: bool = False, modal: str | None = None
) -> Callable[[World], list[Place]]:
    """application.service._checked, restated: the head applies or returns; only 市政情報課 members who neither
    filled it in nor applied decide."""

    def places(world: World) -> list[Place]:
        application_id = world.application(user=STAFF1)
        message = world.get(Application, application_id).head_message_id
        if office:
            world.head_applies(application_id)
            message = world.get(Application, application_id).office_message_id
        if modal is None:
            request = partial(_click, world, action, world.application_value(application_id), world.where(message))
        else:
            values = {"application.comment.text": text_input("目的を具体的に")}
            request = partial(_submit, world, modal, values, world.application_value(application_id, "return"))
        rule = partial(operator.eq, PUBINFO if office else HEAD)
        return [Place("PI" if office else "HD", request, rule, partial(world.application_state, application_id))]

    return places


def account_places(
    action: str,
    *,
    modal: str | None = None,
    managers_too: bool = True,
    state: AccountState = AccountState.ACTIVE,
    task: str | None = None,
) -> Callable[..., list[Place]]:
    """account.service.may_act, restated: 市政情報課 may do all; the managers and the head look after the password and
    the withdrawal's tasks; only the head reviews and withdraws."""

    def places(world: World) -> list[Place]:
        ids: list[int] = []

        def request(user: str) -> str:
            account_id = world.account(state=state)  # a fresh account for every press
            ids.append(account_id)
            if modal is None:
                return world.click_body(action, world.account_value(account_id, task), user=user, where=dm(user))
            values = review_values() if modal == "account.review.submit" else withdraw_values(account_id)
            return world.view_body(modal, values, user=user, metadata=world.account_value(account_id))

        def allowed(user: str) -> bool:
            return user in (PUBINFO, HEAD) or (managers_too and user in (STAFF1, STAFF2))

        return [Place("DM", request, allowed, lambda: world.account_state(ids[-1]) if ids else None, fresh=True)]

    return places


def register_places(world: World) -> list[Place]:
    """account.service._may_register, restated: the department's head and members, and 市政情報課."""

    def request(user: str) -> str:
        application_id = world.application(status=ApplicationStatus.APPROVED)
        return world.view_body("account.register.submit", register_values(application_id), user=user)

    return [Place("modal", request, lambda user: user in (HEAD, STAFF1, STAFF2, PUBINFO), lambda: None, fresh=True)]


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


def _press(world: World, place: Place, role: str, user: str, modal: bool) -> Attempt:
    body = place.request(user)
    attempt = Attempt(role, place.code, place.allowed(user))
    if not modal:
        attempt.response_url = json.loads(parse_qs(body)["payload"][0])["response_url"]
    before, rows, audit_from = place.state(), world.rows(), world.last_audit_id()
    reply = world.post(body)
    attempt.status = reply.status
    world.settle()
    attempt.audited = any(e.action.endswith(".denied") for e in world.audit_since(audit_from))
    attempt.changed = place.state() != before or world.rows() != rows
    if modal and reply.status == 200 and reply.body:
        attempt.errors = reply.json().get("response_action") == "errors"
    return attempt


@pytest.mark.parametrize("action", list(_params()))
def test_every_role_on_every_place_of_the_action(world: World, action: Action) -> None:
    _every_role(world, action.name, action.places(world), ROLES, action.modal)


def _every_role(world: World, name: str, places: list[Place], roles: dict[str, str], modal: bool) -> None:
    attempts: list[Attempt] = []
    for place in places:
        # Everyone the rules refuse first, so that an allowed press has not changed what they would meet.
        order = sorted(roles.items(), key=lambda item: place.allowed(item[1]))
        for role, user in order:
            attempts.append(_press(world, place, role, user, modal))
    settled(world.bot)  # ephemeral answers are posted after the ack
    answered = {c.args.get("response_url"): strings_of(c) for c in world.fake.calls_to("response_url")}
    for attempt in attempts:
        attempt.told = attempt.errors or any(d in answered.get(attempt.response_url, "") for d in DENIALS)
    mismatches, violations = [], []
    gaps: dict[str, set[str]] = {role: set() for role in roles}  # what a role's refusals lacked
    for a in attempts:
        refused = a.audited or a.told or a.status >= 400
        if refused == a.expected:
            mismatches.append(f"{a.role}@{a.place}: {'refused' if refused else 'allowed'}")
        missing = [
            w
            for w, ok in (
                ("not told", a.told),
                ("not audited", a.audited),
                ("changed", not a.changed),
                (f"HTTP {a.status}", a.status < 400),
            )
            if not ok
        ]
        if refused and missing:
            violations.append(f"{a.role}@{a.place}: {', '.join(missing)}")
            gaps[a.role].update(missing)
    single = len({a.place for a in attempts}) == 1
    for role in roles:
        mine = [a for a in attempts if a.role == role]
        expected = sorted(a.place for a in mine if a.expected)
        seen = sorted(a.place for a in mine if not (a.audited or a.told or a.status >= 400))
        refusals = f" (refusals: {', '.join(sorted(gaps[role]))})" if gaps[role] else ""
        cell(name, role, _cell(expected, single), _cell(seen, single) + refusals)
    record(
        Check(
            "6",
            f"role × action: {name}",
            sent=len(attempts),
            expected="refused exactly where the rules refuse; each refusal told, audited, changing nothing",
            observed=f"{len(attempts) - len(mismatches)}/{len(attempts)} as the rules say"
            + (f"; differs: {', '.join(mismatches)}" if mismatches else "")
            + (f"; refusals incomplete: {', '.join(violations)}" if violations else ""),
        )
    )
    assert (mismatches, violations) == ([], [])


def _cell(places: list[str], single: bool) -> str:
    if not places:
        return "✗"
    return "✓" if single else "✓ " + " ".join(places)


def strings_of(call: Any) -> str:
    return strings(call.args)


# -- 人事異動: authority follows the role at the moment of the action -----------------------------------

NEW_HEAD, OFFICE_OLD, OFFICE_NEW, DAIKETSU = "U0NEWHEAD", "U0OFFICEOLD", "U0OFFICENEW", "U0DAIKETSU"
# After April: 観光 一郎 heads 企画課, a new head heads 観光プロモーション課, 吉備 さくら (a manager of the
# accounts) left, and 秘書室 and 総務課 list a new member instead of the old one.
APRIL_ROLES: dict[str, str] = {
    "old head (now of 企画課)": HEAD,
    "new head": NEW_HEAD,
    "head of another dept.": OTHER_HEAD,
    "approver": DEPUTY,
    "office member removed": OFFICE_OLD,
    "office member": OFFICE_NEW,
    "manager who left": STAFF2,
    "manager": STAFF1,
    "市政情報課": PUBINFO,
}
CASE_ACTIONS = {"ack": "acknowledge", "in_progress": "in_progress", "resolve": "resolve"}
DRAFT_ACTIONS = ("draft.decision.approve", "draft.decision.reject")
ACCOUNT_ACTIONS = ("account.password.changed", "account.withdrawal.deleted")


def _directory(head: str, office: str, *, april: bool) -> dict[str, Any]:
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    kanko = config["departments"][0]
    kanko.update(head=head, approvers=[head, DEPUTY], deputies=[DAIKETSU])
    if april:
        kanko["members"] = [STAFF1]
    config["departments"].append({"id": "zaisei", "name": "財政課", "head": OTHER_HEAD, "members": [OTHER_STAFF]})
    if april:
        config["departments"].append({"id": "kikaku", "name": "企画課", "head": HEAD, "members": []})
    for name in ("secretariat", "general_affairs"):
        config["offices"][name]["members"] = [office]
    config["people"].update(
        {NEW_HEAD: "新任 課長", OTHER_HEAD: "財政 一郎", OTHER_STAFF: "財政 花子", DAIKETSU: "代決 三郎"}
    )
    return config


@dataclass
class April:
    world: World
    path: Path
    cases: dict[str, int]
    drafts: dict[str, int]


@pytest.fixture(scope="module")
def april(tmp_path_factory: pytest.TempPathFactory) -> Iterator[April]:
    """A world where cases (acknowledged by the old head, but the one to acknowledge) and drafts (chosen
    approvers: the old head and 観光 次郎) were open when app.yaml changed."""
    directory: Path = tmp_path_factory.mktemp("april")
    before = _directory(HEAD, OFFICE_OLD, april=False)
    path = write_config(directory, delivery=UNPACED, **{k: before[k] for k in ("departments", "offices", "people")})
    clock = FrozenClock()
    with (
        FaultySlack() as fake,
        running_bot(fake, f"sqlite:///{directory / 'bot.db'}", config_path=path, clock=clock) as bot,
    ):
        world = World(bot, fake, clock)
        cases = {}
        for action in CASE_ACTIONS:
            case_id, copies = world.report(user=STAFF1)
            if action != "ack":
                copy_id, where, _ = copies["head"]
                world.post(world.click_body("report.case.ack", case_value(case_id, copy_id), user=HEAD, where=where))
            cases[action] = case_id
        drafts = {action: world.draft(approvers=[HEAD, DEPUTY]) for action in DRAFT_ACTIONS}
        world.settle()
        after = _directory(NEW_HEAD, OFFICE_NEW, april=True)
        write_config(directory, delivery=UNPACED, **{k: after[k] for k in ("departments", "offices", "people")})
        assert bot.service.runtime.config.reload()
        world.settle()
        yield April(world, path, cases, drafts)


def case_copies_after_april(world: World, case_id: int, action: str) -> list[Place]:
    """Every copy of the case, the old head's (handed over) and the new head's apart."""
    with world.bot.service.runtime.sessions() as session:
        rows = [(c.id, c.audience, c.target, c.outbox_id) for c in session.get(Case, case_id).copies]
    places = []
    for copy_id, audience, target, outbox_id in rows:
        code = COPY_CODES[audience] + ("(old)" if target == HEAD else "(new)" if target == NEW_HEAD else "")
        request = partial(_click, world, f"report.case.{action}", case_value(case_id, copy_id), world.where(outbox_id))
        rule = partial(may_act_after_april, audience=audience, target=target)
        places.append(Place(code, request, rule, partial(world.case_state, case_id)))
    return places


def may_act_after_april(user: str, audience: str, target: str) -> bool:
    """The same rules, after April: 市政情報課 anywhere; 秘書室's and 総務課's copies their members of now; a
    head's copy only its department's head of now (the new head's; the old head's copy was handed over)."""
    if user == PUBINFO:
        return True
    if audience in ("secretariat", "general_affairs"):
        return user == OFFICE_NEW
    return audience == "head" and target == NEW_HEAD and user == NEW_HEAD


@pytest.mark.parametrize("action", list(CASE_ACTIONS))
def test_after_april_only_the_roles_of_now_act_on_an_open_case(april: April, action: str) -> None:
    world = april.world
    places = case_copies_after_april(world, april.cases[action], action)
    assert {p.code for p in places} >= {"HD(old)", "HD(new)", "SE", "GA", "PI"}  # handed over, not lost
    _every_role(world, f"人事異動 report: {action}", places, APRIL_ROLES, modal=False)


@pytest.mark.parametrize("action", DRAFT_ACTIONS)
def test_after_april_a_pending_draft_is_decided_by_the_steps_approvers_of_now(april: April, action: str) -> None:
    world = april.world
    draft_id = april.drafts[action]
    requests = world.requests(draft_id)
    assert NEW_HEAD in requests  # offered to the new head, though 観光 次郎 (also chosen) stayed
    places = []
    for owner in (HEAD, DEPUTY, NEW_HEAD):
        request_id, where, _ = requests[owner]
        request = partial(_click, world, action, world.draft_value(draft_id, request_id), where)
        allowed = partial(operator.eq, owner) if owner != HEAD else (lambda _user: False)
        code = {HEAD: "HD(old)", DEPUTY: "AP", NEW_HEAD: "HD(new)"}[owner]
        places.append(Place(code, request, allowed, partial(world.draft_state, draft_id)))
    _every_role(world, f"人事異動 {action}", places, APRIL_ROLES, modal=False)


@pytest.mark.parametrize("action", ACCOUNT_ACTIONS)
def test_after_april_a_manager_who_left_loses_the_account_buttons(april: April, action: str) -> None:
    world = april.world
    state = AccountState.WITHDRAWING if action.endswith("deleted") else AccountState.ACTIVE
    ids: list[int] = []

    def request(user: str) -> str:
        ids.append(world.account(state=state))  # managers: 総社 太郎 and 吉備 さくら, who left
        return world.click_body(action, world.account_value(ids[-1]), user=user, where=dm(user))

    allowed = {PUBINFO, NEW_HEAD, STAFF1}.__contains__
    place = Place("DM", request, allowed, lambda: world.account_state(ids[-1]) if ids else None, fresh=True)
    _every_role(world, f"人事異動 {action}", [place], APRIL_ROLES, modal=False)


# -- 代決: a deputy decides only while every approver of the step is away ---------------------------------

DAIKETSU_ROLES = {"deputy": DAIKETSU, "head": NEW_HEAD, "approver": DEPUTY, "staff": STAFF1, "市政情報課": PUBINFO}


def _absent(world: World, user: str, *words: str) -> None:
    """/sns-draft absent …, waiting for its answer (given once the absence is stored)."""
    url = world.fake.response_url(f"absent-{unique()}")
    body = slash_command("/sns-draft", user_id=user, text=" ".join(["absent", *words]), response_url=url)
    assert world.post(body).status == 200
    world.fake.wait_for("response_url", where=lambda c: c.args["response_url"] == url)


def draft_places_with_deputy(world: World, draft_id: int, action: str, *, deputy_may: bool) -> list[Place]:
    requests = world.requests(draft_id)
    assert DAIKETSU in requests  # asked while both approvers were away
    places = []
    for owner, code in ((DAIKETSU, "DP"), (NEW_HEAD, "HD"), (DEPUTY, "AP")):
        request_id, where, _ = requests[owner]
        request = partial(_click, world, action, world.draft_value(draft_id, request_id), where)
        mine = partial(operator.eq, owner)
        allowed = mine if owner != DAIKETSU or deputy_may else (lambda _user: False)
        places.append(Place(code, request, allowed, partial(world.draft_state, draft_id)))
    return places


@pytest.mark.parametrize("action", DRAFT_ACTIONS)
def test_a_deputy_decides_while_the_approvers_are_away_and_not_once_one_is_back(april: April, action: str) -> None:
    world = april.world  # app.yaml of now: 観光プロモーション課's approvers are the new head and 観光 次郎
    for user in (NEW_HEAD, DEPUTY):
        _absent(world, user, "on")
    away, back = world.draft(approvers=[NEW_HEAD, DEPUTY]), world.draft(approvers=[NEW_HEAD, DEPUTY])
    try:
        places = draft_places_with_deputy(world, away, action, deputy_may=True)
        _every_role(world, f"代決 {action}, approvers away", places, DAIKETSU_ROLES, modal=False)
        _absent(world, DEPUTY, "off")
        places = draft_places_with_deputy(world, back, action, deputy_may=False)
        _every_role(world, f"代決 {action}, an approver back", places, DAIKETSU_ROLES, modal=False)
    finally:
        for user in (NEW_HEAD, DEPUTY):
            _absent(world, user, "off")


# -- mentions ----------------------------------------------------------------------------------------

PINGS = ("<!channel>", "<!here>", "<!everyone>", f"<@{PUBINFO}>", "<#C0GENERAL>", "<!subteam^S0TEAM>")
# Keys whose strings Slack never renders as mrkdwn: plain_text objects, inputs' values, buttons' metadata.
NOT_RENDERED = {
    "initial_value",
    "value",
    "private_metadata",
    "placeholder",
    "action_id",
    "block_id",
    "callback_id",
    "url",
    "response_url",
    "trigger_id",
    "errors",
    "token",
}


def typed(tag: int) -> str:
    return f"{' '.join(PINGS)} ⟦{tag}⟧"


def rendered(value: Any, key: str = "") -> Iterator[str]:
    """The strings of a payload that Slack renders as mrkdwn (message text, sections, fields, contexts)."""
    if key in NOT_RENDERED:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if value.get("type") == "plain_text":
            return
        for k, v in value.items():
            yield from rendered(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from rendered(v, key)


def _ping_fields(world: World) -> list[str]:
    """Types mentions into every free-text field of every feature; returns the fields' names (URL fields
    carry them in their query instead, and are named too)."""
    names: list[str] = []

    def name(field_name: str) -> str:
        names.append(field_name)
        return typed(len(names) - 1)

    def submit(callback: str, values: dict[str, Any], user: str, metadata: str = "") -> Any:
        reply = world.post(world.view_body(callback, values, user=user, metadata=metadata))
        assert reply.status == 200, reply.body
        answer = reply.json() if reply.body else {}
        assert answer.get("response_action") != "errors", answer
        return answer

    def command(command: str, text: str) -> None:
        request = slash_command(command, user_id=STAFF1, text=text, response_url=world.fake.response_url(command))
        assert world.post(request).status == 200

    now = int(world.clock.now().timestamp())
    # Reports: the form, 市政情報課's comment, the resolution note, a correction, the committee's report.
    urls = "https://example.com/a?q=<!channel>&r=<@U0PUBINFO1>"
    case_id, copies = world.report(summary=name("report summary"), account=name("report account"), urls=urls)
    names.append("report urls")
    copy = case_value(case_id, copies["public_info"][0])
    submit("report.comment.submit", {"report.comment.text": text_input(name("case comment"))}, PUBINFO, copy)
    resolution = {"report.resolve.reason": option("handled"), "report.resolve.note": text_input(name("resolution"))}
    submit("report.resolve.submit", resolution, PUBINFO, copy)
    mistake, copies = world.report(kind="mistake", summary="誤った情報の発信", urls=f"https://x.com/s/{now}")
    copy = case_value(mistake, copies["public_info"][0], "correction_posted")
    submit(
        "report.correction.submit", {"report.correction.url": text_input("https://x.com/fix?<!here>")}, PUBINFO, copy
    )
    names.append("correction url")
    violation, copies = world.report(kind="violation", summary=name("violation"), urls=f"https://x.com/v/{now}")
    copy = case_value(violation, world.notify_officer(violation)["security_officer"][0])
    measures = {
        "report.committee.measures": text_input(name("committee measures")),
        "report.committee.progress": text_input(name("committee progress")),
    }
    submit("report.committee.submit", measures, OFFICER, copy)
    # Drafts: every field of the modal, a return's comment, a peer check's issue, the published URL, the commands.
    values = world.draft_values(
        kind="official_view", approvers=[DEPUTY], text=name("draft text"), account=name("draft account")
    )
    values["draft.note"] = text_input(name("draft note"))
    values["draft.corrects"] = text_input("https://x.com/soja/status/1?<!channel>")
    values["draft.consent"] = {"type": "checkboxes", "selected_options": [{"value": "consented"}]}
    names.append("draft corrects url")
    submit("draft.submit", values, STAFF1)
    world.settle()
    with world.bot.service.runtime.sessions() as session:
        draft_id = session.scalar(select(func.max(Draft.id)))
    world.decide(draft_id, DEPUTY, "draft.decision.return", comment=name("draft return comment"))
    approved = world.draft(kind="official_view", approvers=[DEPUTY])
    world.decide(approved, DEPUTY, "draft.decision.approve")
    url = {"draft.published.url": text_input("https://x.com/soja/status/2?<!everyone>")}
    submit("draft.published.submit", url, STAFF1, world.draft_value(approved))
    names.append("published url")
    announcement = world.draft(kind="announcement", reviewers=[HEAD])
    request_id = world.requests(announcement)[HEAD][0]
    comment = {"draft.comment.text": text_input(name("review issue"))}
    submit("draft.comment.submit", comment, HEAD, world.draft_value(announcement, request_id, "issue"))
    command("/sns-check", name("/sns-check"))
    command("/sns-draft", "absent " + name("/sns-draft absent"))
    command("/sns-account", name("/sns-account"))
    # Applications: every text of both pages, then 市政情報課's return with its comment.
    first = page_one(**{k: name(f"application {k}") for k in ("purpose", "audience", "content", "setup")})
    metadata = submit("application.page1.submit", first, HEAD)["view"]["private_metadata"]
    texts = (
        "frequency",
        "method",
        "responses",
        "policy_place",
        "account_name",
        "account_info",
        "passwords",
        "risk_reason",
        "indicators",
    )
    submit("application.page2.submit", page_two(**{k: name(f"application {k}") for k in texts}), HEAD, metadata)
    world.settle()
    with world.bot.service.runtime.sessions() as session:
        application_id = session.scalar(select(func.max(Application.id)))
    comment = {"application.comment.text": text_input(name("application comment"))}
    submit("application.comment.submit", comment, PUBINFO, world.application_value(application_id, "return"))
    # Accounts: the register's texts and URLs, a review's indicators and note.
    register = register_values(
        world.application(status=ApplicationStatus.APPROVED),
        name=name("account name"),
        url="https://x.com/soja_<!here>",
        policy="https://www.city.soja.okayama.jp/?<!channel>",
    )
    submit("account.register.submit", register, HEAD)
    names += ["account url", "policy url"]
    review = review_values(note=name("review note"), indicators=name("review indicators"))
    submit("account.review.submit", review, HEAD, world.account_value(world.account()))
    world.settle()
    return names


@dataclass
class Typed:
    names: list[str]
    shown: list[tuple[str, str]]  # (where, text) of everything Slack renders
    sent: int

    def unescaped(self, where: Callable[[str, str], bool] = lambda _w, _t: True) -> list[str]:
        return sorted(
            {
                f"{w}: …{text[max(0, text.find(p) - 20) : text.find(p) + 40]}…"
                for w, text in self.shown
                for p in PINGS
                if p in text and where(w, text)
            }
        )


REGISTERED = t("account.register.done", name="@").split("@")[1]  # 「…を登録しました」, after the name


def _register_confirmation(where: str, text: str) -> bool:
    return where == "chat.postEphemeral" and REGISTERED in text


@pytest.fixture(scope="module")
def typed_everywhere(world: World) -> Typed:
    calls_from = len(world.fake.calls)
    replies: list[Any] = []
    original_post = world.post

    def recording_post(body: str, headers: dict[str, str] | None = None) -> Any:
        reply = original_post(body, headers)
        replies.append(reply)
        return reply

    world.post = recording_post  # type: ignore[method-assign]
    try:
        names = _ping_fields(world)
    finally:
        world.post = original_post  # type: ignore[method-assign]
    settled(world.bot)  # ephemeral answers are posted after the ack
    shown: list[tuple[str, str]] = []
    for call in world.fake.calls[calls_from:]:
        shown += [(call.method, text) for text in rendered(call.args)]
    for reply in replies:
        if reply.body[:1] == b"{":
            shown += [("HTTP answer", text) for text in rendered(reply.json())]
    return Typed(names, shown, len(replies))


def test_mentions_typed_into_every_free_text_field_never_reach_slack_unescaped(typed_everywhere: Typed) -> None:
    typed = typed_everywhere
    reached = [n for i, n in enumerate(typed.names) if any(f"⟦{i}⟧" in text for _, text in typed.shown)]
    unescaped = typed.unescaped(lambda w, text: not _register_confirmation(w, text))
    escaped = sum("&lt;!channel&gt;" in text for _, text in typed.shown)
    record(
        Check(
            "6",
            "mentions typed into every free-text field",
            sent=typed.sent,
            expected="every <!channel>, <!here>, <!everyone>, <@U…>, <#C…>, <!subteam^…> escaped where Slack renders",
            observed=f"{len(typed.names)} fields typed (URLs too), {len(reached)} shown in mrkdwn somewhere, "
            f"{escaped} rendered texts with &lt;!channel&gt;, {len(unescaped)} unescaped (besides the known one below)"
            + (f": {unescaped[:3]}" if unescaped else ""),
        )
    )
    assert unescaped == []
    assert len(reached) >= len(typed.names) // 2  # the check saw the fields' texts at all


def test_the_registration_confirmation_escapes_the_account_name(typed_everywhere: Typed) -> None:
    unescaped = typed_everywhere.unescaped(_register_confirmation)
    record(
        Check(
            "6",
            "mentions in the account name of /sns-account register",
            sent=1,
            expected="escaped in the ephemeral 「…を登録しました」",
            observed=f"{len(unescaped)} unescaped: {unescaped[:1]}" if unescaped else "escaped",
        )
    )
    assert unescaped == []
