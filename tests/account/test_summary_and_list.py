"""The monthly summary to 市政情報課 and /sns-account list."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from playground.slack_api import SlackStandIn
from storage.models import ApplicationStatus, AuditEntry
from tests.account.flow import STAFF2, jst, seed_account, seed_application, sweep_at
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import posts, strings
from tests.support.slack_requests import send, slash_command


def test_the_monthly_summary_goes_out_on_the_first_business_day_at_nine(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 11, 20))

    assert sweep_at(bot, clock, jst(2026, 12, 1, 8, 59)) == 0
    assert sweep_at(bot, clock, jst(2026, 12, 1, 9, 0)) == 1
    assert sweep_at(bot, clock, jst(2026, 12, 1, 9, 1)) == 0
    (summary,) = posts(fake_slack, "C0PUBLICINFO")
    assert "SNS月次サマリー（2026年11月）" in strings(summary.args)
    assert "運用中: 1" in strings(summary.args)
    # The chain's head as the summary was written: an anchor outside the database that the entry must match.
    seq, hash_shown = re.search(r"(\d+) 件目までのハッシュ `([0-9a-f]{64})`", strings(summary.args)).groups()
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(AuditEntry.hash).where(AuditEntry.seq == int(seq))).one() == hash_shown


def test_the_list_shows_each_account_and_waiting_applications(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    seed_account(bot, changed=date(2026, 11, 20))
    seed_application(bot, ApplicationStatus.SUBMITTED)

    send(bot.url, slash_command("/sns-account", user_id=STAFF2, text="list", response_url=fake_slack.response_url("l")))

    (answer,) = fake_slack.wait_for("response_url")
    shown = strings(answer.args)
    assert "総社市観光" in shown
    assert "運用中" in shown
    assert "パスワード変更: 2026-11-20" in shown
    assert "申請中: 観光情報の発信" in shown
