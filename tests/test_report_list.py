"""/sns-report list end to end: the cases a person may list.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from bot.catalog import t
from playground.slack_api import Call, SlackStandIn
from tests.report.copies import ACK, open_case, resolve
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import HEAD, PUBINFO1, PUBLIC_INFO, STAFF1, STAFF2, click, delivered, list_cases, strings

# -- the list --------------------------------------------------------------------------------------


def listed(answer: Call) -> str:
    assert answer.args["response_type"] == "ephemeral"
    return strings(answer.args["blocks"])


def test_the_list_shows_own_cases_and_public_info_sees_every_open_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    open_case(bot, clock, capacity="private")  # SNS-2026-0001, STAFF1's private find
    clock.advance(minutes=90)
    second = open_case(bot, clock, user_id=STAFF2, urls="https://example.com/second")  # SNS-2026-0002
    click(bot, fake_slack, second[HEAD], ACK, user_id=HEAD)
    delivered(bot)

    own = listed(list_cases(bot, fake_slack, STAFF1))
    assert t("report.list.scope.own") in own
    assert "SNS-2026-0001 炎上・未受領・1時間前" in own
    assert "SNS-2026-0002" not in own

    # STAFF2 is unrelated to STAFF1's private report: it is not listed for them.
    other = listed(list_cases(bot, fake_slack, STAFF2))
    assert "SNS-2026-0002 炎上・受領済み・0分前" in other
    assert "SNS-2026-0001" not in other

    everything = listed(list_cases(bot, fake_slack, PUBINFO1))
    assert t("report.list.scope.all") in everything
    assert "SNS-2026-0001" in everything
    assert "SNS-2026-0002" in everything

    assert "SNS-2026-0001" not in listed(list_cases(bot, fake_slack, "U0OUTSIDER"))


def test_public_info_does_not_list_resolved_cases(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    resolve(bot, shown[PUBLIC_INFO], PUBINFO1, "duplicate")

    assert t("report.list.empty") in listed(list_cases(bot, fake_slack, PUBINFO1))
