"""Modals have provenance: the bot records each view it opens (for whom, what for, about what) and acts on
a submission only of a view it opened for that person.

Slack sends a submission only of a view the app opened; one the bot has no record of was forged with the
signing secret, or is older than the records kept (storage.views.KEPT). Slack wants a 200 for a view
submission, so the answer is a modal asking to open it again, and one warning line.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.logs import one_line
from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from handlers.common.context import runtime_of
from handlers.common.views import not_opened_modal
from storage import views

log = logging.getLogger("sns_bot.listeners")


def open_modal(
    client: WebClient,
    runtime: Runtime,
    *,
    trigger_id: str,
    view: View | dict[str, Any],
    user_id: str,
    subject: str | None = None,
) -> None:
    """views.open, recorded. The record is committed before the call, under an external_id of ours that
    Slack sends back with the submission: the modal appears about when views.open answers, so a quick
    submission could arrive before the view id in that answer is recorded. Both records share their commit
    with the other modals opened meanwhile (a burst of /sns-report would otherwise queue on the disk)."""
    external_id = secrets.token_hex(16)
    body = view if isinstance(view, dict) else view.to_dict()  # a dict: serialised already (and not ours to change)
    purpose, now = body.get("callback_id") or "", runtime.clock.now()
    runtime.group_commit.write(
        lambda session: views.expect(
            session, external_id=external_id, user_id=user_id, purpose=purpose, subject=subject, now=now
        )
    )
    answer = client.views_open(trigger_id=trigger_id, view={**body, "external_id": external_id})
    runtime.group_commit.write(
        lambda session: views.opened(session, external_id=external_id, view_id=answer["view"]["id"])
    )


def open_on_click(
    client: WebClient, runtime: Runtime, body: dict[str, Any], view: View | dict[str, Any], subject: str | None = None
) -> None:
    """open_modal for the person who clicked (a button, a message shortcut), with the click's trigger."""
    user_id = body["user"]["id"]
    open_modal(client, runtime, trigger_id=body["trigger_id"], view=view, user_id=user_id, subject=subject)


def only_opened_views(app: App) -> None:
    """A global middleware: a view submission reaches its listener only if the bot opened that view for
    the submitting user, in the same feature (a view updated by ``response_action`` keeps its id but may
    change its callback_id: 申請 page 1 becomes page 2)."""

    def middleware(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:
        if body.get("type") != "view_submission" or _opened_here(runtime_of(context), body):
            next()
            return None
        view = body["view"]
        log.warning(
            "submission refused: view %s (%s) was not opened by the bot for %s",
            one_line(view["id"]),
            one_line(str(view.get("callback_id", ""))),
            one_line(body["user"]["id"]),
        )
        return BoltResponse(status=200, body={"response_action": "update", "view": not_opened_modal().to_dict()})

    app.middleware(middleware)


def _opened_here(runtime: Runtime, body: dict[str, Any]) -> bool:
    view = body["view"]  # its id and the user's are strings: checked at the edge (bot/slack_shapes.py)
    external_id = view.get("external_id")
    with runtime.reading() as session:
        record = views.opened_for(
            session,
            view_id=view["id"],
            external_id=external_id if isinstance(external_id, str) and external_id else None,
            user_id=body["user"]["id"],
        )
    return record is not None and _feature(record.purpose) == _feature(str(view.get("callback_id", "")))


def _feature(callback_id: str) -> str:
    return callback_id.split(".", 1)[0]


def sweep(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        return views.sweep(session, runtime.clock.now())


JOBS = (ScheduledJob(id="views.sweep", func=sweep, trigger=IntervalTrigger(hours=1)),)
