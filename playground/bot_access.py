"""What the bot's token may do and see in the stand-in, as Slack decides it: the scopes granted at install
(sent in ``x-oauth-scopes`` on every answer; a method without its scope answers ``missing_scope``), the
channels that exist, which are private and which the bot is in, and the users that exist.

By default every scope manifest.yaml asks for is granted, and any channel id is an existing public channel
the bot is in (so tests and the playground need not declare the offices' channels); tests take them away.
As in Slack: a private channel the bot is not in is invisible (``channel_not_found``), a public one answers
``not_in_channel`` to a post until the bot joins it (``conversations.join``; private ones cannot be joined).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.slack_scopes import BOT_SCOPES

Json = dict[str, Any]

# A bot token's scope each method needs (any one of them), from Slack's method reference.
_NEEDED: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.delete": ("chat:write",),
    "conversations.join": ("channels:join",),
    "users.info": ("users:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}
_PUBLIC_READ, _PRIVATE_READ = "channels:read", "groups:read"


@dataclass
class Channel:
    id: str
    name: str
    private: bool = False
    bot_is_member: bool = True

    def to_json(self) -> Json:
        """The conversation object as conversations.info and conversations.join answer it."""
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.private,
            "is_group": self.private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.private,
            "is_archived": False,
            "is_member": self.bot_is_member,
        }


def _is_channel_id(channel: str) -> bool:
    return channel[:1] in ("C", "G")


class BotAccess:
    def __init__(self, name_of: Callable[[str], str | None]) -> None:
        self.scopes: set[str] = set(BOT_SCOPES)
        self._name_of = name_of  # a channel's name as the workspace shows it, if it has one
        self._channels: dict[str, Channel] = {}
        self._deleted: set[str] = set()
        self._unknown_users: set[str] = set()
        self._lock = threading.RLock()

    # ----- what tests change

    def grant(self, scopes: set[str] | frozenset[str]) -> None:
        """The token's scopes from now on, as after a reinstall."""
        with self._lock:
            self.scopes = set(scopes)

    def add_channel(self, channel_id: str, name: str, *, private: bool = False, member: bool = True) -> None:
        with self._lock:
            self._deleted.discard(channel_id)
            self._channels[channel_id] = Channel(channel_id, name, private, member)

    def remove_bot(self, channel_id: str) -> None:
        """The bot leaves (or was never invited to) the channel."""
        with self._lock:
            channel = self._channel(channel_id)
            if channel is not None:
                channel.bot_is_member = False

    def invite_bot(self, channel_id: str) -> None:
        """`/invite @sns-bot` in the channel."""
        with self._lock:
            channel = self._channel(channel_id)
            if channel is not None:
                channel.bot_is_member = True

    def delete_channel(self, channel_id: str) -> None:
        with self._lock:
            self._channels.pop(channel_id, None)
            self._deleted.add(channel_id)

    def remove_user(self, user_id: str) -> None:
        """No such user in the workspace: users.info answers ``user_not_found``."""
        with self._lock:
            self._unknown_users.add(user_id)

    # ----- what the stand-in asks

    def headers(self, method: str) -> dict[str, str]:
        with self._lock:
            return {
                "x-oauth-scopes": ",".join(sorted(self.scopes)),
                "x-accepted-oauth-scopes": ",".join(_NEEDED.get(method, ())),
            }

    def missing_scope(self, method: str) -> Json | None:
        return self._needs(_NEEDED.get(method, ()))

    def post_refusal(self, channel_id: str) -> str | None:
        """Slack's error for a chat.postMessage to ``channel_id`` by the bot, if it refuses it."""
        if not _is_channel_id(channel_id):
            return None  # a DM: the bot may always write to its own
        with self._lock:
            channel = self._visible(channel_id)
            if channel is None:
                return "channel_not_found"
            if not channel.bot_is_member and "chat:write.public" not in self.scopes:
                return "not_in_channel"
            return None

    def user_refusal(self, user_id: str) -> str | None:
        with self._lock:
            return "user_not_found" if user_id in self._unknown_users else None

    def info(self, args: Json) -> Json:
        """conversations.info: a private channel needs groups:read, a public one channels:read."""
        with self._lock:
            channel = self._visible(str(args["channel"]))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if missing := self._needs((_PRIVATE_READ,) if channel.private else (_PUBLIC_READ,)):
                return missing
            return {"ok": True, "channel": channel.to_json()}

    def join(self, args: Json) -> Json:
        """conversations.join: public channels only; joining twice warns ``already_in_channel``."""
        with self._lock:
            channel = self._visible(str(args["channel"]))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if channel.private:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            answer: Json = {"ok": True, "channel": {**channel.to_json(), "is_member": True}}
            if channel.bot_is_member:
                answer |= {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
            channel.bot_is_member = True
            return answer

    # ----- lookups

    def _needs(self, accepted: tuple[str, ...]) -> Json | None:
        with self._lock:
            if not accepted or self.scopes & set(accepted):
                return None
            return {
                "ok": False,
                "error": "missing_scope",
                "needed": ",".join(accepted),
                "provided": ",".join(sorted(self.scopes)),
            }

    def _channel(self, channel_id: str) -> Channel | None:
        """The channel as it exists; an id nobody declared is a public channel the bot is in."""
        if channel_id in self._deleted or not _is_channel_id(channel_id):
            return None
        if channel_id not in self._channels:
            self._channels[channel_id] = Channel(channel_id, self._name_of(channel_id) or channel_id)
        return self._channels[channel_id]

    def _visible(self, channel_id: str) -> Channel | None:
        """What the bot can see: a private channel only while it is in it."""
        channel = self._channel(channel_id)
        if channel is None or (channel.private and not channel.bot_is_member):
            return None
        return channel
