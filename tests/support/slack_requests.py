"""Requests as Slack sends them: signed, form- or JSON-encoded, to POST /slack/events."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playground.requests import (  # noqa: F401 - the request builders, re-exported for the tests
    SIGNING_SECRET,
    UNREAD_RESPONSE_URL,
    block_action,
    event_callback,
    interactive,
    signature_headers,
    slash_command,
    view_submission,
)
from playground.slack_rules import check_message, check_view, input_block_ids

FORM = "application/x-www-form-urlencoded"


# Slack's 5-minute window plus a margin: a forgery this old (or this far ahead) stays outside it however slowly
# the test runs.
OUTSIDE_WINDOW = 300 + 60


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    base_url: str,
    body: bytes | str,
    *,
    content_type: str = FORM,
    path: str = "/slack/events",
    method: str = "POST",
    headers: dict[str, str] | None = None,
    sign: bool = True,
    secret: str = SIGNING_SECRET,
    age: int = 0,
    timeout: float = 10.0,
) -> Reply:
    """Signed as it is sent (``age``: see signature_headers); ``headers`` override the signature's, to forge one."""
    data = body.encode() if isinstance(body, str) else body
    signature = signature_headers(data, secret=secret, age=age) if sign else {}
    all_headers = {"Content-Type": content_type, **signature, **(headers or {})}
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=data if method == "POST" else None, headers=all_headers)
        response = connection.getresponse()
        reply = Reply(response.status, response.read())
    finally:
        connection.close()
    if reply.status == 200:
        check_ack(data, reply.body)
    return reply


def check_ack(request: bytes, ack: bytes) -> None:
    """Fails the test when the bot's ack holds what Slack would refuse: a view to update or push, errors
    naming blocks that are not the submitted view's input blocks, or a message (a command's answer)."""
    try:
        answer = json.loads(ack)
    except ValueError:
        return  # empty or plain-text acks carry no Block Kit
    if not isinstance(answer, dict):
        return
    action = answer.get("response_action")
    if action in ("update", "push"):
        refusal = check_view(answer.get("view") or {})
    elif action == "errors":
        _check_errors(answer.get("errors"), _submitted_view(request))
        return
    elif "blocks" in answer or "text" in answer:
        refusal = check_message(answer, method="response_url")
    else:
        return
    assert refusal is None, f"the bot acked what Slack refuses: {refusal.body()}"


def _check_errors(errors: Any, view: dict[str, Any] | None) -> None:
    assert isinstance(errors, dict), f"response_action errors must be an object, got {errors!r}"
    assert errors, "response_action errors must name at least one block"
    assert all(isinstance(m, str) and m for m in errors.values()), f"empty error message in {errors}"
    if view is not None and view.get("blocks"):
        unknown = set(errors) - input_block_ids(view)
        assert not unknown, f"errors name blocks that are not input blocks of the submitted view: {sorted(unknown)}"


def _submitted_view(request: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(parse_qs(request.decode())["payload"][0])
    except (KeyError, ValueError):
        return None
    view = payload.get("view") if isinstance(payload, dict) else None
    return view if isinstance(view, dict) else None
