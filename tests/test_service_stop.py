"""A stopped service leaves nothing behind in its process. The suite starts a bot for nearly every test: one kept
alive by a listener registered for good (SQLAlchemy keeps a sessionmaker's listeners for the process's life)
made the test process grow to ~800 MB, and the garbage collector's full passes over it to seconds, long enough
for a report's ack to miss Slack's 3 s."""

from __future__ import annotations

import gc
import weakref

from playground.slack_api import SlackStandIn
from tests.support.bot import running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import delivered
from tests.support.report import submit_report


def test_a_stopped_service_can_be_collected(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock) -> None:
    with running_bot(fake_slack, database_url, clock=clock) as bot:
        assert submit_report(bot, clock).status == 200  # a commit that queued messages: the outbox's listener ran
        delivered(bot)
        service = weakref.ref(bot.service)
        worker = weakref.ref(bot.service.worker)
    del bot
    gc.collect()

    assert service() is None, [type(r).__qualname__ for r in gc.get_referrers(service())]
    assert worker() is None
