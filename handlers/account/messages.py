"""An account's messages, drawn by the delivery worker when it sends them (bot/sending.py Render): the
account's name, URL and open tasks as they are then, with what the intent froze at the event (the due date,
the criteria, the review as submitted, who decided). The service queues only intents (service.Message)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.sending import Render
from handlers.account.service import Message, ReviewForm, view_of
from handlers.account.views import AccountRenderer, summary_message
from storage import accounts, summary
from storage.models import Account
from storage.outbox_claims import Claimed

Drawn = dict[str, Any] | None
DRAW = AccountRenderer()
# The intent's own keys; a notice's other keys are the builder's parameters.
KEYS = frozenset({"kind", "account", "notice"})


def reminder(session: Session, _directory: Directory, message: Claimed) -> Drawn:
    """A reminder or a withdrawal's notice to the people who act, posted or updated (its open tasks)."""
    facts, account = _account(session, message)
    if account is None:
        return None
    frozen = {key: facts[key] for key in ("days", "criteria") if key in facts}
    frozen |= {key: date.fromisoformat(facts[key]) for key in ("due_on", "today") if key in facts}
    return DRAW.reminder(view_of(account), facts["reminder"], left=facts["left"], **frozen)


def notice(session: Session, _directory: Directory, message: Claimed) -> Drawn:
    facts, account = _account(session, message)
    if account is None:
        return None
    params = {key: value for key, value in facts.items() if key not in KEYS}
    return DRAW.office_notice(facts["notice"], account=view_of(account), **params)


def reviewed(session: Session, _directory: Directory, message: Claimed) -> Drawn:
    facts, account = _account(session, message)
    if account is None:
        return None
    return DRAW.office_notice("review", account=view_of(account), review=ReviewForm(**facts["review"]), by=facts["by"])


def monthly_summary(session: Session, directory: Directory, message: Claimed) -> Drawn:
    """Last month's figures, counted now (the accounts' states, what is overdue as of the day it was due)."""
    facts = message.intent or {}
    month, until = date.fromisoformat(facts["month"]), date.fromisoformat(facts["until"])
    start, end = (datetime.combine(day, time(), directory.timezone) for day in (month, until))
    rotation_days = directory.config.reminders.password_rotation_days
    figures = summary.month(session, start, end, rotation_days, date.fromisoformat(facts["today"]))
    return summary_message(month.strftime("%Y年%m月"), figures)


MESSAGES: dict[str, Render] = {
    Message.REMINDER: reminder,
    Message.NOTICE: notice,
    Message.REVIEWED: reviewed,
    Message.SUMMARY: monthly_summary,
}


def _account(session: Session, message: Claimed) -> tuple[dict[str, Any], Account | None]:
    facts = message.intent or {}
    return facts, accounts.get(session, facts["account"])
