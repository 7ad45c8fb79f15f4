"""Security after a 人事異動 (app.yaml reloaded with objects open) and for 代決: authority follows the role at
the moment of the action, checked with the role × action table of tests/reliability/roles.py."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from storage.models import AccountState, Case
from tests.reliability.drive import World, case_value, dm
from tests.reliability.faults import FaultySlack
from tests.reliability.forms import unique
from tests.reliability.roles import COPY_CODES, OTHER_HEAD, OTHER_STAFF, Place, click, every_role
from tests.reliability.world import DEPUTY, HEAD, PUBINFO, STAFF1, STAFF2, UNPACED, write_config
from tests.support.bot import APP_YAML, running_bot
from tests.support.clock import FrozenClock
from tests.support.slack_requests import slash_command

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
        request = partial(click, world, f"report.case.{action}", case_value(case_id, copy_id), world.where(outbox_id))
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
    every_role(world, f"人事異動 report: {action}", places, APRIL_ROLES, modal=False)


@pytest.mark.parametrize("action", DRAFT_ACTIONS)
def test_after_april_a_pending_draft_is_decided_by_the_steps_approvers_of_now(april: April, action: str) -> None:
    world = april.world
    draft_id = april.drafts[action]
    requests = world.requests(draft_id)
    assert NEW_HEAD in requests  # offered to the new head, though 観光 次郎 (also chosen) stayed
    places = []
    for owner in (HEAD, DEPUTY, NEW_HEAD):
        request_id, where, _ = requests[owner]
        request = partial(click, world, action, world.draft_value(draft_id, request_id), where)
        allowed = partial(operator.eq, owner) if owner != HEAD else (lambda _user: False)
        code = {HEAD: "HD(old)", DEPUTY: "AP", NEW_HEAD: "HD(new)"}[owner]
        places.append(Place(code, request, allowed, partial(world.draft_state, draft_id)))
    every_role(world, f"人事異動 {action}", places, APRIL_ROLES, modal=False)


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
    every_role(world, f"人事異動 {action}", [place], APRIL_ROLES, modal=False)


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
        request = partial(click, world, action, world.draft_value(draft_id, request_id), where)
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
        every_role(world, f"代決 {action}, approvers away", places, DAIKETSU_ROLES, modal=False)
        _absent(world, DEPUTY, "off")
        places = draft_places_with_deputy(world, back, action, deputy_may=False)
        every_role(world, f"代決 {action}, an approver back", places, DAIKETSU_ROLES, modal=False)
    finally:
        for user in (NEW_HEAD, DEPUTY):
            _absent(world, user, "off")
