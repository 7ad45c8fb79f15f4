"""Thin listeners for /sns-draft and /sns-check: parse, one unit of work, ack, one Slack call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.catalog import t
from bot.config import Department
from bot.directory import Directory
from bot.errors import BadRequest
from bot.lint import Severity
from bot.runtime import Runtime
from bot.urls import parse_urls
from handlers.common.context import runtime_of
from handlers.common.forms import FormValues, view_id_of
from handlers.common.metadata import button_channel
from handlers.common.modals import open_modal, open_on_click
from handlers.common.work import context_of
from handlers.draft import absences, authoring, checks, decisions
from handlers.draft.domain import NEEDS_COMMENT, Answer, Outcome
from handlers.draft.forms import read_absence, read_draft
from handlers.draft.ids import DraftIds
from handlers.draft.metadata import DraftAction
from handlers.draft.views import (
    DraftPrefill,
    check_result,
    comment_modal,
    draft_modal,
    published_modal,
    submitted_view,
)
from storage.idempotency import once

ANSWERS = {
    DraftIds.REVIEW_OK: Answer.OK,
    DraftIds.REVIEW_ISSUE: Answer.ISSUE,
    DraftIds.APPROVE: Answer.APPROVE,
    DraftIds.RETURN: Answer.RETURN,
    DraftIds.REJECT: Answer.REJECT,
}


def _department(directory: Directory, user_id: str) -> Department | None:
    own = directory.departments_of(user_id)
    return own[0] if own else None


def _modal(
    directory: Directory, department: Department | None, now: datetime, prefill: DraftPrefill | None = None
) -> View:
    approvers = [(a, directory.name_of(a)) for a in department.approvers] if department else []
    route = None
    if department is not None and department.approval_route:
        route = ["・".join(directory.name_of(a) for a in step.approvers) for step in department.approval_route]
    return draft_modal(approvers, route, now, prefill)


def open_draft(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    runtime = runtime_of(context)
    words = (body.get("text") or "").split()
    if words[:1] == ["absent"]:
        respond(text=_absence(runtime, body["user_id"], words[1:]), response_type="ephemeral")
        return
    directory = runtime.config.directory
    view = _modal(directory, _department(directory, body["user_id"]), runtime.clock.now())
    open_modal(client, runtime, trigger_id=body["trigger_id"], view=view, user_id=body["user_id"])


def _absence(runtime: Runtime, user_id: str, words: list[str]) -> str:
    """/sns-draft absent on|off|FROM UNTIL: the reply to show."""
    ctx = context_of(runtime)
    absence = read_absence(words, ctx.directory.timezone, ctx.now)
    if absence == "usage":
        return t("draft.absent.usage")
    starts, ends = absence if isinstance(absence, tuple) else (None, None)
    with runtime.sessions.begin() as session:
        offered = absences.set_absence(session, ctx, user_id, starts, ends)
    if starts is None:
        reply = t("draft.absent.off")
    elif ends is None:
        reply = t("draft.absent.on")
    else:
        shown = ends.astimezone(ctx.directory.timezone) - timedelta(days=1)
        reply = t("draft.absent.range", start=starts.date().isoformat(), end=shown.date().isoformat())
    return reply + ("\n" + t("draft.absent.offered", count=offered) if offered else "")


def submit_draft(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    author = body["user"]["id"]
    revising = DraftAction.decode(view["private_metadata"]).draft_id if view.get("private_metadata") else None
    department = _department(ctx.directory, author)
    form, errors = read_draft(view, ctx.directory, department, author, ctx.now)
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    with runtime.sessions() as session:
        findings = checks.check_text(session, ctx, form.text, form.account, exclude_draft=revising)
    blocking = [f for f in findings if f.severity == Severity.BLOCK]
    if blocking and not form.consented:
        items = "、".join(f"「{f.excerpt}」" for f in blocking[:5])
        ack(response_action="errors", errors={DraftIds.TEXT: t("draft.error.personal_info", items=items)})
        return

    def work(session: Session) -> dict[str, Any] | None:
        if revising is None:
            done = authoring.submit(session, ctx, form, author, findings, department)
        else:
            done = authoring.resubmit(session, ctx, revising, form, author, findings)
        return {**asdict(done), "findings": [f.to_dict() for f in findings]} if done else None

    # A retried submission gets the first one's answer: one draft, one round of requests.
    submitted = once(runtime.sessions, view_id_of(view), DraftIds.SUBMIT, ctx.now, work)
    if submitted is None:
        ack(response_action="errors", errors={DraftIds.TEXT: t("draft.error.not_revisable")})
        return
    ack(response_action="update", view=submitted_view(form.kind, submitted["asked"], submitted["findings"]))


def answer_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """確認OK and 承認 answer at once; 指摘あり, 差戻し and 却下 ask for a comment first."""
    runtime = runtime_of(context)
    meta, channel = DraftAction.decode(action.get("value")), button_channel(body)
    given = ANSWERS[DraftIds(action["action_id"])]
    if meta.request_id is None:
        raise BadRequest("a decision button without its request")
    user = body["user"]["id"]
    with runtime.sessions.begin() as session:
        if given in NEEDS_COMMENT:
            outcome = decisions.may_answer(session, context_of(runtime), meta.request_id, user, channel)
        else:
            outcome = decisions.answer(session, context_of(runtime), meta.request_id, user, given, None, channel)
    ack()
    if given in NEEDS_COMMENT and outcome == Outcome.DONE:
        view = comment_modal(meta.model_copy(update={"answer": given}))
        open_on_click(client, runtime, body, view, subject=f"draft:{meta.draft_id}")
    tell(outcome, respond)


# Why an answer was refused, as the user is told.
REFUSALS = {
    Outcome.DENIED: "draft.denied",
    Outcome.EXPIRED: "draft.error.past_schedule",
    Outcome.APPROVERS_BACK: "draft.error.approvers_back",
}


def tell(outcome: Outcome, respond: Respond) -> None:
    if outcome in REFUSALS:
        _refuse(respond, REFUSALS[outcome])


def _refuse(respond: Respond, key: str) -> None:
    respond(text=t(key), response_type="ephemeral", replace_original=False)


def submit_comment(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    meta = DraftAction.decode(view.get("private_metadata"))
    comment = FormValues(view).text(DraftIds.COMMENT)
    if not comment:
        ack(response_action="errors", errors={DraftIds.COMMENT: t("draft.error.comment.required")})
        return
    if meta.request_id is None or meta.answer not in set(Answer):
        raise BadRequest("a comment modal without its request and answer")
    with runtime.sessions.begin() as session:
        outcome = decisions.answer(
            session, context_of(runtime), meta.request_id, body["user"]["id"], Answer(meta.answer), comment, None
        )
    if outcome in REFUSALS:
        ack(response_action="errors", errors={DraftIds.COMMENT: t(REFUSALS[outcome])})
    else:
        ack()


def open_revision(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """「修正して再提出」: the draft modal again, prefilled with the last version."""
    _open_for_author(ack, body, action, client, respond, context, _revision_modal, "draft.error.not_revisable")


def open_published(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """「投稿しました」: a modal asking for the published post's URL."""
    _open_for_author(ack, body, action, client, respond, context, _published_modal, "draft.denied")


def _revision_modal(session: Session, runtime: Runtime, draft_id: int, user_id: str) -> View | None:
    draft = authoring.may_revise(session, context_of(runtime), draft_id, user_id)
    if draft is None:
        return None
    last, directory = draft.versions[-1], runtime.config.directory
    prefill = DraftPrefill(draft.id, draft.account, last.text, draft.kind, last.note, last.corrects_url)
    return _modal(directory, directory.department(draft.department_id), runtime.clock.now(), prefill)


def _published_modal(session: Session, runtime: Runtime, draft_id: int, user_id: str) -> View | None:
    allowed = authoring.may_publish(session, context_of(runtime), draft_id, user_id)
    return published_modal(DraftAction(draft_id=draft_id)) if allowed else None


def _open_for_author(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    modal_for: Callable[[Session, Runtime, int, str], View | None],
    refusal: str,
) -> None:
    """A button of the author's DM that opens a modal: ``modal_for`` gives it, or None and ``refusal`` is said."""
    runtime = runtime_of(context)
    meta = DraftAction.decode(action.get("value"))
    with runtime.sessions.begin() as session:
        view = modal_for(session, runtime, meta.draft_id, body["user"]["id"])
    ack()
    if view is None:
        _refuse(respond, refusal)
        return
    open_on_click(client, runtime, body, view, subject=f"draft:{meta.draft_id}")


def submit_published(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    meta = DraftAction.decode(view.get("private_metadata"))
    urls, invalid = parse_urls(FormValues(view).text(DraftIds.PUBLISHED_URL))
    if invalid or len(urls) != 1:
        ack(response_action="errors", errors={DraftIds.PUBLISHED_URL: t("draft.error.url.invalid")})
        return
    with runtime.sessions.begin() as session:
        outcome = authoring.publish(session, context_of(runtime), meta.draft_id, body["user"]["id"], urls[0])
    if outcome == Outcome.DENIED:
        ack(response_action="errors", errors={DraftIds.PUBLISHED_URL: t("draft.denied")})
    else:
        ack()


def check_text(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """/sns-check <text>: the linter for anyone, private posts included (5(3))."""
    ack()
    text = (body.get("text") or "").strip()
    if not text:
        respond(text=t("draft.check.usage"), response_type="ephemeral")
        return
    runtime = runtime_of(context)
    findings = checks.lint_text(context_of(runtime), text)
    respond(**check_result(text, [f.to_dict() for f in findings]))
