"""Requests as Slack sends them, built from plain ids for the tests and the bench (the playground's own
session shapes them from its workspace: playground/payloads.py): signed bodies of slash commands,
interactions and events, and the report modal's submitted values."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from playground import payloads, signing

SIGNING_SECRET = "test-signing-secret"  # noqa: S105 - shared by the tests' and the bench's bots only
# Slack always sends a response_url; callers that read what is said there pass the stand-in's.
UNREAD_RESPONSE_URL = "http://127.0.0.1:9/commands/unread"
DEFAULT_URL = "https://x.com/soja_city/status/1234567890"
DEFAULT_SUMMARY = "市の観光イベントの投稿に批判的な返信が急増しています。"


def signature_headers(body: bytes, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    """Signed with the shared secret by default, as if ``age`` seconds ago (negative: from the future).
    The timestamp is read now: call this when sending, never ahead of time."""
    return signing.signature_headers(body, secret=secret, timestamp=int(time.time()) - age)


def slash_command(
    command: str, *, user_id: str = "U0STAFF1", text: str = "", response_url: str = UNREAD_RESPONSE_URL
) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0TEST",
            "team_domain": "soja",
            "channel_id": "C0RANDOM",
            "channel_name": "random",
            "user_id": user_id,
            "user_name": "staff",
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "response_url": response_url,
            "trigger_id": "1337.42.abcd",
        }
    )


def interactive(payload: dict[str, Any]) -> str:
    return payloads.interactive(payload).decode()


def _interaction(kind: str, user_id: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": "T0TEST", "domain": "soja"},
        "user": {"id": user_id, "team_id": "T0TEST"},
        "api_app_id": "A0TEST",
        "trigger_id": "1337.42.abcd",
    }


def block_action(action_id: str, *, user_id: str = "U0STAFF1", value: str = "{}") -> dict[str, Any]:
    return {
        **_interaction("block_actions", user_id),
        "container": {"type": "message", "channel_id": "C0RANDOM", "message_ts": "1700000000.000100"},
        "channel": {"id": "C0RANDOM"},
        "response_url": UNREAD_RESPONSE_URL,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}],
    }


def view_submission(callback_id: str, *, user_id: str = "U0STAFF1", values: dict[str, Any] | None = None) -> dict:
    return {
        **_interaction("view_submission", user_id),
        "view": {
            "id": "V" + secrets.token_hex(5).upper(),  # each opened modal is its own view; a retry reuses it
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": "",
            "state": {"values": values or {}},
        },
    }


def event_callback(event: dict[str, Any]) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": "T0TEST",
            "api_app_id": "A0TEST",
            "type": "event_callback",
            "event_id": "Ev0TEST",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0TEST", "user_id": "UBOT", "is_bot": True}],
            "event": event,
        }
    )


def report_values(
    *,
    kind: str | None = "flame",
    capacity: str = "official",
    urls: str = DEFAULT_URL,
    summary: str = DEFAULT_SUMMARY,
    discovered_at: int | None = None,
    department: str | None = "kanko",
    account: str | None = None,
) -> dict[str, Any]:
    """``view.state.values`` of a submitted report modal (block id == action id)."""

    def select_(value: str | None) -> dict[str, Any]:
        return {"selected_option": {"value": value} if value is not None else None}

    fields: dict[str, dict[str, Any]] = {
        "report.kind": {"type": "static_select", **select_(kind)},
        "report.capacity": {"type": "radio_buttons", **select_(capacity)},
        "report.urls": {"type": "plain_text_input", "value": urls},
        "report.summary": {"type": "plain_text_input", "value": summary},
        "report.discovered_at": {"type": "datetimepicker", "selected_date_time": discovered_at},
        "report.department": {"type": "static_select", **select_(department)},
        "report.account": {"type": "plain_text_input", "value": account},
    }
    return {block: {block: element} for block, element in fields.items()}
