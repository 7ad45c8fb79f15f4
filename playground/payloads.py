"""Requests as Slack sends them to an app: slash commands, interactions and events, shaped from the workspace.

Pure functions: the session fills in who, where and which trigger id / response URL; these only shape."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from playground.workspace import APP_ID, BOT_USER_ID, TEAM_ID, Conversation, Message

Json = dict[str, Any]
TEAM_DOMAIN = "soja"
TOKEN = "playground-verification-token"  # noqa: S105 - Slack's legacy field, unused by the bot


def _user(user_id: str, name: str) -> Json:
    return {"id": user_id, "username": user_id.lower(), "name": name, "team_id": TEAM_ID}


def _base(kind: str, user_id: str, name: str, trigger_id: str) -> Json:
    return {
        "type": kind,
        "token": TOKEN,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id, name),
        "api_app_id": APP_ID,
        "trigger_id": trigger_id,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def slash_command(
    command: str, text: str, *, user_id: str, name: str, channel: Conversation, trigger_id: str, response_url: str
) -> bytes:
    return urlencode(
        {
            "token": TOKEN,
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel.id,
            "channel_name": "directmessage" if channel.user else channel.name,
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    ).encode()


def interactive(payload: Json) -> bytes:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()


def message_actions(
    actions: list[Json],
    *,
    user_id: str,
    name: str,
    trigger_id: str,
    channel: Conversation,
    message: Message,
    response_url: str,
    state: Json,
) -> Json:
    """block_actions from a button or menu in a message."""
    return {
        **_base("block_actions", user_id, name, trigger_id),
        "container": {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": channel.id,
            "is_ephemeral": message.visible_to is not None,
        },
        "channel": {"id": channel.id, "name": channel.name},
        "message": message.to_json(),
        "state": {"values": state},
        "response_url": response_url,
        "actions": actions,
    }


def view_actions(actions: list[Json], *, user_id: str, name: str, trigger_id: str, view: Json) -> Json:
    """block_actions from an element in a modal or the home tab."""
    return {
        **_base("block_actions", user_id, name, trigger_id),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "state": view["state"],
        "actions": actions,
    }


def view_submission(*, user_id: str, name: str, trigger_id: str, view: Json) -> Json:
    return {**_base("view_submission", user_id, name, trigger_id), "view": view, "response_urls": []}


def view_closed(*, user_id: str, name: str, view: Json) -> Json:
    payload = {**_base("view_closed", user_id, name, ""), "view": view, "is_cleared": False}
    del payload["trigger_id"]
    return payload


def block_suggestion(*, user_id: str, name: str, view: Json, action_id: str, block_id: str, value: str) -> Json:
    payload = {
        **_base("block_suggestion", user_id, name, ""),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
    }
    del payload["trigger_id"]
    return payload


def message_shortcut(
    callback_id: str,
    *,
    user_id: str,
    name: str,
    trigger_id: str,
    channel: Conversation,
    message: Message,
    response_url: str,
) -> Json:
    return {
        **_base("message_action", user_id, name, trigger_id),
        "callback_id": callback_id,
        "action_ts": f"{time.time():.6f}",
        "channel": {"id": channel.id, "name": channel.name},
        "message_ts": message.ts,
        "message": message.to_json(),
        "response_url": response_url,
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
