"""Thin listeners for the usage application: parse, one unit of work, ack, one Slack call.

``open_application`` is called by ``/sns-account apply``; this package registers no command."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.catalog import t
from bot.config import Department
from bot.errors import BadRequest
from bot.mrkdwn import escape
from bot.runtime import Runtime
from handlers.application import service
from handlers.application.domain import NEEDS_COMMENT, Answer, ApplicationAction, FirstPage, Outcome
from handlers.application.forms import emergency_form, read_first_page, read_second_page
from handlers.application.ids import ApplicationIds as Ids
from handlers.application.views import (
    COMMENT_MAX,
    comment_modal,
    no_department_modal,
    page_one_modal,
    page_two_modal,
    submitted_view,
)
from handlers.common.context import runtime_of
from handlers.common.forms import FormValues, view_id_of
from handlers.common.metadata import button_channel
from handlers.common.modals import open_modal, open_on_click
from handlers.common.work import Context, context_of
from storage.idempotency import once
from storage.models import ApplicationStatus

ANSWERS = {
    Ids.HEAD_APPLY: Answer.APPLY,
    Ids.HEAD_RETURN: Answer.HEAD_RETURN,
    Ids.APPROVE: Answer.APPROVE,
    Ids.RETURN: Answer.RETURN,
    Ids.REJECT: Answer.REJECT,
}


def _department(ctx: Context, user_id: str) -> Department | None:
    return service.head_department(ctx.directory.departments_of(user_id), user_id)


def open_application(client: WebClient, trigger_id: str, runtime: Runtime, user_id: str) -> None:
    """Opens page 1 of the usage application modal (4(4)①②) for ``user_id``."""
    ctx = context_of(runtime)
    department = _department(ctx, user_id)
    if department is None:
        view = no_department_modal()
    else:
        head = ctx.directory.name_of(department.head)
        view = page_one_modal(escape(department.name), head, by_head=department.head == user_id)
    open_modal(client, runtime, trigger_id=trigger_id, view=view, user_id=user_id)


def submit_first_page(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Page 1: on to page 2, or with 緊急 ticked, straight to the head or 市政情報課."""
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    user = body["user"]["id"]
    department = _department(ctx, user)
    first, emergency, errors = read_first_page(view, department)
    if first is None or department is None:
        ack(response_action="errors", errors=errors)
        return
    default_interval = ctx.directory.config.reminders.effectiveness_review_days
    if not emergency:
        ack(response_action="update", view=page_two_modal(first, default_interval))
        return
    with runtime.sessions.begin() as session:
        submitted = service.submit(session, ctx, emergency_form(first, default_interval), user, department)
    ack(response_action="update", view=_submitted(ctx, submitted))


def submit_second_page(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    user = body["user"]["id"]
    first = FirstPage.decode(view.get("private_metadata"))
    department = _department(ctx, user)
    form, errors = read_second_page(view, first)
    if department is None:  # left every department between the two pages (April)
        errors = {Ids.FREQUENCY: t("application.error.department.unknown")}
    if form is None or department is None:
        ack(response_action="errors", errors=errors)
        return
    # A retried submission gets the first one's answer: one application, sent to the head once.
    submitted = once(
        runtime.sessions,
        view_id_of(view),
        view["callback_id"],
        ctx.now,
        lambda session: asdict(service.submit(session, ctx, form, user, department)),
    )
    ack(response_action="update", view=_submitted(ctx, service.Submitted(**submitted)))


def _submitted(ctx: Context, submitted: service.Submitted) -> Any:
    office = escape(ctx.directory.offices.public_info.name)
    return submitted_view(submitted.status == ApplicationStatus.WITH_HEAD, submitted.head_name, office)


def answer_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """申請する and 承認 answer at once; 差し戻す, 差戻し and 却下 ask for a comment first."""
    runtime = runtime_of(context)
    meta = ApplicationAction.decode(action.get("value"))
    channel = button_channel(body)
    given = ANSWERS[Ids(action["action_id"])]
    user = body["user"]["id"]
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        if given in NEEDS_COMMENT:
            outcome = service.may_answer(session, ctx, meta.application_id, user, given, channel)
        else:
            outcome = service.answer(session, ctx, meta.application_id, user, given, None, channel)
    ack()
    if given in NEEDS_COMMENT and outcome == Outcome.DONE:
        view = comment_modal(meta.model_copy(update={"answer": given}))
        open_on_click(client, runtime, body, view, subject=f"application:{meta.application_id}")
    elif outcome != Outcome.DONE:
        respond(text=t(f"application.{outcome}"), response_type="ephemeral", replace_original=False)


def submit_comment(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    meta = ApplicationAction.decode(view.get("private_metadata"))
    comment = FormValues(view).text(Ids.COMMENT)
    if not comment or len(comment) > COMMENT_MAX:
        ack(response_action="errors", errors={Ids.COMMENT: t("application.error.comment", limit=COMMENT_MAX)})
        return
    if meta.answer not in NEEDS_COMMENT:
        raise BadRequest("a comment modal without an answer that takes one")
    given = Answer(meta.answer)
    with runtime.sessions.begin() as session:
        outcome = service.answer(
            session, context_of(runtime), meta.application_id, body["user"]["id"], given, comment, None
        )
    if outcome == Outcome.DONE:
        ack()
    else:
        ack(response_action="errors", errors={Ids.COMMENT: t(f"application.{outcome}")})
