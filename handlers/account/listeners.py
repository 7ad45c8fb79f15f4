"""Thin listeners for /sns-account and the reminders' buttons."""

from __future__ import annotations

import io
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.audit_export import committee_rows, day_range, default_filename, export_audit_fields, write_xlsx
from bot.catalog import t
from bot.mrkdwn import escape
from bot.runtime import Runtime
from handlers.account import policy, service
from handlers.account.domain import Outcome
from handlers.account.forms import read_period, read_policy, read_register, read_review, read_withdrawal
from handlers.account.ids import AccountIds
from handlers.account.metadata import AccountAction
from handlers.account.views import (
    AccountRenderer,
    account_list,
    deletion_recorded,
    password_recorded,
    policy_modal,
    policy_recorded,
    register_modal,
    review_modal,
    withdraw_modal,
)
from handlers.application.listeners import open_application
from handlers.common.context import runtime_of
from handlers.common.forms import view_id_of
from handlers.common.modals import open_modal, open_on_click
from handlers.common.work import context_of
from storage import accounts, applications, audit
from storage.idempotency import once


def account_command(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """/sns-account apply | register | list | withdraw."""
    ack()
    runtime = runtime_of(context)
    user = body["user_id"]
    word = (body.get("text") or "").strip().lower()
    if word == "apply":
        open_application(client, body["trigger_id"], runtime, user)
    elif word == "register":
        _open(client, respond, runtime, body, _register_view(runtime, user), "account.register.none")
    elif word == "withdraw":
        _open(client, respond, runtime, body, _withdraw_view(runtime, user), "account.withdraw.none")
    elif word == "list":
        respond(**_list(runtime))
    elif word.split()[:1] == ["export"]:
        _export(client, respond, runtime, user, word.split()[1:])
    else:
        respond(text=t("account.usage"), response_type="ephemeral")


def _open(client: WebClient, respond: Respond, runtime: Runtime, body: dict[str, Any], view: Any, nothing: str) -> None:
    if view is None:
        respond(text=t(nothing), response_type="ephemeral")
    else:
        open_modal(client, runtime, trigger_id=body["trigger_id"], view=view, user_id=body["user_id"])


def _register_view(runtime: Runtime, user: str) -> Any:
    directory = runtime.config.directory
    departments = [d.id for d in directory.departments_of(user)]
    if directory.is_public_info(user):
        departments = [d.id for d in directory.departments]
    with runtime.sessions() as session:
        approved = applications.approved_for_departments(session, departments)
    today = context_of(runtime).today
    return register_modal(approved, today) if approved else None


def _withdraw_view(runtime: Runtime, user: str) -> Any:
    directory = runtime.config.directory
    with runtime.sessions() as session:
        live = [a for a in accounts.live(session) if a.state == "active"]
    allowed = [a for a in live if service.may_act(directory, a, user, "withdraw")]
    return withdraw_modal(allowed) if allowed else None


def _list(runtime: Runtime) -> dict[str, Any]:
    directory = runtime.config.directory
    with runtime.sessions() as session:
        registered = accounts.register(session)
        waiting = accounts.open_applications(session)
    shown = [service.view_of(a) for a in registered]
    orphaned = {a.id for a in registered if a.state != "deleted" and not service.current_managers(directory, a)}
    return account_list(shown, waiting, orphaned, directory.name_of)


def _export(client: WebClient, respond: Respond, runtime: Runtime, user: str, words: list[str]) -> None:
    """/sns-account export [FROM TO]: the audit log as xlsx, uploaded to the 市政情報課 member's DM (6(1))."""
    ctx = context_of(runtime)
    period = read_period(words, ctx.today)
    if period is None:
        respond(text=t("account.export.usage"), response_type="ephemeral")
        return
    with runtime.sessions.begin() as session:
        allowed = service.may_export(session, ctx, user)
    if not allowed:
        respond(text=t("account.denied"), response_type="ephemeral")
        return
    first, last = period
    timezone = ctx.directory.timezone
    workbook = io.BytesIO()
    with runtime.sessions() as session:
        entries = committee_rows(session, *day_range(first, last, timezone), include_private=False)
        rows = write_xlsx(entries, workbook, timezone)
    with runtime.sessions.begin() as session:
        fields = export_audit_fields(first, last, timezone, "xlsx", rows)
        audit.record(session, at=ctx.now, actor=ctx.directory.actor(user), **fields)
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.files_upload_v2(
        channel=channel,
        file=workbook.getvalue(),
        filename=default_filename(first, last),
        title=default_filename(first, last),
        initial_comment=t("account.export.done", first=first.isoformat(), last=last.isoformat(), rows=rows),
    )


def submit_register(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    form, errors = read_register(view, ctx.today)
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    with runtime.sessions.begin() as session:
        result = service.register(session, ctx, form, body["user"]["id"])
        registered = not isinstance(result, str)
        name = form.name
    if not registered:
        block = "account.register.url" if result == "account.error.url.taken" else "account.register.application"
        ack(response_action="errors", errors={block: t(result)})
        return
    ack()
    client.chat_postEphemeral(
        channel=body["user"]["id"], user=body["user"]["id"], text=t("account.register.done", name=escape(name))
    )


def _clicked(action: dict[str, Any]) -> AccountAction:
    return AccountAction.decode(action.get("value"))


def password_changed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        account = service.password_changed(session, ctx, _clicked(action).account_id, body["user"]["id"])
        reply = _recorded(ctx, account) if account else t("account.denied")
    ack()
    respond(text=reply, response_type="ephemeral", replace_original=account is not None)


def _recorded(ctx: service.Context, account: Any) -> str:
    rotation = ctx.directory.config.reminders.password_rotation_days
    upcoming = account.password_changed_on.toordinal() + rotation
    return password_recorded(account.name, ctx.today, type(ctx.today).fromordinal(upcoming))


def password_snooze(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    with runtime.sessions.begin() as session:
        snoozed = service.snooze(session, context_of(runtime), _clicked(action).account_id, body["user"]["id"])
    ack()
    key = {True: "account.password.snoozed", False: "account.password.already_snoozed", None: "account.denied"}[snoozed]
    respond(text=t(key), response_type="ephemeral", replace_original=False)


def open_policy(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    account_id = _clicked(action).account_id
    with runtime.sessions.begin() as session:
        shown = policy.policy_form(session, context_of(runtime), account_id, body["user"]["id"])
    ack()
    if shown is None:
        respond(text=t("account.denied"), response_type="ephemeral", replace_original=False)
    else:
        open_on_click(client, runtime, body, policy_modal(shown), subject=f"account:{account_id}")


def submit_policy(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    url, errors = read_policy(view)
    if url is None:
        ack(response_action="errors", errors=errors)
        return
    runtime = runtime_of(context)
    account_id = AccountAction.decode(view.get("private_metadata")).account_id
    with runtime.sessions.begin() as session:
        outcome, shown = policy.record_policy(session, context_of(runtime), account_id, body["user"]["id"], url)
    if shown is None or outcome == Outcome.DENIED:
        ack(response_action="errors", errors={AccountIds.POLICY_RECORD_URL: t("account.denied")})
    else:
        ack(response_action="update", view=policy_recorded(shown.name, url))


def open_review(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    account_id = _clicked(action).account_id
    with runtime.sessions.begin() as session:
        review = service.review_form(session, context_of(runtime), account_id, body["user"]["id"])
    ack()
    if review is None:
        respond(text=t("account.denied"), response_type="ephemeral", replace_original=False)
    else:
        open_on_click(client, runtime, body, review_modal(*review), subject=f"account:{account_id}")


def submit_review(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    review, errors = read_review(view)
    if review is None:
        ack(response_action="errors", errors=errors)
        return
    account_id = AccountAction.decode(view.get("private_metadata")).account_id
    ctx = context_of(runtime)

    def work(session: Session) -> dict[str, bool] | None:
        reviewed = service.submit_review(session, ctx, account_id, body["user"]["id"], review)
        return {"reviewed": True} if reviewed else None

    # A retried submission gets the first one's answer: one review, one notice to 市政情報課.
    if once(runtime.sessions, view_id_of(view), view["callback_id"], ctx.now, work):
        ack()
    else:
        ack(response_action="errors", errors={"account.review.indicators": t("account.denied")})


def submit_withdrawal(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    chosen, errors = read_withdrawal(view)
    if chosen is None:
        ack(response_action="errors", errors=errors)
        return
    account_id, criteria, immediate = chosen
    with runtime.sessions.begin() as session:
        done = service.withdraw(
            session, context_of(runtime), account_id, body["user"]["id"], criteria, immediate=immediate
        )
    if done:
        ack()
    else:
        ack(response_action="errors", errors={"account.withdraw.account": t("account.denied")})


def announced(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    runtime = runtime_of(context)
    meta = _clicked(action)
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        account = service.mark_announced(session, ctx, meta.account_id, body["user"]["id"], meta.task or "")
        message = (
            AccountRenderer().reminder(
                service.view_of(account), "withdrawal", criteria=account.withdrawal_reason.split(",")
            )
            if account
            else None
        )
    ack()
    if message is None:
        respond(text=t("account.denied"), response_type="ephemeral", replace_original=False)
    else:
        respond(replace_original=True, **message)


def deleted(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    runtime = runtime_of(context)
    with runtime.sessions.begin() as session:
        account = service.deleted(session, context_of(runtime), _clicked(action).account_id, body["user"]["id"])
        name = account.name if account else None
    ack()
    if name is None:
        respond(text=t("account.denied"), response_type="ephemeral", replace_original=False)
    else:
        respond(text=deletion_recorded(name), replace_original=True)
