"""Thin listeners for /sns-report: parse, one unit of work, ack, one Slack call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.catalog import t
from bot.errors import BadRequest
from bot.mrkdwn import escape
from bot.runtime import Runtime
from bot.urls import parse_urls
from handlers.common.context import runtime_of
from handlers.common.forms import FormValues, view_id_of
from handlers.common.metadata import button_channel
from handlers.common.modals import open_modal, open_on_click
from handlers.report.buttons import BY_ID, Change
from handlers.report.context import context_of
from handlers.report.domain import Context, CopyRef, Outcome, Submission
from handlers.report.forms import prefill_from, read_report
from handlers.report.ids import ReportIds
from handlers.report.metadata import CaseAction
from handlers.report.service import actions, queries
from handlers.report.service.submission import submit
from handlers.report.views.case_list import case_list
from handlers.report.views.case_modals import REASONS, correction_modal
from handlers.report.views.report_modal import Prefill, received_view, report_modal_for
from storage.idempotency import once

# -- the report --------------------------------------------------------------------------------


def open_report(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    runtime = runtime_of(context)
    user_id = body["user_id"]
    if body.get("text", "").strip().lower() == "list":
        with runtime.sessions() as session:
            everything, shown = queries.visible_cases(session, runtime.config.directory, user_id)
        respond(**case_list(everything, shown, runtime.clock.now()))
        return
    open_modal(client, runtime, trigger_id=body["trigger_id"], view=_report_modal(runtime, user_id), user_id=user_id)


def open_from_message(ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    runtime = runtime_of(context)
    prefill = prefill_from((shortcut.get("message") or {}).get("text") or "")
    open_on_click(client, runtime, shortcut, _report_modal(runtime, shortcut["user"]["id"], prefill))


def _report_modal(runtime: Runtime, user_id: str, prefill: Prefill | None = None) -> dict[str, Any]:
    directory = runtime.config.directory
    own = directory.departments_of(user_id)
    default = own[0] if own else None
    return report_modal_for(directory, default, runtime.clock.now(), prefill or Prefill())


def submit_report(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    form, errors = read_report(view, ctx.directory, ctx.now)
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    result = once(
        runtime.sessions,
        view_id_of(view),
        ReportIds.SUBMIT,
        ctx.now,
        lambda session: asdict(submit(session, ctx, form, body["user"]["id"])),
    )
    submission = Submission(**result)  # a retried submission gets the first one's answer
    ack(response_action="update", view=received_view(submission, escape(ctx.directory.offices.public_info.name)))


# -- buttons on a case's copies ----------------------------------------------------------------


def _clicked(body: dict[str, Any], action: dict[str, Any]) -> tuple[CopyRef, CaseAction]:
    meta = CaseAction.decode(action.get("value"))
    channel = button_channel(body)
    return CopyRef(case_id=meta.case_id, copy_id=meta.copy_id, channel=channel), meta


def _submitted(view: dict[str, Any]) -> tuple[CopyRef, CaseAction]:
    # private_metadata is ours, kept by Slack: no channel to compare, the permission is checked again.
    meta = CaseAction.decode(view.get("private_metadata"))
    return CopyRef(case_id=meta.case_id, copy_id=meta.copy_id, channel=None), meta


def case_change(change: Change) -> Callable[..., None]:
    """A listener for a button that changes the case: commit, ack, and tell a refused user why."""

    def listener(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        runtime = runtime_of(context)
        ref, _ = _clicked(body, action)
        with runtime.sessions.begin() as session:
            outcome = change(session, context_of(runtime), ref, body["user"]["id"])
        ack()
        tell(outcome, respond)

    return listener


def tell(outcome: Outcome, respond: Respond) -> None:
    if outcome == Outcome.DENIED:
        respond(text=t("report.denied"), response_type="ephemeral", replace_original=False)


def open_case_modal(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """A button that asks first (resolve, comment, report to the committee): its modal, when the user may."""
    runtime = runtime_of(context)
    ref, meta = _clicked(body, action)
    button = BY_ID[ReportIds(action["action_id"])]
    with runtime.sessions.begin() as session:
        outcome = actions.check(session, context_of(runtime), ref, body["user"]["id"], button.action)
        number = queries.number_of(session, ref.case_id)
    ack()
    if outcome == Outcome.DONE and button.modal is not None:
        open_on_click(client, runtime, body, button.modal(meta, number), subject=f"case:{ref.case_id}")
    tell(outcome, respond)


def toggle_item(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    ref, meta = _clicked(body, action)
    if meta.item is None or meta.done is None:
        raise BadRequest("a checklist button without its item or the state it sets")
    with runtime.sessions.begin() as session:
        outcome = actions.set_item(session, context_of(runtime), ref, body["user"]["id"], meta.item, meta.done)
        number = queries.number_of(session, ref.case_id)
    ack()
    if outcome == Outcome.NEEDS_VALUE:
        open_on_click(client, runtime, body, correction_modal(meta, number), subject=f"case:{ref.case_id}")
    tell(outcome, respond)


def ack_modal(ack: Ack, outcome: Outcome, block_id: str) -> None:
    """Closes the modal, or, when the user may no longer do this, says so under ``block_id``."""
    if outcome == Outcome.DENIED:
        ack(response_action="errors", errors={block_id: t("report.denied")})
    else:
        ack()


# -- modals opened from a case -----------------------------------------------------------------


def _once_per_view(runtime: Runtime, view: dict[str, Any], change: Callable[[Session, Context], Outcome]) -> Outcome:
    """Applies a modal's change once per submission: a Slack retry or a second press of 送信 gets the
    first answer. A refusal is not recorded, so it stays a refusal."""
    ctx = context_of(runtime)

    def work(session: Session) -> dict[str, str] | None:
        outcome = change(session, ctx)
        return None if outcome == Outcome.DENIED else {"outcome": outcome.value}

    result = once(runtime.sessions, view_id_of(view), view["callback_id"], ctx.now, work)
    return Outcome.DENIED if result is None else Outcome(result["outcome"])


def submit_resolution(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ref, _ = _submitted(view)
    values = FormValues(view)
    reason = values.selected(ReportIds.RESOLUTION_REASON)
    if reason not in REASONS:
        ack(response_action="errors", errors={ReportIds.RESOLUTION_REASON: t("report.error.reason.required")})
        return
    note = values.text(ReportIds.RESOLUTION_NOTE) or None
    outcome = _once_per_view(
        runtime, view, lambda session, ctx: actions.resolve(session, ctx, ref, body["user"]["id"], reason, note)
    )
    ack_modal(ack, outcome, ReportIds.RESOLUTION_REASON)


def submit_comment(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ref, _ = _submitted(view)
    text = FormValues(view).text(ReportIds.COMMENT_TEXT)
    if not text:
        ack(response_action="errors", errors={ReportIds.COMMENT_TEXT: t("report.error.committee.required")})
        return
    outcome = _once_per_view(
        runtime, view, lambda session, ctx: actions.comment(session, ctx, ref, body["user"]["id"], text)
    )
    ack_modal(ack, outcome, ReportIds.COMMENT_TEXT)


def submit_correction(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ref, _ = _submitted(view)
    urls, invalid = parse_urls(FormValues(view).text(ReportIds.CORRECTION_URL))
    if invalid or len(urls) != 1:
        ack(response_action="errors", errors={ReportIds.CORRECTION_URL: t("report.error.correction.invalid")})
        return
    outcome = _once_per_view(
        runtime, view, lambda session, ctx: actions.record_correction(session, ctx, ref, body["user"]["id"], urls[0])
    )
    ack_modal(ack, outcome, ReportIds.CORRECTION_URL)


def submit_committee_report(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ref, _ = _submitted(view)
    values = FormValues(view)
    measures, progress = values.text(ReportIds.MEASURES), values.text(ReportIds.PROGRESS)
    missing = {
        block: t("report.error.committee.required")
        for block, text in ((ReportIds.MEASURES, measures), (ReportIds.PROGRESS, progress))
        if not text
    }
    if missing:
        ack(response_action="errors", errors=missing)
        return
    outcome = _once_per_view(
        runtime,
        view,
        lambda session, ctx: actions.report_committee(session, ctx, ref, body["user"]["id"], measures, progress),
    )
    ack_modal(ack, outcome, ReportIds.MEASURES)
