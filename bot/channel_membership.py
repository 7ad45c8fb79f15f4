"""A post Slack refused because the bot is not in the channel. A public channel the bot joins itself
(``conversations.join``, scope channels:join) and the message goes again; one it cannot join (private: Slack
answers ``channel_not_found`` while the bot is not invited, or gone) is told to 市政情報課 once per channel,
through the outbox, with how to invite the bot, and the message fails as before."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalog import t
from bot.clock import Clock
from bot.configured import channels_of
from bot.directory import Directory
from bot.mrkdwn import escape
from storage import channel_notices, outbox
from storage.db import SessionFactory

log = logging.getLogger(__name__)

# Slack's answers to a post that mean "the bot is not in this channel" (a private one it is not in is hidden).
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


class ChannelMembership:
    def __init__(
        self, *, client: WebClient, sessions: SessionFactory, clock: Clock, directory: Callable[[], Directory]
    ) -> None:
        self.client = client
        self.sessions = sessions
        self.clock = clock
        self.directory = directory

    def recover(self, channel: str, error: str) -> bool:
        """True when the bot has just joined ``channel`` and the post can go again; otherwise 市政情報課 is
        told (once per channel) and the post is to fail."""
        refused = self._join(channel) if error == "not_in_channel" else error
        if refused is None:
            log.info("joined %s after not_in_channel; posting again", channel)
            return True
        self._tell_office(channel, refused)
        return False

    def _join(self, channel: str) -> str | None:
        """None when the bot joined; else why not (already in it: posting again would not help)."""
        try:
            answer = self.client.conversations_join(channel=channel)
        except SlackApiError as refusal:
            return str(refusal.response.get("error"))
        return answer.get("warning")  # "already_in_channel", or None for a fresh join

    def _tell_office(self, channel: str, error: str) -> None:
        directory = self.directory()
        office = directory.offices.public_info.channel
        named = {c.id: c.name for c in channels_of(directory.config)}
        if channel == office or channel not in named:
            return  # 市政情報課's own channel cannot carry the notice; a channel app.yaml does not name is no office's
        now = self.clock.now()
        with self.sessions.begin() as session:
            if channel_notices.first(session, channel, error, now):
                text = t("membership.cannot_post", name=escape(named[channel]), channel=channel, error=escape(error))
                outbox.post_message(session, channel=office, message={"text": text}, now=now)
