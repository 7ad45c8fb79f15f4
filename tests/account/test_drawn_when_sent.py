"""Reminders and notices drawn when sent: the account as it is then, each copy once."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from bot.catalog import t
from handlers.account import jobs
from playground.slack_api import SlackStandIn
from storage.models import Account, OutboxMessage, OutboxMethod
from tests.account.flow import HEAD, PUBINFO, STAFF1, STAFF2, dms, jst, press, seed_account, submit_review, sweep_at
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import delivered, posts, strings


def rename(bot: RunningBot, account_id: int, name: str) -> None:
    with bot.service.runtime.sessions.begin() as session:
        session.get_one(Account, account_id).name = name


def test_a_reminder_says_what_was_due_at_the_sweep_with_the_accounts_name_as_it_is_when_sent(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 8, 27))  # due Wednesday 11-25: overdue from 12-02
    assert sweep_at(bot, clock, jst(2026, 12, 1, 8, 45)) == 1
    worker = bot.service.worker
    worker.stop()  # the notice to the head waits in the outbox three days
    clock.advance(seconds=(jst(2026, 12, 2, 9, 0) - clock.now()).total_seconds())
    assert jobs.sweep(bot.service.runtime) == 1
    clock.advance(days=3)
    rename(bot, account_id, "総社市観光（公式）")

    worker.drain()

    (told,) = dms(fake_slack, HEAD, "変更期限を")
    assert "7 日過ぎても" in strings(told.args)  # as of the sweep, not the 10 days of the day it went
    assert "総社市観光（公式）" in strings(told.args)


def test_a_withdrawal_decided_and_changed_before_anything_is_sent_is_told_once_as_it_ended_up(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))
    worker = bot.service.worker
    worker.stop()
    assert submit_review(bot, account_id, "withdraw", ["purpose_achieved"]).status == 200
    # Before any notice is sent: the account is renamed twice and both tasks are done, from 市政情報課.
    rename(bot, account_id, "総社市観光（旧）")
    rename(bot, account_id, "総社市観光（終了）")
    for task in ("announced_in_account", "announced_on_site"):
        press(bot, fake_slack, f"account.withdrawal.announced.{task}", account_id, user_id=PUBINFO, task=task,
              name=task)  # fmt: skip
    fake_slack.wait_for("response_url", count=2)

    worker.drain()

    # One notice each, drawn when sent: the last name, no task left to press, the criteria as decided.
    for user in (STAFF1, STAFF2, HEAD):
        (notice,) = dms(fake_slack, user, "撤退が決まりました")
        assert "総社市観光（終了）" in strings(notice.args), user
        assert t("account.criteria.purpose_achieved") in strings(notice.args)
        assert "account.withdrawal.announced" not in json.dumps(notice.args)
    assert fake_slack.calls_to("chat.update") == []  # the posts, still to be sent, drew it all
    review, office = posts(fake_slack, "C0PUBLICINFO")
    assert "総社市観光（終了）" in strings(review.args)
    assert "フォロワー数 1,200" in strings(review.args)  # the review as it was submitted
    assert "【撤退】" in strings(office.args)
    assert t("account.criteria.purpose_achieved") in strings(office.args)


def placed(bot: RunningBot, account_id: int) -> dict[str, tuple[str | None, str | None]]:
    """Where Slack put each message about the account, by its recipient."""
    with bot.service.runtime.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.subject == f"account:{account_id}"))
        return {row.channel: (row.slack_channel, row.slack_ts) for row in rows if row.method == OutboxMethod.POST}


def test_tasks_done_before_the_notices_are_updated_rewrite_each_copy_once_as_it_ended_up(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))
    assert submit_review(bot, account_id, "withdraw", ["purpose_achieved"]).status == 200
    delivered(bot)
    shown = placed(bot, account_id)
    worker = bot.service.worker
    worker.stop()
    # A burst before the copies are updated: both tasks done, by a manager and the head, and the account renamed.
    press(bot, fake_slack, "account.withdrawal.announced.announced_in_account", account_id, user_id=STAFF1,
          task="announced_in_account", name="in_account")  # fmt: skip
    press(bot, fake_slack, "account.withdrawal.announced.announced_on_site", account_id, user_id=HEAD,
          task="announced_on_site", name="on_site")  # fmt: skip
    rename(bot, account_id, "総社市観光（終了）")
    fake_slack.wait_for("response_url", count=2)

    worker.drain()

    # One update per copy, drawn when sent: the last name, no task left, the criteria as decided.
    for user in (STAFF1, STAFF2, HEAD):
        (updated,) = [c for c in fake_slack.calls_to("chat.update") if (c.args["channel"], c.args["ts"]) == shown[user]]
        assert "総社市観光（終了）" in strings(updated.args), user
        assert t("account.criteria.purpose_achieved") in strings(updated.args)
        assert "account.withdrawal.announced" not in json.dumps(updated.args)
    assert len(fake_slack.calls_to("chat.update")) == 3
