"""Recording an account's 公開用運用ポリシー URL (4(4)③), which ends its policy reminders. Free of Slack."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.urls import normalize
from handlers.account.domain import AccountView, Outcome, view_of
from handlers.account.intents import Message, tell_office
from handlers.account.service import authorized
from handlers.common.work import Context, audit
from storage.models import Account, AccountState


def policy_form(session: Session, ctx: Context, account_id: int, user_id: str) -> AccountView | Outcome:
    """What the policy modal shows, for the account's managers, its head or 市政情報課; anyone else is
    refused and audited. An account withdrawn since the reminder was sent needs no policy any more."""
    account = authorized(session, ctx, account_id, user_id, "policy")
    if account is None:
        return Outcome.DENIED
    return view_of(account) if _in_service(account) else Outcome.NOT_ACTIVE


def record_policy(
    session: Session, ctx: Context, account_id: int, user_id: str, url: str
) -> tuple[Outcome, AccountView | None]:
    """Records the URL (a changed one too); 市政情報課 hears of it like of any change to the register."""
    account = authorized(session, ctx, account_id, user_id, "policy")
    if account is None:
        return Outcome.DENIED, None
    if not _in_service(account):
        return Outcome.NOT_ACTIVE, None
    before = account.public_policy_url
    if before is not None and _same_page(before, url):
        return Outcome.UNCHANGED, view_of(account)
    account.public_policy_url = url
    by = ctx.directory.name_of(user_id)
    tell_office(session, ctx, account, Message.NOTICE, notice="policy", by=by, policy_url=url)
    audit(session, ctx, ("account", account.id), user_id, "account.policy_recorded", {"before": before, "after": url})
    return Outcome.DONE, view_of(account)


def _in_service(account: Account) -> bool:
    """4(4)③ asks a policy of the accounts in service: not of one being withdrawn or deleted."""
    return account.state == AccountState.ACTIVE


def _same_page(recorded: str, url: str) -> bool:
    """The same page pasted differently (http/https, www., tracking parameters) is no change to record."""
    try:
        return normalize(recorded) == normalize(url)
    except ValueError:  # an imported register may hold something other than a URL
        return recorded == url
