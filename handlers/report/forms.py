"""The report modal's answers, checked: a ReportForm, or Japanese messages per field."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.catalog import t
from bot.directory import Directory
from bot.errors import BadRequest
from bot.urls import links_in_message, parse_urls
from handlers.common.forms import FormValues
from handlers.report.domain import ReportForm
from handlers.report.ids import ReportIds
from handlers.report.views.report_modal import ACCOUNT_MAX, MAX_URLS, SUMMARY_MAX, Prefill
from storage.models import Capacity, CaseKind

# A clock a few minutes fast on a phone is no future.
CLOCK_SKEW = timedelta(minutes=5)

Errors = dict[str, str]
E = TypeVar("E", CaseKind, Capacity)


def read_report(view: dict[str, Any], directory: Directory, now: datetime) -> tuple[ReportForm | None, Errors]:
    values = FormValues(view)
    errors: Errors = {}
    kind = _choice(CaseKind, values.selected(ReportIds.KIND))
    if kind is None:
        errors[ReportIds.KIND] = t("report.error.kind.required")
    capacity = _choice(Capacity, values.selected(ReportIds.CAPACITY)) or Capacity.OFFICIAL
    urls = _urls(values.text(ReportIds.URLS), errors)
    summary = values.text(ReportIds.SUMMARY)
    if not summary:
        errors[ReportIds.SUMMARY] = t("report.error.summary.required")
    elif len(summary) > SUMMARY_MAX:
        errors[ReportIds.SUMMARY] = t("report.error.summary.too_long", limit=SUMMARY_MAX, length=len(summary))
    discovered_at = values.moment(ReportIds.DISCOVERED_AT) or now
    if discovered_at > now + CLOCK_SKEW:
        errors[ReportIds.DISCOVERED_AT] = t("report.error.discovered_at.future")
    department_id = values.selected(ReportIds.DEPARTMENT)
    if department_id is not None and directory.department(department_id) is None:
        errors[ReportIds.DEPARTMENT] = t("report.error.department.unknown")
    account = values.text(ReportIds.ACCOUNT) or None
    if account and len(account) > ACCOUNT_MAX:
        errors[ReportIds.ACCOUNT] = t("report.error.account.too_long", limit=ACCOUNT_MAX)
    if errors or kind is None:
        return None, errors
    return ReportForm(kind, capacity, urls, summary, discovered_at, department_id, account), {}


def _choice(enum: type[E], value: str | None) -> E | None:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        raise BadRequest(f"{value!r} is not a {enum.__name__}") from None


def _urls(text: str, errors: Errors) -> list[str]:
    urls, invalid = parse_urls(text)
    if invalid:
        errors[ReportIds.URLS] = t("report.error.urls.invalid", items="、".join(f"「{item}」" for item in invalid[:3]))
    elif not urls:
        errors[ReportIds.URLS] = t("report.error.urls.required")
    elif len(urls) > MAX_URLS:
        errors[ReportIds.URLS] = t("report.error.urls.too_many", limit=MAX_URLS)
    return urls


def prefill_from(message_text: str) -> Prefill:
    """The report modal's start for a message shortcut: the message's text and links."""
    return Prefill(summary=readable(message_text), urls=tuple(links_in_message(message_text)))


_SLACK_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def readable(text: str) -> str:
    """Slack's message markup as a person would read it: links as their label and URL, mentions as @id."""

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#", "!")):
            return label or target
        return f"{label} ({target})" if label else target

    text = _SLACK_MARKUP.sub(plain, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
