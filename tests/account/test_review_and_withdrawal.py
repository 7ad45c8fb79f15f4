"""The effectiveness review and the withdrawal that may follow it, down to the deletion."""

from __future__ import annotations

import json
from datetime import date

from playground.slack_api import SlackStandIn
from storage.models import Account, AccountState
from tests.account.flow import HEAD, PUBINFO, STAFF1, account, dms, jst, press, seed_account, submit_review, sweep_at
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, delivered, posts, strings
from tests.support.slack_requests import interactive, send, view_submission


def test_the_review_goes_to_public_info_and_restarts_the_cycle(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1), reviewed=date(2026, 6, 1), interval=180)

    assert sweep_at(bot, clock, jst(2026, 11, 30, 9, 0)) == 1  # 2026-06-01 + 180 days = 2026-11-28 (Saturday)
    (asked,) = dms(fake_slack, HEAD, "効果の振り返りの時期です")
    assert "account.review.open" in json.dumps(asked.args)
    press(bot, fake_slack, "account.review.open", account_id, user_id=HEAD)
    fake_slack.wait_for("views.open")

    assert submit_review(bot, account_id, "continue", []).status == 200
    delivered(bot)

    (result,) = posts(fake_slack, "C0PUBLICINFO")
    assert "フォロワー数 1,200" in strings(result.args)
    assert account(bot).last_review_on == date(2026, 11, 30)
    assert sweep_at(bot, clock, jst(2026, 12, 7, 9, 0)) == 0


def test_only_the_head_or_public_info_reviews(bot: RunningBot) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))

    reply = submit_review(bot, account_id, "continue", [], user_id=STAFF1)

    assert reply.json()["response_action"] == "errors"
    assert "account.denied" in audit_actions(bot)


def test_withdrawal_with_notice_ends_in_a_deletion_reminder(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))

    assert submit_review(bot, account_id, "withdraw", ["purpose_achieved"]).status == 200
    delivered(bot)
    assert account(bot).state == "withdrawing"
    assert account(bot).withdrawal_notice_until == date(2026, 12, 26)  # withdrawal_notice_days: 30
    (notice,) = dms(fake_slack, STAFF1, "撤退が決まりました")
    tasks = "account.withdrawal.announced.announced_in_account", "account.withdrawal.announced.announced_on_site"
    assert all(task in json.dumps(notice.args) for task in tasks)  # one id per button: Slack refuses a shared one
    press(bot, fake_slack, tasks[1], account_id, user_id=STAFF1, task="announced_on_site")
    fake_slack.wait_for("response_url")
    assert account(bot).announced_on_site is True
    # A notice posted before one id per task carries the shared id; its value names the task.
    press(bot, fake_slack, "account.withdrawal.announced", account_id, user_id=STAFF1, task="announced_in_account")
    fake_slack.wait_for("response_url", count=2)
    assert account(bot).announced_in_account is True

    assert sweep_at(bot, clock, jst(2026, 12, 25, 9, 0)) == 0
    assert sweep_at(bot, clock, jst(2027, 1, 4, 8, 30)) == 1  # 12-26 is a Saturday, then the year-end closure
    (reminder,) = dms(fake_slack, STAFF1, "アカウントを削除し")
    assert "account.withdrawal.deleted" in json.dumps(reminder.args)

    press(bot, fake_slack, "account.withdrawal.deleted", account_id, user_id=STAFF1, name="deleted")
    fake_slack.wait_for("response_url", where=lambda c: c.args["response_url"].endswith("deleted"))
    assert (account(bot).state, account(bot).deleted_on) == ("deleted", date(2027, 1, 4))
    assert sweep_at(bot, clock, jst(2027, 1, 5, 9, 0)) == 0
    assert "account.deleted" in audit_actions(bot)


def test_a_typed_account_name_is_shown_as_text_not_as_a_link_in_the_replies(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    forged = "<http://evil.example|公式: パスワード変更はこちら>"
    account_id = seed_account(bot, changed=date(2026, 8, 30), name=forged)

    press(bot, fake_slack, "account.password.changed", account_id, user_id=STAFF1, name="changed")
    with bot.service.runtime.sessions.begin() as session:
        session.get(Account, account_id).state = AccountState.WITHDRAWING
    press(bot, fake_slack, "account.withdrawal.deleted", account_id, user_id=STAFF1, name="deleted")

    replies = [fake_slack.wait_for("response_url", where=lambda c, n=n: c.args["response_url"].endswith(n))[0]
               for n in ("changed", "deleted")]  # fmt: skip
    for reply in replies:
        assert "&lt;http://evil.example|公式: パスワード変更はこちら&gt;" in reply.args["text"]
        assert "<http" not in reply.args["text"]


def test_an_immediate_withdrawal_asks_for_deletion_at_once_and_only_once(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))
    values = {
        "account.withdraw.account": {"type": "static_select", "selected_option": {"value": str(account_id)}},
        "account.review.criteria": {"type": "checkboxes", "selected_options": [{"value": "security"}]},
        "account.withdraw.mode": {"type": "radio_buttons", "selected_option": {"value": "immediate"}},
    }
    payload = view_submission("account.withdraw.submit", user_id=PUBINFO,
                              values={b: {b: e} for b, e in values.items()})  # fmt: skip

    assert send(bot.url, interactive(as_opened(bot, payload))).status == 200
    delivered(bot)

    assert len(dms(fake_slack, STAFF1, "直ちに削除")) == 1
    assert sweep_at(bot, clock, jst(2026, 11, 26, 10, 0)) == 0
