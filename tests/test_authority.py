"""Authority follows the role at the moment of the action: the rules, checked directly against a
directory (no Slack, no database). The end-to-end paths are in test_april.py and test_report.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from bot.config import Config
from bot.directory import Directory
from handlers.report.service.authority import may_act
from storage.models import Audience, Case, CaseCopy
from tests.support.bot import APP_YAML

HEAD, NEW_HEAD, OTHER_HEAD, STAFF = "U0HEADKANKO", "U0NEWHEAD", "U0HEADKIKAKU", "U0STAFF2"


def directory(change: Callable[[dict[str, Any]], None] = lambda _: None) -> Directory:
    """app.yaml with a second department (企画課), after ``change``."""
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": OTHER_HEAD, "members": []})
    change(config)
    return Directory(Config.model_validate(config))


def moved(config: dict[str, Any]) -> None:
    """April: 観光 一郎 becomes head of 企画課; 観光プロモーション課 gets a new head."""
    kanko, kikaku = config["departments"]
    kanko["head"], kanko["approvers"] = NEW_HEAD, [NEW_HEAD]
    kikaku["head"] = HEAD


def head_copy(target: str = HEAD, department: str | None = "kanko") -> tuple[Case, CaseCopy]:
    copy = CaseCopy(id=1, audience=Audience.HEAD, target=target, name="観光 一郎", department_id=department)
    return Case(department_id="kanko", copies=[copy]), copy


ACTIONS = ("acknowledge", "in_progress", "resolve", "checklist")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_head_acts_on_their_copy_while_heading_the_cases_department(action: str) -> None:
    case, copy = head_copy()
    assert may_act(directory(), case, copy, HEAD, action, in_channel=True)


@pytest.mark.parametrize("action", [*ACTIONS, "notify_officer"])
def test_a_head_moved_to_another_department_no_longer_acts_on_the_old_copy(action: str) -> None:
    case, copy = head_copy()
    # Still a head (of 企画課), but no longer of the case's department: the old DM copy is dead.
    assert not may_act(directory(moved), case, copy, HEAD, action, in_channel=True)


def test_a_head_of_another_department_never_acts_on_a_heads_copy_not_theirs() -> None:
    case, copy = head_copy()
    assert not may_act(directory(), case, copy, OTHER_HEAD, "resolve", in_channel=True)
    assert not may_act(directory(), case, copy, OTHER_HEAD, "notify_officer", in_channel=True)


def test_a_copy_handed_over_gives_no_authority_even_to_whoever_heads_the_department() -> None:
    case, copy = head_copy()
    copy.handed_to = "新任 課長"
    assert not may_act(directory(), case, copy, HEAD, "acknowledge", in_channel=True)


def test_a_widened_heads_copy_follows_the_department_it_was_sent_for() -> None:
    # The head of a reporter's department (a widened case) acts while heading that department.
    case, copy = head_copy(OTHER_HEAD, "kikaku")
    assert may_act(directory(), case, copy, OTHER_HEAD, "acknowledge", in_channel=True)
    assert not may_act(directory(moved), case, copy, OTHER_HEAD, "acknowledge", in_channel=True)


def office_copy(audience: Audience = Audience.SECRETARIAT) -> tuple[Case, CaseCopy]:
    copy = CaseCopy(id=2, audience=audience, target="C0SECRETARIAT", name="秘書室")
    return Case(department_id="kanko", copies=[copy]), copy


def test_an_office_without_a_member_list_acts_only_by_a_click_in_its_channel() -> None:
    case, copy = office_copy()
    assert may_act(directory(), case, copy, STAFF, "acknowledge", in_channel=True)
    # From a modal or App Home nothing says the user sees the channel: the role alone decides.
    assert not may_act(directory(), case, copy, STAFF, "acknowledge", in_channel=False)


def test_an_office_member_acts_while_in_the_office_and_not_after_leaving_it() -> None:
    def listed(config: dict[str, Any]) -> None:
        config["offices"]["secretariat"]["members"] = [STAFF]

    def removed(config: dict[str, Any]) -> None:
        config["offices"]["secretariat"]["members"] = ["U0SOMEONEELSE"]

    case, copy = office_copy()
    assert may_act(directory(listed), case, copy, STAFF, "resolve", in_channel=False)
    assert not may_act(directory(removed), case, copy, STAFF, "resolve", in_channel=True)


def test_public_info_and_the_officer_act_only_while_in_their_office() -> None:
    def replaced(config: dict[str, Any]) -> None:
        config["offices"]["public_info"]["members"] = ["U0PUBINFO2"]
        config["offices"]["security_officer"]["members"] = ["U0SECOFFICER2"]

    case, copy = office_copy(Audience.PUBLIC_INFO)
    for user in ("U0PUBINFO1", "U0SECOFFICER"):
        assert may_act(directory(), case, copy, user, "resolve", in_channel=False)
        assert not may_act(directory(replaced), case, copy, user, "resolve", in_channel=True)
