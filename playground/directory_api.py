"""The stand-in's directory methods: users.lookupByEmail and conversations.list, refusing what Slack refuses.

Shapes and errors as Slack documents them (api.slack.com/methods, python-slack-sdk's and node-slack-sdk's
types): an address nobody has, or a deactivated user's, is `users_not_found`; conversations.list pages
with an opaque cursor, `limit` 1–1000 (default 100), `types` among public_channel, private_channel, mpim,
im (default public_channel), and answers `invalid_limit`, `invalid_types` and `invalid_cursor`.
"""

from __future__ import annotations

import base64
from typing import Any

from playground.workspace import TEAM_ID, Conversation, Workspace

Json = dict[str, Any]
TYPES = frozenset({"public_channel", "private_channel", "mpim", "im"})
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def user_object(workspace: Workspace, user_id: str) -> Json:
    """A user as users.info and users.lookupByEmail answer (the e-mail needs users:read.email)."""
    real_name = workspace.names.get(user_id, f"Test User {user_id}")
    email = next((e for e, u in workspace.emails.items() if u == user_id), None)
    profile: Json = {"display_name": real_name, "real_name": real_name}
    if email:
        profile["email"] = email
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": user_id.lower(),
        "real_name": real_name,
        "deleted": False,
        "is_bot": False,
        "tz": "Asia/Tokyo",
        "tz_label": "Japan Standard Time",
        "tz_offset": 32400,
        "profile": profile,
    }


def lookup_by_email(workspace: Workspace, args: Json) -> Json:
    user_id = workspace.emails.get(str(args["email"]).strip().lower())
    if user_id is None or user_id in workspace.deactivated:
        return {"ok": False, "error": "users_not_found"}
    return {"ok": True, "user": user_object(workspace, user_id)}


def conversations_list(workspace: Workspace, args: Json) -> Json:
    limit = _limit(args.get("limit"))
    types = {t.strip() for t in str(args.get("types") or "public_channel").split(",")}
    start = _offset(args.get("cursor"))
    if limit is None:
        return {"ok": False, "error": "invalid_limit"}
    if not types <= TYPES:
        return {"ok": False, "error": "invalid_types"}
    if start is None:
        return {"ok": False, "error": "invalid_cursor"}
    with workspace.lock:
        listed = [c for c in workspace.conversations.values() if c.user is None and _of_types(c, types)]
    page = listed[start : start + limit]
    following = start + limit if start + limit < len(listed) else None
    return {
        "ok": True,
        "channels": [_channel(c) for c in page],
        "response_metadata": {"next_cursor": _cursor(following) if following is not None else ""},
    }


def _of_types(conversation: Conversation, types: set[str]) -> bool:
    return ("private_channel" if conversation.private else "public_channel") in types


def _channel(conversation: Conversation) -> Json:
    return {
        "id": conversation.id,
        "name": conversation.name,
        "name_normalized": conversation.name,
        "is_channel": not conversation.private,
        "is_group": conversation.private,
        "is_im": False,
        "is_mpim": False,
        "is_private": conversation.private,
        "is_archived": False,
        "is_general": False,
        "is_member": True,
        "created": 1_700_000_000,
        "context_team_id": TEAM_ID,
    }


def _limit(value: Any) -> int | None:
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        return None
    return limit if 1 <= limit <= MAX_LIMIT else None


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: Any) -> int | None:
    """The position a cursor of ours points at; None for one we did not hand out."""
    if cursor in (None, ""):
        return 0
    try:
        kind, _, offset = base64.b64decode(str(cursor), validate=True).decode().partition(":")
        return int(offset) if kind == "offset" and offset.isdigit() else None
    except ValueError:
        return None
