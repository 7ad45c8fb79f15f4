"""/sns-report end to end: a case nobody acknowledged is escalated once, at any hour for the urgent kinds.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from bot.catalog import t
from handlers.report import jobs
from playground.slack_api import SlackStandIn
from tests.report.copies import ACK, open_case, thread_lines
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    HEAD,
    PUBINFO1,
    PUBLIC_INFO,
    audit_actions,
    click,
    delivered,
    posts,
    quiet,
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
    assert quiet(fake_slack, 0.2) == []
    assert audit_actions(bot).count("case.escalated") == 1


def test_an_acknowledged_case_never_escalates(bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock) -> None:
    shown = open_case(bot, clock)
    clock.advance(minutes=10)
    click(bot, fake_slack, shown[HEAD], ACK, user_id=HEAD)
    delivered(bot)
    fake_slack.clear()

    clock.advance(minutes=21)
    assert jobs.escalate(bot.service.runtime) == 0
    clock.advance(days=3)
    assert jobs.escalate(bot.service.runtime) == 0
    assert quiet(fake_slack, 0.2) == []


def test_only_flames_and_impersonation_escalate_out_of_office_hours(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    runtime = bot.service.runtime
    clock.advance(days=2)  # Saturday 2026-11-28 09:00 JST
    open_case(bot, clock, kind="important", urls="https://example.com/important")
    open_case(bot, clock, kind="impersonation", urls="https://example.com/fake-account")
    fake_slack.clear()

    clock.advance(minutes=31)  # Saturday 09:31
    assert jobs.escalate(runtime) == 1
    delivered(bot)
    (escalated,) = posts(fake_slack, HEAD)
    assert "SNS-2026-0002" in escalated.args["text"]

    clock.advance(days=1, hours=22, minutes=58)  # Monday 2026-11-30 08:29 JST, still closed
    assert jobs.escalate(runtime) == 0
    clock.advance(minutes=1)  # 08:30: the office opens
    assert jobs.escalate(runtime) == 1
    delivered(bot)
    assert "SNS-2026-0001" in posts(fake_slack, HEAD)[-1].args["text"]
    assert jobs.escalate(runtime) == 0
