"""The application modal's answers, checked: page 1 as a FirstPage, the whole as an ApplicationForm,
or Japanese messages per block. Nothing is stored while there is an error."""

from __future__ import annotations

from typing import Any

from bot.catalog import t
from bot.config import USER_ID, Department
from handlers.application.domain import ApplicationForm, FirstPage, Item, OffSite, Risk, Server
from handlers.application.ids import ApplicationIds as Ids
from handlers.application.views import INTERVAL_MAX, METADATA_LIMIT, PAGE_ONE_LIMITS, PAGE_TWO_LIMITS, STAFF_MAX
from handlers.common.forms import FormValues
from storage.models import Platform

Errors = dict[str, str]


def _texts(values: FormValues, limits: dict[Ids, int], required: set[Ids], errors: Errors) -> dict[Ids, str]:
    """The typed answers, each within its limit (Slack enforces max_length, a tampered request need not)."""
    typed = {}
    for block, limit in limits.items():
        text = values.text(block)
        if not text and block in required:
            errors[block] = t("application.error.required")
        elif len(text) > limit:
            errors[block] = t("application.error.too_long", limit=limit, length=len(text))
        typed[block] = text
    return typed


def read_first_page(view: dict[str, Any], department: Department | None) -> tuple[FirstPage | None, bool, Errors]:
    """Page 1 → (its answers, whether 緊急 is ticked, errors). With 緊急, [3] and [4] may stay blank."""
    values = FormValues(view)
    errors: Errors = {}
    emergency = "emergency" in values.options(Ids.EMERGENCY)
    required = {Ids.PURPOSE, Ids.SETUP} if emergency else {Ids.PURPOSE, Ids.SETUP, Ids.AUDIENCE, Ids.CONTENT}
    typed = _texts(values, PAGE_ONE_LIMITS, required, errors)
    platform = _platform(values.selected(Ids.PLATFORM), errors)
    if platform == Platform.OTHER and not typed[Ids.PLATFORM_OTHER]:
        errors[Ids.PLATFORM_OTHER] = t("application.error.platform_other.required")
    staff = values.users(Ids.STAFF)
    if not staff:
        errors[Ids.STAFF] = t("application.error.staff.required")
    elif len(staff) > STAFF_MAX or not all(USER_ID.fullmatch(user) for user in staff):
        errors[Ids.STAFF] = t("application.error.staff.invalid", limit=STAFF_MAX)
    if department is None:
        errors[Ids.PLATFORM] = t("application.error.department.unknown")
    if errors or platform is None:
        return None, emergency, errors
    first = FirstPage(
        platform=platform,
        platform_other=typed[Ids.PLATFORM_OTHER] if platform == Platform.OTHER else None,
        purpose=typed[Ids.PURPOSE],
        audience=typed[Ids.AUDIENCE],
        content=typed[Ids.CONTENT],
        staff=list(dict.fromkeys(staff)),
        setup=typed[Ids.SETUP],
    )
    if not emergency and len(first.encode()) > METADATA_LIMIT:
        # Only characters JSON spells with six (control characters) get here: ask for less.
        longest = max(PAGE_ONE_LIMITS, key=lambda block: len(typed[block]))
        errors[longest] = t("application.error.too_long.page")
        return None, emergency, errors
    return first, emergency, {}


def _platform(value: str | None, errors: Errors) -> Platform | None:
    if value is None:
        errors[Ids.PLATFORM] = t("application.error.platform.required")
        return None
    try:
        return Platform(value)
    except ValueError:
        errors[Ids.PLATFORM] = t("application.error.platform.unknown")
        return None


def emergency_form(first: FirstPage, review_interval_days: int) -> ApplicationForm:
    """An emergency application: [1], [2] and [5] (and whatever else page 1 has) are enough (4(4)② ただし書き)."""
    return ApplicationForm(
        platform=first.platform,
        purpose=first.purpose,
        emergency=True,
        items=_first_items(first),
        review_interval_days=review_interval_days,
    )


def read_second_page(view: dict[str, Any], first: FirstPage) -> tuple[ApplicationForm | None, Errors]:
    """Page 2 ([6]–[9]) with page 1's answers → the whole application, or errors per block."""
    values = FormValues(view)
    errors: Errors = {}
    typed = _texts(values, PAGE_TWO_LIMITS, set(PAGE_TWO_LIMITS), errors)
    off_site = _choice(values, Ids.OFF_SITE, OffSite, errors)
    server = _choice(values, Ids.SERVER, Server, errors)
    risk = _choice(values, Ids.RISK, Risk, errors, required=server == Server.ABROAD)
    interval = _interval(values.text(Ids.INTERVAL), errors)
    if errors or interval is None:
        return None, errors
    items = {
        **_first_items(first),
        Item.FREQUENCY: typed[Ids.FREQUENCY],
        Item.METHOD: typed[Ids.METHOD],
        Item.RESPONSES: typed[Ids.RESPONSES],
        Item.POLICY_PLACE: typed[Ids.POLICY_PLACE],
        Item.ACCOUNT_NAME: typed[Ids.ACCOUNT_NAME],
        Item.ACCOUNT_INFO: typed[Ids.ACCOUNT_INFO],
        Item.OFF_SITE: off_site,
        Item.PASSWORDS: typed[Ids.PASSWORDS],
        Item.SERVER: server,
        Item.RISK: risk if server == Server.ABROAD else None,
        Item.RISK_REASON: typed[Ids.RISK_REASON],
        Item.INDICATORS: typed[Ids.INDICATORS],
    }
    form = ApplicationForm(
        platform=first.platform, purpose=first.purpose, emergency=False, items=items, review_interval_days=interval
    )
    return form, {}


def _first_items(first: FirstPage) -> dict[str, Any]:
    return {
        Item.PLATFORM_OTHER: first.platform_other,
        Item.AUDIENCE: first.audience or None,
        Item.CONTENT: first.content or None,
        Item.STAFF: first.staff,
        Item.SETUP: first.setup,
    }


def _choice(
    values: FormValues, block: Ids, choices: type[OffSite | Server | Risk], errors: Errors, *, required: bool = True
) -> str | None:
    value = values.selected(block)
    if value is None:
        if required:
            errors[block] = t("application.error.choose")
        return None
    if value not in set(choices):
        errors[block] = t("application.error.choose")
        return None
    return value


def _interval(text: str, errors: Errors) -> int | None:
    """振り返り間隔（日）: a whole number of days, 1 to INTERVAL_MAX."""
    try:
        days = int(text)
    except ValueError:
        days = None
    if days is None or not 1 <= days <= INTERVAL_MAX:
        errors[Ids.INTERVAL] = t("application.error.interval", limit=INTERVAL_MAX)
        return None
    return days
