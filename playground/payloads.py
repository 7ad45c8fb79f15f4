"""Requests as Slack sends them to an app: slash commands, interactions and events, shaped from the workspace.

Pure functions: the session fills in who, where and which trigger id / response URL; these only shape."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from playground.workspace import APP_ID, BOT_USER_ID, TEAM_ID, Conversation, Message

Json = dict[str, Any]
TEAM_DOMAIN = "soja"
TOKEN = "playground-verification-token"  # noqa: S105 - Slack's legacy field, unused by the bot


@dataclass(frozen=True)
class Actor:
    """Who acts; ``trigger_id`` is empty for payloads that carry none (view_closed, block_suggestion)."""

    user_id: str
    name: str
    trigger_id: str = ""


@dataclass(frozen=True)
class AtMessage:
    """The message an interaction is about, and the response URL that answers into its conversation."""

    channel: Conversation
    message: Message
    response_url: str

    def fields(self) -> Json:
        return {"channel": {"id": self.channel.id, "name": self.channel.name}, "message": self.message.to_json()}


def _base(kind: str, actor: Actor) -> Json:
    payload: Json = {
        "type": kind,
        "token": TOKEN,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": {"id": actor.user_id, "username": actor.user_id.lower(), "name": actor.name, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "is_enterprise_install": False,
        "enterprise": None,
    }
    if actor.trigger_id:
        payload["trigger_id"] = actor.trigger_id
    return payload


def slash_command(command: str, text: str, actor: Actor, channel: Conversation, response_url: str) -> bytes:
    return urlencode(
        {
            "token": TOKEN,
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel.id,
            "channel_name": "directmessage" if channel.user else channel.name,
            "user_id": actor.user_id,
            "user_name": actor.user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": actor.trigger_id,
        }
    ).encode()


def interactive(payload: Json) -> bytes:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()


def message_actions(actions: list[Json], actor: Actor, at: AtMessage, state: Json) -> Json:
    """block_actions from a button or menu in a message."""
    container = {
        "type": "message",
        "message_ts": at.message.ts,
        "channel_id": at.channel.id,
        "is_ephemeral": at.message.visible_to is not None,
    }
    return {
        **_base("block_actions", actor),
        **at.fields(),
        "container": container,
        "state": {"values": state},
        "response_url": at.response_url,
        "actions": actions,
    }


def view_actions(actions: list[Json], actor: Actor, view: Json) -> Json:
    """block_actions from an element in a modal or the home tab."""
    return {
        **_base("block_actions", actor),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "state": view["state"],
        "actions": actions,
    }


def view_submission(actor: Actor, view: Json) -> Json:
    return {**_base("view_submission", actor), "view": view, "response_urls": []}


def view_closed(actor: Actor, view: Json) -> Json:
    return {**_base("view_closed", actor), "view": view, "is_cleared": False}


def block_suggestion(actor: Actor, view: Json, *, action_id: str, block_id: str, value: str) -> Json:
    return {
        **_base("block_suggestion", actor),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
    }


def message_shortcut(callback_id: str, actor: Actor, at: AtMessage) -> Json:
    return {
        **_base("message_action", actor),
        **at.fields(),
        "callback_id": callback_id,
        "action_ts": f"{time.time():.6f}",
        "message_ts": at.message.ts,
        "response_url": at.response_url,
    }


def app_home_opened(user_id: str, channel_id: str, home: Json | None) -> bytes:
    event: Json = {"type": "app_home_opened", "user": user_id, "channel": channel_id, "tab": "home"}
    if home is not None:
        event["view"] = home
    now = time.time()
    event["event_ts"] = f"{now:.6f}"
    return json.dumps(
        {
            "token": TOKEN,
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": f"Ev{int(now * 1000):X}",
            "event_time": int(now),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": event,
        },
        ensure_ascii=False,
    ).encode()
