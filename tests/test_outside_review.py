"""What an outside review found (each test failed before its fix): a case's age and escalation betraying a
hidden private report to another head, a changed policy interval repeating a reminder, an export of days at
the calendar's end failing instead of showing the usage.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.catalog import t
from bot.directory import Directory
from handlers.report import jobs
from playground.slack_api import SlackStandIn
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import delivered, list_cases, posts, strings
from tests.support.slack_requests import send, slash_command
from tests.test_account_reminders import PUBINFO, Desk, desk, seed  # noqa: F401 (desk is a fixture)
from tests.test_account_reminders import STAFF1 as REMINDED_1
from tests.test_account_reminders import STAFF2 as REMINDED_2
from tests.test_report_privacy import (  # noqa: F401 (config_path is the fixture with a second department)
    HEAD_HISHO,
    OFFICIAL_SUMMARY,
    OFFICIAL_URL,
    PRIVATE_SUMMARY,
    STAFF_HISHO,
    config_path,
    report,
)


def test_the_list_tells_another_head_no_age_older_than_the_reports_they_may_know_of(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """秘書課's head is on the case through his member's 業務 report alone; the case's age, counted from the
    観光 member's private report three hours before, betrays that report (as a step's time would, which
    visibility._steps withholds for that reason)."""
    report(bot, clock, capacity="private", summary=PRIVATE_SUMMARY)
    clock.advance(hours=3)
    report(bot, clock, user_id=STAFF_HISHO, department="hisho", summary=OFFICIAL_SUMMARY, urls=OFFICIAL_URL)

    listed = strings(list_cases(bot, fake_slack, HEAD_HISHO).args)
    assert "SNS-2026-0001" in listed
    assert "3時間前" not in listed
    assert "0分前" in listed


def test_a_changed_policy_interval_never_sends_the_policy_reminder_again_the_next_day(desk: Desk) -> None:  # noqa: F811
    """sweep.py promises that a changed interval never doubles a reminder; the policy reminder's due dates are
    counted from registration in steps of the interval, so shortening it makes an earlier, unsent due date
    the latest, and the managers are asked again the day after they were asked."""
    seed(desk, registered=date(2026, 11, 2))
    assert desk.sweep(date(2026, 11, 4)) != []
    assert desk.sweep(date(2026, 11, 17)) == [(REMINDED_1, "2026-11-17"), (REMINDED_2, "2026-11-17")]

    settings = desk.ctx.directory.config.reminders.model_copy(update={"policy_reminder_days": 10})
    config = desk.ctx.directory.config.model_copy(update={"reminders": settings})
    shortened = Desk(desk.sessions, replace(desk.ctx, directory=Directory(config)))

    assert shortened.sweep(date(2026, 11, 18)) == []


@pytest.mark.parametrize("words", ["9999-12-31 9999-12-31", "0001-01-01 0001-01-02"])
def test_an_export_of_days_at_the_calendars_end_is_answered_with_the_usage(
    bot: RunningBot, fake_slack: SlackStandIn, words: str
) -> None:
    """read_period accepts any two ISO days; day_range then overflows (the day after 9999-12-31; 0001-01-01 in
    JST is before year 1 in UTC): the listener fails, and 市政情報課 is told to try again later, which never helps."""
    url = fake_slack.response_url("export")
    body = slash_command("/sns-account", user_id=PUBINFO, text=f"export {words}", response_url=url)

    assert send(bot.url, body).status == 200

    (answer,) = fake_slack.wait_for("response_url")
    assert answer.args["text"] == t("account.export.usage")


def test_another_heads_escalation_never_comes_sooner_than_the_reports_they_may_know_of(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """秘書課's head joins through his member's 業務 report 25 minutes after the 観光 member's private one. The
    escalation, timed from the private report, tells him 「30分 nobody received it」 five minutes after the only
    report he knows of: the same betrayal as a step's time, which the copies withhold."""
    report(bot, clock, capacity="private", summary=PRIVATE_SUMMARY)
    clock.advance(minutes=25)
    report(bot, clock, user_id=STAFF_HISHO, department="hisho", summary=OFFICIAL_SUMMARY, urls=OFFICIAL_URL)
    fake_slack.clear()

    clock.advance(minutes=6)
    jobs.escalate(bot.service.runtime)
    delivered(bot)

    assert posts(fake_slack, HEAD_HISHO) == []
