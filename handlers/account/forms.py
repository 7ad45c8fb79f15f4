"""The account modals' answers, checked: forms for the service, or Japanese messages per block."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.catalog import t
from bot.errors import BadRequest
from bot.urls import parse_urls
from handlers.account.ids import AccountIds
from handlers.account.service import CRITERIA, RegisterForm, ReviewForm
from handlers.common.forms import FormValues

Errors = dict[str, str]


def _number(value: str | None, what: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise BadRequest(f"{what} {value!r} is not a number") from None


def _one_url(text: str) -> str | None:
    urls, invalid = parse_urls(text)
    return urls[0] if len(urls) == 1 and not invalid else None


def read_register(view: dict[str, Any], today: date) -> tuple[RegisterForm | None, Errors]:
    values = FormValues(view)
    errors: Errors = {}
    name = values.text(AccountIds.NAME)
    if not name:
        errors[AccountIds.NAME] = t("account.error.name.required")
    url = _one_url(values.text(AccountIds.URL))
    if url is None:
        errors[AccountIds.URL] = t("account.error.url.invalid")
    policy_text = values.text(AccountIds.POLICY_URL)
    policy_url = _one_url(policy_text) if policy_text else None
    if policy_text and policy_url is None:
        errors[AccountIds.POLICY_URL] = t("account.error.url.invalid")
    managers = values.users(AccountIds.MANAGERS)
    if not managers:
        errors[AccountIds.MANAGERS] = t("account.error.managers.required")
    changed = values.day(AccountIds.PASSWORD_CHANGED_ON) or today
    if changed > today:
        errors[AccountIds.PASSWORD_CHANGED_ON] = t("account.error.date.future")
    if errors or url is None:
        return None, errors
    links = values.options(AccountIds.LINKS)
    return RegisterForm(
        application_id=_number(values.selected(AccountIds.APPLICATION), "application"),
        name=name,
        url=url,
        managers=managers,
        public_policy_url=policy_url,
        send_only="send_only" in values.options(AccountIds.SEND_ONLY),
        links_to_site="to_site" in links,
        linked_from_site="from_site" in links,
        password_changed_on=changed,
    ), {}


def read_policy(view: dict[str, Any]) -> tuple[str | None, Errors]:
    """The public policy's URL, checked as the register form checks it."""
    url = _one_url(FormValues(view).text(AccountIds.POLICY_RECORD_URL))
    return (url, {}) if url else (None, {AccountIds.POLICY_RECORD_URL: t("account.error.url.invalid")})


def read_review(view: dict[str, Any]) -> tuple[ReviewForm | None, Errors]:
    values = FormValues(view)
    errors: Errors = {}
    indicators = values.text(AccountIds.INDICATORS)
    if not indicators:
        errors[AccountIds.INDICATORS] = t("account.error.required")
    goal = values.selected(AccountIds.GOAL_REACHED)
    if goal is None:
        errors[AccountIds.GOAL_REACHED] = t("account.error.required")
    decision = values.selected(AccountIds.DECISION) or "continue"
    criteria = _criteria(values)
    if decision == "withdraw" and not criteria:
        errors[AccountIds.CRITERIA] = t("account.error.review.criteria")
    if goal not in (None, "yes", "partly", "no") or decision not in ("continue", "withdraw"):
        raise BadRequest("a review answer that the modal does not offer")
    if errors or goal is None:
        return None, errors
    return ReviewForm(indicators, goal, decision, criteria, values.text(AccountIds.NOTE) or None), {}


def read_withdrawal(view: dict[str, Any]) -> tuple[tuple[int, list[str], bool] | None, Errors]:
    values = FormValues(view)
    criteria = _criteria(values)
    if not criteria:
        return None, {AccountIds.CRITERIA: t("account.error.review.criteria")}
    account_id = _number(values.selected(AccountIds.ACCOUNT), "account")
    return (account_id, criteria, values.selected(AccountIds.MODE) == "immediate"), {}


def _criteria(values: FormValues) -> list[str]:
    chosen = values.options(AccountIds.CRITERIA)
    if any(c not in CRITERIA for c in chosen):
        raise BadRequest("a withdrawal criterion the guideline does not have")
    return chosen


def read_period(words: list[str], today: date) -> tuple[date, date] | None:
    """``[FROM TO]`` as YYYY-MM-DD, inclusive; none given: last month. None when it does not parse."""
    if not words:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    try:
        first, last = (date.fromisoformat(w) for w in words)
    except ValueError:
        return None
    # A day at the calendar's end has no whole day around it in UTC (bot.audit_export.day_range).
    return (first, last) if date.min < first <= last < date.max else None
