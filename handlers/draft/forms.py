"""The draft modal's answers, checked: a DraftForm, or Japanese messages per field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalog import t
from bot.config import Department
from bot.directory import Directory
from bot.errors import BadRequest
from bot.urls import parse_urls
from handlers.common.forms import FormValues
from handlers.draft.domain import DraftForm
from handlers.draft.ids import DraftIds
from handlers.draft.route import steps_for
from handlers.draft.views import NOTE_MAX, TEXT_MAX
from storage.models import DraftKind

Errors = dict[str, str]
# A phone's clock a few minutes behind still means "now".
CLOCK_SKEW = timedelta(minutes=5)


def read_draft(
    view: dict[str, Any], directory: Directory, department: Department | None, author_id: str, now: datetime
) -> tuple[DraftForm | None, Errors]:
    values = FormValues(view)
    errors: Errors = {}
    text = values.text(DraftIds.TEXT)
    if not text:
        errors[DraftIds.TEXT] = t("draft.error.text.required")
    elif len(text) > TEXT_MAX:
        errors[DraftIds.TEXT] = t("draft.error.text.too_long", limit=TEXT_MAX, length=len(text))
    kind = _kind(values.selected(DraftIds.KIND))
    reviewers = values.users(DraftIds.REVIEWERS)
    if author_id in reviewers:
        errors[DraftIds.REVIEWERS] = t("draft.error.reviewers.self")
    approvers = _approvers(values, kind, department, directory, author_id, errors)
    scheduled_at = values.moment(DraftIds.SCHEDULED_AT)
    if scheduled_at is not None and scheduled_at < now - CLOCK_SKEW:
        errors[DraftIds.SCHEDULED_AT] = t("draft.error.scheduled_at.past")
    note = values.text(DraftIds.NOTE) or None
    corrects = _corrects(values.text(DraftIds.CORRECTS), errors)
    if note and len(note) > NOTE_MAX:
        errors[DraftIds.NOTE] = t("draft.error.text.too_long", limit=NOTE_MAX, length=len(note))
    if errors:
        return None, errors
    consented = "consented" in values.options(DraftIds.CONSENT)
    account = values.text(DraftIds.ACCOUNT) or None
    return DraftForm(account, text, kind, reviewers, approvers, scheduled_at, note, corrects, consented), {}


def _kind(value: str | None) -> DraftKind:
    try:
        return DraftKind(value or DraftKind.ANNOUNCEMENT)
    except ValueError:
        raise BadRequest(f"{value!r} is not a draft kind") from None


def _approvers(
    values: FormValues,
    kind: DraftKind,
    department: Department | None,
    directory: Directory,
    author_id: str,
    errors: Errors,
) -> list[str]:
    """The chosen 決裁権者, all still the department's (after April, someone may have left)."""
    if kind != DraftKind.OFFICIAL_VIEW:
        return []
    if department is None:
        errors[DraftIds.TEXT] = t("draft.error.department.unknown")
        return []
    if department.approval_route:
        if not all(step.approvers for step in steps_for(department, [], author_id)):
            errors[DraftIds.KIND] = t("draft.error.approvers.none")
        return []  # the route decides who approves
    if not department.approvers:
        errors[DraftIds.KIND] = t("draft.error.approvers.none")
        return []
    chosen = values.options(DraftIds.APPROVERS)
    gone = [user for user in chosen if user not in department.approvers]
    if gone:
        errors[DraftIds.APPROVERS] = t("draft.error.approvers.unknown", names="、".join(map(directory.name_of, gone)))
    elif not chosen or not all(step.approvers for step in steps_for(department, chosen, author_id)):
        # nobody else to decide: nobody decides a draft they wrote
        errors[DraftIds.APPROVERS] = t("draft.error.approvers.required")
    return chosen


def _corrects(text: str, errors: Errors) -> str | None:
    if not text:
        return None
    urls, invalid = parse_urls(text)
    if invalid or len(urls) != 1:
        errors[DraftIds.CORRECTS] = t("draft.error.corrects.invalid")
        return None
    return urls[0]


Absence = tuple[datetime, datetime | None] | None  # (from, until); None: back now


def read_absence(words: list[str], timezone: ZoneInfo, now: datetime) -> Absence | str:
    """``/sns-draft absent on|off|FROM UNTIL`` → the absence, or "usage" when it does not parse.
    Dates are whole days in the organisation's zone: FROM 00:00 to the day after UNTIL."""
    if words == ["on"]:
        return now, None
    if words == ["off"]:
        return None
    try:
        first, last = (date.fromisoformat(w) for w in words)
    except ValueError:
        return "usage"
    if last < first:
        return "usage"
    start = datetime.combine(first, time(), timezone)
    return start, datetime.combine(last + timedelta(days=1), time(), timezone)
