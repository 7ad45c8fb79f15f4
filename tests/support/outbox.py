"""Driving the outbox worker directly: a worker on the fake Slack, and queueing and reading its messages."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Delivery, load_config
from bot.delivery import OutboxWorker
from bot.directory import Directory
from playground.slack_api import SlackStandIn
from storage import outbox
from storage.db import SessionFactory
from storage.models import OutboxMessage
from tests.support.bot import APP_YAML

SETTINGS = Delivery(workers=4, give_up_after_minutes=30, max_backoff_seconds=5, channel_burst=10, poll_seconds=60)
DIRECTORY = Directory(load_config(APP_YAML))


def make_worker(
    sessions: SessionFactory, fake: SlackStandIn, clock: Clock, settings: Delivery = SETTINGS
) -> OutboxWorker:
    client = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5, retry_handlers=[])
    return OutboxWorker(sessions=sessions, client=client, settings=settings, clock=clock, directory=lambda: DIRECTORY)


def queue(sessions: SessionFactory, clock: Clock, channel: str, text_: str, **kwargs: object) -> int:
    with sessions.begin() as session:
        row = outbox.post_message(session, channel=channel, message={"text": text_}, now=clock.now(), **kwargs)
        session.flush()
        return row.id


def row(sessions: SessionFactory, message_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.get_one(OutboxMessage, message_id)
