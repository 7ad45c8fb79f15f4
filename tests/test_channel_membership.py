"""A post to an office's channel the bot is not in: it joins a public one and posts again; for a private one
市政情報課 is told once how to invite it. Driven by signed requests against the running bot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from playground.slack_api import SlackStandIn
from storage.models import OutboxMessage, OutboxStatus
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.report import (
    GENERAL,
    PUBLIC_INFO,
    SECRETARIAT,
    copies,
    delivered,
    posts,
    submit_report,
    unpaced_config,
)

SECOND_URL = "https://x.com/soja_city/status/2222222222"


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running


def report(bot: RunningBot, clock: FrozenClock, **fields: str) -> None:
    reply = submit_report(bot, clock, **fields)
    assert reply.status == 200, reply.body


def reported_with_general_private(bot: RunningBot, fake: SlackStandIn, clock: FrozenClock) -> None:
    """A report while 総務課's channel is private and the bot not invited: its copy there fails."""
    fake.access.add_channel(GENERAL, "総務課", private=True, member=False)
    report(bot, clock)
    delivered(bot, failures=1)


def invite_notices(fake: SlackStandIn) -> list[str]:
    return [c.args["text"] for c in posts(fake, PUBLIC_INFO) if "/invite @sns-bot" in c.args.get("text", "")]


def test_a_public_channel_the_bot_is_not_in_is_joined_and_the_copy_posted_again(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    fake_slack.access.remove_bot(SECRETARIAT)

    report(bot, clock)
    delivered(bot)

    refused, posted = posts(fake_slack, SECRETARIAT, threaded=False)
    (join,) = fake_slack.calls_to("conversations.join")
    assert join.args["channel"] == SECRETARIAT
    assert refused.at < join.at < posted.at
    secretariat = copies(bot)[SECRETARIAT]
    assert fake_slack.workspace.conversations[SECRETARIAT].find(secretariat.ts) is not None
    assert invite_notices(fake_slack) == []  # joined by itself: nobody needs to act


def test_a_private_channel_the_bot_is_not_in_fails_and_public_info_is_told_once_how_to_invite_it(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    reported_with_general_private(bot, fake_slack, clock)
    report(bot, clock, urls=SECOND_URL)
    delivered(bot, failures=2)

    assert fake_slack.calls_to("conversations.join") == []  # a private channel cannot be joined
    notices = invite_notices(fake_slack)
    assert len(notices) == 1
    assert "<#C0GENERAL>" in notices[0]
    assert "総務課" in notices[0]
    assert "channel_not_found" in notices[0]
    with bot.service.runtime.sessions() as session:
        failed = session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)).all()
    assert {(m.channel, m.last_error) for m in failed} == {(GENERAL, "channel_not_found")}


def test_once_invited_the_private_channel_gets_the_next_copy(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    reported_with_general_private(bot, fake_slack, clock)

    fake_slack.access.invite_bot(GENERAL)
    report(bot, clock, urls=SECOND_URL)
    delivered(bot, failures=1)

    assert len(fake_slack.workspace.conversations[GENERAL].messages) == 1
