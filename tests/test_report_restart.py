"""/sns-report end to end: a restart between a report and its delivery loses nothing and sends nothing twice.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from playground.slack_api import SlackStandIn
from storage.models import CaseCopy, OutboxMessage
from tests.report.copies import ACK
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.report import (
    GENERAL,
    HEAD,
    PUBLIC_INFO,
    SECRETARIAT,
    STAFF1,
    STAFF2,
    Copy,
    case,
    click,
    copies,
    delivered,
    dm,
    nothing_more,
    strings,
    submit_report,
    top_level_channels,
)

# -- restart between submit and delivery -----------------------------------------------------------


def assert_delivered_exactly_once(fake: SlackStandIn, bot: RunningBot) -> None:
    expected = sorted([PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF1])
    assert top_level_channels(fake.calls) == expected
    assert len(copies(bot)) == len(expected)
    assert [c.method for c in nothing_more(bot, fake)] == []


def test_a_click_that_outruns_the_recording_of_its_copy_is_taken(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """Slack can deliver a click before the worker has recorded where the copy landed; the copy's
    destination then decides where the click may come from."""
    bot.service.worker.stop()  # nothing recorded: as if every answer from Slack were still on its way
    assert submit_report(bot, clock).status == 200
    with bot.service.runtime.sessions() as session:
        head = session.scalars(select(CaseCopy).where(CaseCopy.target == HEAD)).one()
        channel = session.scalars(select(CaseCopy).where(CaseCopy.target == SECRETARIAT)).one()
    unrecorded = {
        "head": Copy(head.id, head.case_id, head.audience, HEAD, dm(HEAD), "1700000000.000100"),
        "secretariat": Copy(channel.id, channel.case_id, channel.audience, SECRETARIAT, SECRETARIAT, "1"),
    }

    assert click(bot, fake_slack, unrecorded["secretariat"], ACK, user_id=STAFF2, channel=GENERAL).status == 400
    assert click(bot, fake_slack, unrecorded["head"], ACK, user_id=HEAD, channel=SECRETARIAT).status == 400
    assert click(bot, fake_slack, unrecorded["head"], ACK, user_id=HEAD).status == 200
    assert case(bot).acknowledged_at is not None


def test_a_report_submitted_before_a_crash_is_delivered_after_the_restart(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as first:
        first.service.worker.stop()  # the process dies before its sender gets to the outbox
        reply = submit_report(first, clock)
        assert reply.status == 200
        assert "SNS-2026-0001" in strings(reply.json()["view"])
    assert fake_slack.calls_to("chat.postMessage") == []

    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as second:
        delivered(second)
        assert_delivered_exactly_once(fake_slack, second)


def test_copies_slack_refused_before_a_restart_are_delivered_once_after_it(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, times=5)
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as first:
        assert submit_report(first, clock).status == 200
        fake_slack.wait_for("chat.postMessage", count=5)
    with first.service.runtime.sessions() as session:
        attempts = session.scalars(select(OutboxMessage.attempts).where(OutboxMessage.parent_id.is_(None))).all()
    assert sorted(attempts) == [1] * 5  # each copy failed once
    fake_slack.clear()

    clock.advance(seconds=3)  # the retry falls due
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as second:
        delivered(second)
        assert_delivered_exactly_once(fake_slack, second)
