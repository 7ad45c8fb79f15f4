"""What the account feature queues for the delivery worker: intents (Message) about an account, drawn when
sent (handlers/account/messages.py) with the account as it is then and what was frozen at the event."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from handlers.common.work import Context
from storage import outbox
from storage.models import Account


class Message(StrEnum):
    """The messages the service queues as intents and the delivery worker draws when it sends them
    (handlers/account/messages.py), from the account as it is then."""

    REMINDER = "account.reminder"  # to the people who act: a sweep's reminder, a withdrawal's notice
    NOTICE = "account.notice"  # to 市政情報課: registered, orphaned, withdrawal, deleted, policy
    REVIEWED = "account.reviewed"  # to 市政情報課: the head's review, as submitted
    SUMMARY = "account.summary"  # to 市政情報課: last month's figures


def subject_of(account_id: int) -> str:
    """The account's key in the reminders sent, and what its messages (and modals) are about in the outbox."""
    return f"{_SUBJECT}{account_id}"


def account_id_of(subject: str) -> int:
    """The account a reminder's subject (subject_of) names."""
    return int(subject.removeprefix(_SUBJECT))


_SUBJECT = "account:"


def reminder_intent(
    ctx: Context, account: Account, kind: str, left: tuple[str, ...], **facts: str | int | list[str]
) -> outbox.Intent:
    """A reminder of ``kind`` about ``account``; ``left``: the managers who left, named as of now."""
    return {"kind": Message.REMINDER, "account": account.id, "reminder": kind, "left": names(ctx, left), **facts}


def tell_office(session: Session, ctx: Context, account: Account, kind: Message, **facts: Any) -> None:
    intent = {"kind": kind, "account": account.id, **facts}
    channel = ctx.directory.offices.public_info.channel
    outbox.post_intent(session, channel=channel, intent=intent, now=ctx.now, subject=subject_of(account.id))


def names(ctx: Context, user_ids: tuple[str, ...]) -> list[str]:
    return [ctx.directory.name_of(u) for u in user_ids]
