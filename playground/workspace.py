"""The workspace the Slack stand-in keeps: conversations with their messages and threads, each person's
modal stack and home tab, and the response URLs handed out with requests.

The stand-in's Web API methods write here; the playground's page reads it. Every change bumps ``version``
and wakes ``wait_change``, which is how the page learns to refresh (server-sent events).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0TEST"
APP_ID = "A0TEST"
_MESSAGE_FIELDS = ("text", "blocks", "attachments", "metadata")
REFUSALS_KEPT = 20


def with_block_ids(blocks: Any) -> Any:
    """Blocks as Slack stores them: one without a block_id gets one (derived from its content, so it is
    stable across rewrites), which interaction payloads and view state are keyed by."""
    if not isinstance(blocks, list):
        return blocks
    return [
        {"block_id": hashlib.sha1(json.dumps(b, sort_keys=True).encode(), usedforsecurity=False).hexdigest()[:5], **b}
        if isinstance(b, dict) and "block_id" not in b
        else b
        for b in blocks
    ]


def _kept(fields: Json) -> Json:
    kept = {k: fields[k] for k in _MESSAGE_FIELDS if fields.get(k) is not None}
    if "blocks" in kept:
        kept["blocks"] = with_block_ids(kept["blocks"])
    return kept


def dm_id(user_id: str) -> str:
    """Slack answers a DM opened/posted to U123 with a D-prefixed conversation id."""
    return "D" + user_id[1:] if user_id[:1] in ("U", "W") else user_id


@dataclass
class Message:
    ts: str
    user: str
    fields: Json  # text, blocks, attachments, metadata as posted
    thread_ts: str | None = None
    visible_to: str | None = None  # an ephemeral message: only this person sees it
    files: list[Json] = field(default_factory=list)
    edited: bool = False

    def to_json(self) -> Json:
        """The message as Slack shows it in history and in interaction payloads."""
        message: Json = {"type": "message", "ts": self.ts, "user": self.user, "text": "", **self.fields}
        if self.user == BOT_USER_ID:
            message["bot_id"] = BOT_ID
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if self.files:
            message["files"] = self.files
        if self.edited:
            message["edited"] = {"user": self.user, "ts": self.ts}
        return message


@dataclass
class Conversation:
    id: str
    name: str
    user: str | None = None  # the person of a DM with the bot; None for a channel
    private: bool = False
    messages: list[Message] = field(default_factory=list)

    def find(self, ts: str) -> Message | None:
        return next((m for m in self.messages if m.ts == ts), None)


@dataclass
class OpenView:
    """A view as Slack holds it: the view with its id and hash, whose it is, and the errors shown in it."""

    view: Json
    user: str | None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Origin:
    """Where a response URL answers to: a person in a conversation, about one message if any."""

    user: str
    channel: str
    message_ts: str | None = None


@dataclass(frozen=True)
class Refused:
    """A call the stand-in refused as Slack would. Slack's client shows nothing; the page shows it where the
    payload would have appeared: in ``conversation`` (a message) or to ``user`` (a view, an ephemeral)."""

    seq: int
    method: str
    error: str
    messages: tuple[str, ...]
    conversation: str | None
    user: str | None


class ViewError(Exception):
    """A views.* call Slack would refuse; ``args[0]`` is Slack's error code."""


class Workspace:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # user id -> display name (users.info, mentions on the page)
        self.emails: dict[str, str] = {}  # lower-cased e-mail address -> user id (users.lookupByEmail)
        self.deactivated: set[str] = set()  # user ids of accounts deactivated (退職)
        self.conversations: dict[str, Conversation] = {}
        self.views: dict[str, OpenView] = {}
        self.stacks: dict[str, list[str]] = {}  # user -> modal view ids, bottom first
        self.homes: dict[str, OpenView] = {}
        self.files: dict[str, Json] = {}  # file id -> {"name", "title", "data"}
        self.refusals: list[Refused] = []  # the latest REFUSALS_KEPT, oldest first
        self.version = 0
        self._triggers: dict[str, str] = {}
        self._origins: dict[str, Origin] = {}
        self._seq = itertools.count(1)
        self._changed = threading.Condition(threading.RLock())

    # ----- changes

    @property
    def lock(self) -> threading.Condition:
        return self._changed

    def _touch(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def wait_change(self, since: int, timeout: float) -> int:
        """Block until the version passes ``since`` (or the timeout); return the current version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > since, timeout)
            return self.version

    def next_seq(self) -> int:
        return next(self._seq)

    def next_ts(self) -> str:
        micros = self.next_seq() * 100  # unique, increasing, and shaped like "1700000000.000100"
        return f"{1_700_000_000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    # ----- conversations and messages

    def add_channel(self, channel_id: str, name: str, *, private: bool = False) -> Conversation:
        with self._changed:
            conversation = self.conversations.setdefault(channel_id, Conversation(channel_id, name))
            conversation.name, conversation.private = name, private
            self._touch()
            return conversation

    def conversation(self, channel: str) -> Conversation:
        """The conversation a channel argument names; a user id means the bot's DM with that person."""
        with self._changed:
            conversation_id = dm_id(channel)
            if conversation_id not in self.conversations:
                user = "U" + conversation_id[1:] if conversation_id.startswith("D") else None
                name = self.names.get(user, user) if user else channel
                self.conversations[conversation_id] = Conversation(conversation_id, name, user)
            return self.conversations[conversation_id]

    def add_user(self, user_id: str, name: str, email: str) -> None:
        with self._changed:
            self.names[user_id] = name
            self.emails[email.lower()] = user_id
            self._touch()

    def visible(self, user: str) -> list[Conversation]:
        """The channels, and the DMs of ``user`` (everyone's DMs are private)."""
        with self._changed:
            return [c for c in self.conversations.values() if c.user in (None, user)]

    def post(
        self,
        channel: str,
        fields: Json,
        *,
        user: str = BOT_USER_ID,
        thread_ts: str | None = None,
        visible_to: str | None = None,
        files: list[Json] | None = None,
    ) -> tuple[Conversation, Message]:
        with self._changed:
            conversation = self.conversation(channel)
            message = Message(self.next_ts(), user, _kept(fields), thread_ts or None, visible_to, files or [])
            conversation.messages.append(message)
            self._touch()
            return conversation, message

    def update(self, channel: str, ts: str, fields: Json) -> Message | None:
        with self._changed:
            message = self.conversation(channel).find(ts)
            if message is None:
                return None
            message.fields.update(_kept(fields))
            message.edited = True
            self._touch()
            return message

    def delete(self, channel: str, ts: str) -> bool:
        with self._changed:
            conversation = self.conversation(channel)
            message = conversation.find(ts)
            if message is None:
                return False
            conversation.messages.remove(message)
            self._touch()
            return True

    def messages_since(self, ts: str) -> list[tuple[Conversation, Message]]:
        """Messages posted after ``ts`` (a ts from ``next_ts``), everywhere, oldest first."""
        with self._changed:
            found = [(c, m) for c in self.conversations.values() for m in c.messages if float(m.ts) > float(ts)]
        return sorted(found, key=lambda pair: float(pair[1].ts))

    def add_file(self, file_id: str, data: bytes) -> None:
        with self._changed:
            self.files.setdefault(file_id, {})["data"] = data

    # ----- triggers and response URLs handed out with requests

    def trigger(self, user: str) -> str:
        """A new trigger id for a request made by ``user``: a view opened with it is theirs."""
        with self._changed:
            trigger_id = f"{self.next_seq()}.{abs(hash(user)) % 10**9}.playground"
            self._triggers[trigger_id] = user
            return trigger_id

    def origin_url(self, origin: Origin) -> str:
        """A response URL name for ``origin`` (the stand-in turns it into a URL)."""
        with self._changed:
            name = f"r{self.next_seq()}"
            self._origins[name] = origin
            return name

    def respond(self, name: str, body: Json) -> None:
        """A post to a response URL: a new (ephemeral or in-channel) message, or the original replaced or deleted."""
        with self._changed:
            origin = self._origins.get(name)
            if origin is None:
                return  # a URL not handed out by the playground (tests make their own): recorded only
            if body.get("delete_original") and origin.message_ts:
                self.delete(origin.channel, origin.message_ts)
            elif body.get("replace_original") and origin.message_ts:
                self.update(origin.channel, origin.message_ts, body)
            else:
                public = body.get("response_type") == "in_channel"
                self.post(origin.channel, body, visible_to=None if public else origin.user)

    # ----- refused calls

    def refuse(self, method: str, args: Json, error: str, messages: tuple[str, ...]) -> Refused:
        """Records a refused call with where it was meant to appear; ``args`` as the call carried them
        (a response URL's name under ``name``)."""
        with self._changed:
            conversation, user = self._destination(method, args)
            refused = Refused(self.next_seq(), method, error, messages, conversation, user)
            self.refusals = [*self.refusals[-(REFUSALS_KEPT - 1) :], refused]
            self._touch()
            return refused

    def _destination(self, method: str, args: Json) -> tuple[str | None, str | None]:
        if method.startswith("views."):
            view = self.views.get(str(args.get("view_id") or ""))
            owner = args.get("user_id") or self._triggers.get(str(args.get("trigger_id") or ""))
            return None, owner or (view.user if view else None)
        origin = self._origins.get(str(args.get("name") or ""))
        if origin is not None:
            return origin.channel, origin.user
        channel = args.get("channel")
        return (self.conversation(str(channel)).id if channel else None), args.get("user")

    def refusals_for(self, user: str, conversation: str | None) -> list[Refused]:
        """What ``user`` would be looking at: refusals in ``conversation`` (for all or for them) and of their views."""
        with self._changed:
            return [
                r
                for r in self.refusals
                if (r.conversation is not None and r.conversation == conversation and r.user in (None, user))
                or (r.conversation is None and r.user == user)
            ]

    # ----- views

    def open_view(self, view: Json, trigger_id: str | None, *, push: bool = False) -> Json:
        with self._changed:
            user = self._triggers.get(trigger_id or "")
            opened = self._new_view(view, user)
            if user is not None:
                stack = self.stacks.setdefault(user, []) if push else []
                stack.append(opened["id"])
                self.stacks[user] = stack
            self._touch()
            return opened

    def update_view(self, view: Json, *, view_id: str | None, external_id: str | None, hash_: str | None) -> Json:
        with self._changed:
            current = self._find_view(view_id, external_id)
            if hash_ and hash_ != current.view["hash"]:
                raise ViewError("hash_conflict")
            current.view = self._stamp(view, current.view["id"])
            current.errors = {}
            self._touch()
            return current.view

    def publish_home(self, user: str, view: Json, hash_: str | None) -> Json:
        with self._changed:
            home = self.homes.get(user)
            if home is not None and hash_ and hash_ != home.view["hash"]:
                raise ViewError("hash_conflict")
            view_id = home.view["id"] if home else f"V{self.next_seq():08d}"
            self.homes[user] = OpenView(self._stamp(view, view_id), user)
            self.views[view_id] = self.homes[user]
            self._touch()
            return self.homes[user].view

    def top_view(self, user: str) -> OpenView | None:
        with self._changed:
            stack = self.stacks.get(user)
            return self.views[stack[-1]] if stack else None

    def close_view(self, user: str, view_id: str) -> None:
        """The top view goes (Slack's default after a submission, or the close button): the one below shows again."""
        with self._changed:
            stack = self.stacks.get(user, [])
            if view_id in stack:
                del stack[stack.index(view_id) :]
            self._touch()

    def clear_views(self, user: str) -> None:
        with self._changed:
            self.stacks[user] = []
            self._touch()

    def show_errors(self, view_id: str, errors: dict[str, str]) -> None:
        with self._changed:
            self.views[view_id].errors = dict(errors)
            self._touch()

    def view(self, view_id: str) -> OpenView:
        with self._changed:
            return self._find_view(view_id, None)

    def _find_view(self, view_id: str | None, external_id: str | None) -> OpenView:
        if view_id:
            found = self.views.get(view_id)
        else:
            found = next(
                (v for v in self.views.values() if external_id and v.view.get("external_id") == external_id), None
            )
        if found is None:
            raise ViewError("not_found")
        return found

    def _new_view(self, view: Json, user: str | None) -> Json:
        stamped = self._stamp(view, f"V{self.next_seq():08d}")
        self.views[stamped["id"]] = OpenView(stamped, user)
        return stamped

    def _stamp(self, view: Json, view_id: str) -> Json:
        return {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **view,
            "blocks": with_block_ids(view.get("blocks", [])),
            "id": view_id,
            "hash": f"1700000000.{self.next_seq():08x}",
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "state": {"values": {}},
        }
