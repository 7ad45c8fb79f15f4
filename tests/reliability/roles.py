"""The role × action check of the security scenarios: where an action is pressed, by whom, and what the
rules (restated here from each feature's service, independently of the code) allow; shared by
tests/reliability/test_security*.py."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml

from bot.catalog import t
from storage.models import AccountState, Application, ApplicationStatus
from tests.reliability.drive import Where, World, case_value, dm
from tests.reliability.faults import FaultySlack
from tests.reliability.forms import register_values, review_values, text_input, withdraw_values
from tests.reliability.rows import Check, cell, record
from tests.reliability.world import DEPUTY, HEAD, NOBODY, OFFICER, PUBINFO, STAFF1, STAFF2, UNPACED, write_config
from tests.support.bot import APP_YAML, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import settled, strings

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


@contextmanager
def security_world(directory: Path) -> Iterator[World]:
    """The sample app.yaml unpaced, with a second department (企画課), served against a faulty Slack."""
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


def click(world: World, action: str, value: str, where: Where, user: str) -> str:
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
                request = partial(click, world, f"report.case.{action}", value, where)
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
                request = partial(click, world, action, world.draft_value(draft_id, request_id), where)
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
            request = partial(click, world, action, world.application_value(application_id), world.where(message))
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


def every_role(world: World, name: str, places: list[Place], roles: dict[str, str], modal: bool) -> None:
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
