"""/sns-report end to end: a case nobody acknowledged is escalated once, at any hour for the urgent kinds.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from bot.catalog import t
from handlers.report import jobs
from playground.slack_api import SlackStandIn
from tests.report.copies import open_case, thread_lines
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    HEAD,
    PUBINFO1,
    PUBLIC_INFO,
    audit_actions,
    delivered,
    nothing_more,
    posts,
    top_level_channels,
)

# -- escalation --------------------------------------------------------------------------------


def test_an_unacknowledged_flame_escalates_once_after_the_deadline(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()
    runtime = bot.service.runtime

    clock.advance(minutes=29)
    assert jobs.escalate(runtime) == 0
    clock.advance(minutes=2)
    assert jobs.escalate(runtime) == 1
    delivered(bot)

    (to_head,) = posts(fake_slack, HEAD)
    assert to_head.args["text"] == t("report.escalation.head", number="SNS-2026-0001", kind="炎上", minutes=30)
    (to_office,) = posts(fake_slack, PUBLIC_INFO, threaded=False)
    assert to_office.args["text"] == t(
        "report.escalation.office", members=f"<@{PUBINFO1}>", number="SNS-2026-0001", kind="炎上", minutes=30
    )
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [
        t("report.timeline.escalated", at="11/26 09:31", minutes=30)
    ]
    assert top_level_channels(fake_slack.calls) == sorted([HEAD, PUBLIC_INFO])

    # Once per case and level.
    assert jobs.escalate(runtime) == 0
    clock.advance(hours=3)
    assert jobs.escalate(runtime) == 0
    assert nothing_more(bot, fake_slack) == []
    assert audit_actions(bot).count("case.escalated") == 1


# That an acknowledged case never escalates, and that only flame-ups and impersonations escalate out of office
# hours, are rules: tests/report/test_rules_escalation.py.
