"""The one error handler: a listener's failure becomes a log line and a Japanese message.

Bolt answers 500 to any listener error unless told otherwise, and Slack then shows its own
English error. Here a bad request gets its 4xx, an unknown id a 404, and a real failure a
reference number the user can quote to IT, who find the traceback under it in the log.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.catalog import t
from bot.errors import BadRequest

log = logging.getLogger("sns_bot.listeners")


def describe(body: dict[str, Any]) -> str:
    """What the request was, for the log: its type and ids, never what the user typed."""
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    actions = [a.get("action_id") for a in body.get("actions") or [] if isinstance(a, dict)]
    kind = body.get("type") or ("slash_command" if "command" in body else "?")
    parts = [kind, body.get("command"), view.get("callback_id"), body.get("callback_id"), *actions, event.get("type")]
    return " ".join(str(part) for part in parts if part)


def failure_modal(reference: str) -> View:
    return View(
        type="modal",
        title=t("common.failure.title"),
        close=t("common.close"),
        blocks=[SectionBlock(text=t("common.failure.body", reference=reference))],
    )


def handle_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None, respond: Callable[..., Any] | None
) -> BoltResponse | None:
    if isinstance(error, BoltUnhandledRequestError):
        if body.get("type") == "event_callback":
            # An event nobody listens to is no error; a non-200 would make Slack retry it.
            return BoltResponse(status=200, body="")
        log.warning("no listener for %s", describe(body))
        return BoltResponse(status=404, body="")
    if isinstance(error, BadRequest):
        log.warning("bad request (%s): %s", error, describe(body))
        return BoltResponse(status=error.status, body="") if response is not None else None
    reference = secrets.token_hex(4)
    log.exception("listener failed [ref %s] on %s", reference, describe(body))
    if response is None:  # already acknowledged: tell the user another way, if there is one
        if respond is not None:
            respond(text=t("common.failure.text", reference=reference), response_type="ephemeral")
        return None
    return _failure_response(body, reference)


def _failure_response(body: dict[str, Any], reference: str) -> BoltResponse:
    if body.get("type") == "view_submission":
        return BoltResponse(status=200, body={"response_action": "update", "view": failure_modal(reference).to_dict()})
    if "command" in body:  # the body of a slash command's response is shown to the user
        return BoltResponse(
            status=200, body={"response_type": "ephemeral", "text": t("common.failure.text", reference=reference)}
        )
    return BoltResponse(status=200, body="")
