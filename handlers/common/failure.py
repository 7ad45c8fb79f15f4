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

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk.models.views import View

from bot.catalog import t
from bot.errors import BadRequest
from handlers.common.views import notice_modal

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
    return notice_modal(t("common.failure.title"), t("common.failure.body", reference=reference))


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
    if body.get("type") == "view_submission" and response is not None:
        return BoltResponse(status=200, body={"response_action": "update", "view": failure_modal(reference).to_dict()})
    if "command" in body and response is not None:  # the body of a slash command's response is shown to the user
        return BoltResponse(
            status=200, body={"response_type": "ephemeral", "text": t("common.failure.text", reference=reference)}
        )
    if respond is not None:  # a button, or a listener that had acknowledged: its response_url reaches the user
        _tell(respond, reference)
    return None if response is None else BoltResponse(status=200, body="")


def _tell(respond: Callable[..., Any], reference: str) -> None:
    try:
        respond(text=t("common.failure.text", reference=reference), response_type="ephemeral", replace_original=False)
    except Exception:  # Slack unreachable too: the log line above is all there is
        log.warning("could not tell the user of failure [ref %s]", reference, exc_info=True)


class _AnswerStaysGiven(Ack):
    """Bolt's thread runner (slack_bolt/listener/thread_runner.py) sets ``ack.response = None`` when a
    listener fails after acknowledging; unless its 10 ms poll saw the answer first, the request then
    waits out ack_timeout and is answered 404. Here an answer once given stays given."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "response" and value is None and getattr(self, "response", None) is not None:
            return
        super().__setattr__(name, value)


def keep_answers(app: App) -> None:
    """Gives every request an acknowledgement that a late failure cannot take back."""

    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context["ack"] = _AnswerStaysGiven()
        next()

    app.middleware(middleware)
