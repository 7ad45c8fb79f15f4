"""Thin listeners for /sns-account and the reminders' buttons."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.audit_export import ExportRequest, default_filename, export_audit
from bot.catalog import t
from bot.mrkdwn import escape
from bot.runtime import Runtime
from handlers.account import policy, service
from handlers.account.domain import AccountView, Outcome, is_orphaned, next_password_change
from handlers.account.forms import read_period, read_policy, read_register, read_review, read_withdrawal
from handlers.account.ids import AccountIds
from handlers.account.intents import subject_of
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
from handlers.common.work import Context, context_of
from storage import accounts, applications
from storage.idempotency import once
from storage.models import AccountState


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
        live = [a for a in accounts.live(session) if a.state == AccountState.ACTIVE]
    allowed = [a for a in live if service.may_act(directory, a, user, "withdraw")]
    return withdraw_modal(allowed) if allowed else None


def _list(runtime: Runtime) -> dict[str, Any]:
    directory = runtime.config.directory
    with runtime.sessions() as session:
        registered = accounts.register(session)
        waiting = accounts.open_applications(session)
    shown = [service.view_of(a) for a in registered]
    orphaned = {a.id for a in registered if is_orphaned(directory, a)}
    return account_list(shown, waiting, orphaned, directory.name_of)


def _export(client: WebClient, respond: Respond, runtime: Runtime, user: str, words: list[str]) -> None:
    """/sns-account export [FROM TO]: the audit log as xlsx, uploaded to the 市政情報課 member's DM (6(1))."""
    ctx = context_of(runtime)
    period = read_period(words, ctx.today)
    if period is None:
        respond(text=t("account.export.usage"), response_type="ephemeral")
        return
    first, last = period
    workbook = io.BytesIO()
    rows = export_audit(runtime.sessions, ctx.directory, ctx.now, ExportRequest(first, last, user_id=user), workbook)
    if rows is None:
        respond(text=t("account.denied"), response_type="ephemeral")
        return
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.files_upload_v2(
        channel=channel,
        file=workbook.getvalue(),
        filename=default_filename(first, last),
        title=default_filename(first, last),
        initial_comment=t("account.export.done", first=first.isoformat(), last=last.isoformat(), rows=rows),
    )


# Why a registration was refused, said at the input it concerns.
REGISTER_REFUSED = {
    Outcome.DENIED: (AccountIds.APPLICATION, "account.denied"),
    Outcome.APPLICATION_GONE: (AccountIds.APPLICATION, "account.error.application.gone"),
    Outcome.URL_TAKEN: (AccountIds.URL, "account.error.url.taken"),
}
# Why a modal about an account was not opened, or its submission not recorded.
_REFUSED = {Outcome.DENIED: "account.denied", Outcome.NOT_ACTIVE: "account.policy.not_active"}
SNOOZED = {
    Outcome.DONE: "account.password.snoozed",
    Outcome.UNCHANGED: "account.password.already_snoozed",
    Outcome.DENIED: "account.denied",
}


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
        outcome, _account = service.register(session, ctx, form, body["user"]["id"])
    if outcome in REGISTER_REFUSED:
        block, key = REGISTER_REFUSED[outcome]
        ack(response_action="errors", errors={block: t(key)})
        return
    ack()
    client.chat_postEphemeral(
        channel=body["user"]["id"], user=body["user"]["id"], text=t("account.register.done", name=escape(form.name))
    )


def _clicked(action: dict[str, Any]) -> AccountAction:
    return AccountAction.decode(action.get("value"))


def password_changed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        _, shown = service.password_changed(session, ctx, _clicked(action).account_id, body["user"]["id"])
    ack()
    reply = t("account.denied") if shown is None else _recorded(ctx, shown)
    respond(text=reply, response_type="ephemeral", replace_original=shown is not None)


def _recorded(ctx: Context, account: AccountView) -> str:
    upcoming = next_password_change(account, ctx.directory.config.reminders)
    return password_recorded(account.name, ctx.today, upcoming)


def password_snooze(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    runtime = runtime_of(context)
    with runtime.sessions.begin() as session:
        snoozed = service.snooze(session, context_of(runtime), _clicked(action).account_id, body["user"]["id"])
    ack()
    respond(text=t(SNOOZED[snoozed]), response_type="ephemeral", replace_original=False)


def open_policy(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _open_on_account(ack, body, action, client, respond, context, policy.policy_form, policy_modal)


def submit_policy(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    url, errors = read_policy(view)
    if url is None:
        ack(response_action="errors", errors=errors)
        return
    runtime = runtime_of(context)
    account_id = AccountAction.decode(view.get("private_metadata")).account_id
    with runtime.sessions.begin() as session:
        outcome, shown = policy.record_policy(session, context_of(runtime), account_id, body["user"]["id"], url)
    if shown is None:
        ack(response_action="errors", errors={AccountIds.POLICY_RECORD_URL: t(_REFUSED[outcome])})
    else:
        ack(response_action="update", view=policy_recorded(shown.name, url))


def open_review(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _open_on_account(
        ack, body, action, client, respond, context, service.review_form, lambda review: review_modal(*review)
    )


def _open_on_account(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    load: Callable[[Session, Context, int, str], Any],
    build: Callable[[Any], View],
) -> None:
    """A button that opens a modal about its account: ``load`` what it shows (None or an Outcome: refused, and
    why)."""
    runtime = runtime_of(context)
    account_id = _clicked(action).account_id
    with runtime.sessions.begin() as session:
        shown = load(session, context_of(runtime), account_id, body["user"]["id"])
    ack()
    if shown is None or isinstance(shown, Outcome):
        respond(text=t(_REFUSED[shown or Outcome.DENIED]), response_type="ephemeral", replace_original=False)
    else:
        open_on_click(client, runtime, body, build(shown), subject=subject_of(account_id))


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
        return {"reviewed": True} if reviewed == Outcome.DONE else None

    # A retried submission gets the first one's answer: one review, one notice to 市政情報課.
    if once(runtime.sessions, view_id_of(view), view["callback_id"], ctx.now, work):
        ack()
    else:
        ack(response_action="errors", errors={AccountIds.INDICATORS: t("account.denied")})


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
    if done == Outcome.DONE:
        ack()
    else:
        ack(response_action="errors", errors={AccountIds.ACCOUNT: t("account.denied")})


def announced(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    runtime = runtime_of(context)
    meta = _clicked(action)
    ctx = context_of(runtime)
    with runtime.sessions.begin() as session:
        _, shown = service.mark_announced(session, ctx, meta.account_id, body["user"]["id"], meta.task or "")
    ack()
    if shown is None:
        respond(text=t("account.denied"), response_type="ephemeral", replace_original=False)
    else:
        message = AccountRenderer().reminder(shown, "withdrawal", criteria=list(shown.withdrawal_criteria))
        respond(replace_original=True, **message)


def deleted(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    runtime = runtime_of(context)
    with runtime.sessions.begin() as session:
        _, shown = service.deleted(session, context_of(runtime), _clicked(action).account_id, body["user"]["id"])
    ack()
    if shown is None:
        respond(text=t("account.denied"), response_type="ephemeral", replace_original=False)
    else:
        respond(text=deletion_recorded(shown.name), replace_original=True)
