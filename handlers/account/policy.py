"""Recording an account's 公開用運用ポリシー URL (4(4)③), which ends its policy reminders. Free of Slack."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.account.domain import AccountView, Outcome, view_of
from handlers.account.intents import Message, tell_office
from handlers.account.service import authorized
from handlers.common.work import Context, audit


def policy_form(session: Session, ctx: Context, account_id: int, user_id: str) -> AccountView | None:
    """What the policy modal shows, for the account's managers, its head or 市政情報課; anyone else is
    refused and audited."""
    account = authorized(session, ctx, account_id, user_id, "policy")
    return None if account is None else view_of(account)


def record_policy(
    session: Session, ctx: Context, account_id: int, user_id: str, url: str
) -> tuple[Outcome, AccountView | None]:
    """Records the URL (a changed one too); 市政情報課 hears of it like of any change to the register."""
    account = authorized(session, ctx, account_id, user_id, "policy")
    if account is None:
        return Outcome.DENIED, None
    before = account.public_policy_url
    if before == url:
        return Outcome.UNCHANGED, view_of(account)
    account.public_policy_url = url
    by = ctx.directory.name_of(user_id)
    tell_office(session, ctx, account, Message.NOTICE, notice="policy", by=by, policy_url=url)
    audit(session, ctx, ("account", account.id), user_id, "account.policy_recorded", {"before": before, "after": url})
    return Outcome.DONE, view_of(account)
