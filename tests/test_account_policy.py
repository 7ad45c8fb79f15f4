"""The 公開用運用ポリシー reminder (4(4)③) end to end, through signed HTTP and the fake Slack: the reminder's
「URLを登録」 opens a modal whose submission records the URL, audited and told to 市政情報課; anyone who is not
the account's manager, head or 市政情報課 is refused and audited. The rules themselves: test_account_reminders.py."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Account, AccountState
from tests.account.flow import STAFF1, STAFF2, account, dms, jst, press, seed_account, sweep_at
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, delivered, posts, strings
from tests.support.slack_requests import Reply, interactive, send, view_submission

OUTSIDER = "U0NOBODY"
POLICY = "https://www.city.soja.okayama.jp/sns/kanko"


def submit_policy(bot: RunningBot, account_id: int, url: str, *, user_id: str = STAFF1) -> Reply:
    values = {"account.policy.url": {"account.policy.url": {"type": "plain_text_input", "value": url}}}
    payload = view_submission("account.policy.submit", user_id=user_id, values=values)
    payload["view"]["private_metadata"] = json.dumps({"v": 1, "account_id": account_id, "task": None})
    return send(bot.url, interactive(as_opened(bot, payload)))


def errors(reply: Reply) -> dict[str, Any]:
    answer = reply.json()
    assert answer["response_action"] == "errors"
    return answer["errors"]


def test_the_reminders_button_records_the_policy_url(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1), policy=None)  # imported 2026-01-01 without one

    assert sweep_at(bot, clock, jst(2026, 11, 26, 9, 30)) == 1
    (asked,) = dms(fake_slack, STAFF1, "公開用運用ポリシー")
    assert len(dms(fake_slack, STAFF2, "公開用運用ポリシー")) == 1
    assert "account.policy.open" in json.dumps(asked.args)
    press(bot, fake_slack, "account.policy.open", account_id, user_id=STAFF1)
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "account.policy.submit"

    assert errors(submit_policy(bot, account_id, "ホームページに掲載")) == {
        "account.policy.url": t("account.error.url.invalid")
    }
    recorded = submit_policy(bot, account_id, POLICY)

    assert recorded.json()["response_action"] == "update"
    assert account(bot).public_policy_url == POLICY
    assert "account.policy_recorded" in audit_actions(bot)
    delivered(bot)
    (notice,) = [p for p in posts(fake_slack, "C0PUBLICINFO") if "公開用運用ポリシー" in strings(p.args)]
    assert POLICY in strings(notice.args)
    assert sweep_at(bot, clock, jst(2026, 12, 10, 9, 30)) == 0  # the next due date passes quietly


def test_someone_else_is_refused_and_audited(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1), policy=None)

    press(bot, fake_slack, "account.policy.open", account_id, user_id=OUTSIDER)
    (refused,) = fake_slack.wait_for("response_url")
    assert t("account.denied") in strings(refused.args)
    assert errors(submit_policy(bot, account_id, POLICY, user_id=OUTSIDER)) == {
        "account.policy.url": t("account.denied")
    }

    assert account(bot).public_policy_url is None
    assert audit_actions(bot).count("account.denied") == 2
    assert fake_slack.calls_to("views.open") == []


def test_an_account_withdrawn_since_the_reminder_needs_no_policy(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1), policy=None)
    assert sweep_at(bot, clock, jst(2026, 11, 26, 9, 30)) == 1
    with bot.service.runtime.sessions.begin() as session:  # withdrawn after the reminder went out
        session.get(Account, account_id).state = AccountState.WITHDRAWING

    press(bot, fake_slack, "account.policy.open", account_id, user_id=STAFF1)
    (told,) = fake_slack.wait_for("response_url")
    assert t("account.policy.not_active") in strings(told.args)
    assert errors(submit_policy(bot, account_id, POLICY)) == {"account.policy.url": t("account.policy.not_active")}

    assert account(bot).public_policy_url is None
    assert "account.policy_recorded" not in audit_actions(bot)
    assert fake_slack.calls_to("views.open") == []


def test_the_same_page_pasted_differently_is_no_change(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1), policy=POLICY)

    again = submit_policy(bot, account_id, POLICY.replace("https://www.", "http://") + "?fbclid=abc")

    assert again.json()["response_action"] == "update"
    assert account(bot).public_policy_url == POLICY
    assert "account.policy_recorded" not in audit_actions(bot)
    delivered(bot)
    assert not [p for p in posts(fake_slack, "C0PUBLICINFO") if "公開用運用ポリシー" in strings(p.args)]
