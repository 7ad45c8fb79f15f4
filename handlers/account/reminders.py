"""Every reminder an account's people get, each kind defined once: when it is due, to whom, whether it waits
for office hours, its text (catalog keys) and its buttons. The sweep (sweep.sweep), its SQL prefilter
(storage.accounts.due_candidates), `sns-bot reminders list` (sweep.upcoming) and the renderer
(views.AccountRenderer.reminder) all read this table; a kind not in it is an error.

A swept kind is due on a date computed from the register; each (kind, account, due date) is sent once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from bot.catalog import t
from bot.config import Reminders
from handlers.account.domain import AccountView, Staff, next_password_change
from handlers.account.ids import AccountIds
from storage.models import Account, AccountState

PASSWORD_OVERDUE_GRACE = timedelta(days=7)  # then the head is told too
Facts = Mapping[str, Any]  # what the intent froze at the event: due_on, today, days, criteria


class UnknownReminder(ValueError):
    """A reminder kind the registry does not define: never drawn as some other kind."""


@dataclass(frozen=True)
class Asof:
    """What a due date is computed from: the day, the intervals, and the zone a registration's day is in."""

    today: date
    settings: Reminders
    timezone: tzinfo
    # The due date of the last one sent, by (kind, account id): a repeating reminder counts on from it.
    last_sent: Mapping[tuple[str, int], date] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    action: AccountIds
    label: str  # catalog key
    style: str | None = None
    task: str | None = None  # a withdrawal task: its button goes once the AccountView's flag of that name is set


@dataclass(frozen=True)
class ReminderKind:
    name: str
    # The catalog key of its text and that text's parameters (the account's name and URL are always there).
    message: Callable[[AccountView, Facts], tuple[str, dict[str, Any]]]
    buttons: tuple[Button, ...] = ()
    # Swept kinds: the state the account is in, its due date as of a day (None: nothing due), the SQL that
    # finds the accounts it may be due on, who gets it, and whether the managers who left are named.
    state: AccountState | None = None
    due: Callable[[Account, Asof], date | None] | None = None
    prefilter: Callable[[Asof], ColumnElement[bool]] | None = None
    recipients: Callable[[Staff], tuple[str, ...]] = lambda _staff: ()
    names_left: bool = True
    business_hours: bool = True  # sent only while the office is open (weekdays 08:30–17:15, not holidays)
    listed: bool = True  # shown by `sns-bot reminders list`

    @property
    def swept(self) -> bool:
        return self.due is not None


def criteria_text(criteria: list[str]) -> str:
    """4(6)①'s withdrawal criteria, as staff read them."""
    return "、".join(t(f"account.criteria.{c}") for c in criteria) or "—"


def _password_due(account: Account, at: Asof) -> date:
    return next_password_change(account, at.settings)


def _policy_due(account: Account, at: Asof) -> date | None:
    """The day after registration (or import), then every policy_reminder_days after the last one sent (the
    latest such day by ``today``, or the next, still to come), until a URL is recorded. Counted from the last
    one sent, a changed interval neither repeats one the next day nor skips one."""
    if account.public_policy_url:
        return None
    every = at.settings.policy_reminder_days
    if (last := at.last_sent.get(("policy", account.id))) is not None:
        return last + timedelta(days=max(1, (at.today - last).days // every) * every)
    first = account.registered_at.astimezone(at.timezone).date() + timedelta(days=1)
    return first + timedelta(days=max(0, (at.today - first).days) // every * every)


_ACTIVE = Account.state == AccountState.ACTIVE
_NO_POLICY = or_(Account.public_policy_url.is_(None), Account.public_policy_url == "")
_CHANGED = Button(AccountIds.PASSWORD_CHANGED, "account.button.password_changed", style="primary")

KINDS: dict[str, ReminderKind] = {
    kind.name: kind
    for kind in (
        ReminderKind(
            "password",
            lambda _a, facts: ("account.reminder.password", {"days": facts["days"]}),
            (_CHANGED, Button(AccountIds.PASSWORD_SNOOZE, "account.button.password_snooze")),
            state=AccountState.ACTIVE,
            due=_password_due,
            prefilter=lambda at: and_(
                _ACTIVE, Account.password_changed_on <= at.today - timedelta(days=at.settings.password_rotation_days)
            ),
            recipients=Staff.managers_or_stand_ins,
        ),
        ReminderKind(
            "password_snooze",
            lambda _a, _facts: ("account.reminder.password_snooze", {}),
            (_CHANGED,),
            state=AccountState.ACTIVE,
            due=lambda account, _at: account.password_snooze_on,
            prefilter=lambda at: and_(_ACTIVE, Account.password_snooze_on <= at.today),
            recipients=Staff.managers_or_stand_ins,
            listed=False,
        ),
        ReminderKind(
            "password_overdue",
            lambda _a, facts: (
                "account.reminder.password_overdue",
                {"late": (facts["today"] - facts["due_on"]).days + PASSWORD_OVERDUE_GRACE.days},
            ),
            state=AccountState.ACTIVE,
            due=lambda account, at: _password_due(account, at) + PASSWORD_OVERDUE_GRACE,
            prefilter=lambda at: and_(
                _ACTIVE,
                Account.password_changed_on
                <= at.today - timedelta(days=at.settings.password_rotation_days) - PASSWORD_OVERDUE_GRACE,
            ),
            recipients=Staff.heads,
            names_left=False,
            listed=False,
        ),
        ReminderKind(
            "review",
            lambda _a, _facts: ("account.reminder.review", {}),
            (Button(AccountIds.REVIEW_OPEN, "account.button.review", style="primary"),),
            state=AccountState.ACTIVE,
            due=lambda account, _at: account.review_due_on,
            prefilter=lambda at: and_(_ACTIVE, Account.review_due_on <= at.today),
            recipients=Staff.heads,
            names_left=False,
        ),
        ReminderKind(
            "policy",
            lambda account, _facts: (
                "account.reminder.policy",
                {"send_only": t("account.reminder.policy_send_only") if account.send_only else ""},
            ),
            (Button(AccountIds.POLICY_OPEN, "account.button.policy", style="primary"),),
            state=AccountState.ACTIVE,
            due=_policy_due,
            prefilter=lambda _at: and_(_ACTIVE, _NO_POLICY),
            recipients=Staff.managers_or_stand_ins,
        ),
        ReminderKind(
            "deletion",
            # 即時削除 asks for the deletion at once, with the criteria; the sweep's, after the notice period.
            lambda _a, facts: (
                "account.withdraw.immediate" if "criteria" in facts else "account.reminder.deletion",
                {"reason": criteria_text(facts.get("criteria", []))},
            ),
            (Button(AccountIds.DELETED, "account.button.deleted", style="danger"),),
            state=AccountState.WITHDRAWING,
            due=lambda account, _at: account.withdrawal_notice_until,
            prefilter=lambda at: and_(
                Account.state == AccountState.WITHDRAWING, Account.withdrawal_notice_until <= at.today
            ),
            recipients=Staff.managers_and_head,
        ),
        # Sent when a withdrawal with notice is decided (service._withdraw), never swept.
        ReminderKind(
            "withdrawal",
            lambda account, facts: (
                "account.withdraw.notice",
                {
                    "reason": criteria_text(facts["criteria"]),
                    "until": account.withdrawal_notice_until.isoformat() if account.withdrawal_notice_until else "",
                },
            ),
            tuple(
                Button(AccountIds.ANNOUNCED, f"account.button.{task}", task=task)
                for task in ("announced_in_account", "announced_on_site")
            ),
        ),
    )
}
SWEPT = tuple(kind for kind in KINDS.values() if kind.swept)


def kind_of(name: str) -> ReminderKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownReminder(f"no reminder kind {name!r}") from None


def swept_now(office_open: bool) -> tuple[ReminderKind, ...]:
    """The kinds a sweep sends now: those waiting for office hours only while the office is open."""
    return tuple(kind for kind in SWEPT if office_open or not kind.business_hours)


def prefilters(kinds: tuple[ReminderKind, ...], at: Asof) -> list[ColumnElement[bool]]:
    return [kind.prefilter(at) for kind in kinds if kind.prefilter is not None]


def due_on(kind: ReminderKind, account: Account, at: Asof) -> date | None:
    """When ``kind`` is due on ``account`` as of ``at`` (past or coming), or None when it is not."""
    if kind.due is None or account.state != kind.state:
        return None
    return kind.due(account, at)
