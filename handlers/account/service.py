"""The account register's rules, free of Slack: registration of an approved application (4(4)④⑤),
password rotation (4(5)①), effectiveness reviews (4(4)②[9]) and withdrawal (4(6)).

Reminders are due dates computed from the register (last change + interval); each (kind,
subject, due date) is claimed by a unique key before it is sent, so it goes out once whichever
process sweeps first, and a restart or a changed interval never loses or doubles one.
Messages are queued as intents (Message) with what is frozen at the event (the due date, the criteria, who
decided); the delivery worker draws them when it sends them (handlers/account/messages.py), with the
account's name and URL as they are then.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.errors import BadRequest
from handlers.account import reminders
from handlers.account.domain import AccountView, Staff, current_managers, head_of, staff_of, view_of
from handlers.account.reminders import Asof, ReminderKind
from handlers.application.domain import Item
from handlers.common.work import Context, audit, found
from storage import accounts, applications, outbox
from storage.models import Account, AccountState, ApplicationStatus

SUMMARY_HOUR = time(9, 0)
CRITERIA = ("purpose_achieved", "no_prospect", "security", "quality")  # 4(6)①[1]–[4]


@dataclass(frozen=True)
class Due:
    kind: str  # a name in reminders.KINDS
    due_on: date
    recipients: tuple[str, ...]  # user IDs, or 市政情報課's channel for a manager who left
    left: tuple[str, ...] = ()  # managers it was theirs to act on who left the department


@dataclass(frozen=True)
class RegisterForm:
    application_id: int
    name: str
    url: str
    managers: list[str]
    public_policy_url: str | None
    send_only: bool
    links_to_site: bool
    linked_from_site: bool
    password_changed_on: date


@dataclass(frozen=True)
class ReviewForm:
    indicators: str
    goal: str
    decision: str  # continue or withdraw
    criteria: list[str]
    note: str | None


class Message(StrEnum):
    """The messages the service queues as intents and the delivery worker draws when it sends them
    (handlers/account/messages.py), from the account as it is then."""

    REMINDER = "account.reminder"  # to the people who act: a sweep's reminder, a withdrawal's notice
    NOTICE = "account.notice"  # to 市政情報課: registered, orphaned, withdrawal, deleted
    REVIEWED = "account.reviewed"  # to 市政情報課: the head's review, as submitted
    SUMMARY = "account.summary"  # to 市政情報課: last month's figures


# -- what is due --------------------------------------------------------------------------------


def asof(directory: Directory, today: date) -> Asof:
    return Asof(today=today, settings=directory.config.reminders, timezone=directory.timezone)


def due_for(account: Account, staff: Staff, at: Asof, kinds: tuple[ReminderKind, ...] = reminders.SWEPT) -> list[Due]:
    """The reminders an account has due by ``at.today`` (each sent once: see sweep). What the managers
    would be asked goes, when one of them left, to the head and 市政情報課 too, flagged."""
    due: list[Due] = []
    for kind in kinds:
        when = reminders.due_on(kind, account, at)
        recipients = kind.recipients(staff)
        if when is not None and when <= at.today and recipients:
            due.append(Due(kind.name, when, recipients, staff.left if kind.names_left else ()))
    return due


def sweep(session: Session, ctx: Context) -> int:
    """Sends every reminder due now, once. Ordinary reminders wait for office hours (weekdays
    08:30–17:15, not on holidays or 12/29–1/3): a sweep outside them sends nothing."""
    kinds = reminders.swept_now(ctx.directory.office_hours.is_open(ctx.now))
    if not kinds:
        return 0
    at = asof(ctx.directory, ctx.today)
    settings = at.settings
    candidates = accounts.due_candidates(session, reminders.prefilters(kinds, at))
    already = accounts.sent(session, [_subject(a) for a in candidates])
    pending = [
        (account, due)
        for account in candidates
        for due in due_for(account, staff_of(ctx.directory, account), at, kinds)
        if (due.kind, _subject(account), due.due_on) not in already
    ]
    # Claimed in one statement: what another process sent a moment ago is not claimed again.
    claimed = accounts.claim_reminders(session, [(d.kind, _subject(a), d.due_on) for a, d in pending], ctx.now)
    posts: list[outbox.Post] = []
    sent = 0
    for account, due in pending:
        if (due.kind, _subject(account), due.due_on) not in claimed:
            continue
        # What is due as of this sweep; the account's name and URL are drawn as they are when sent.
        intent = _reminder(
            ctx,
            account,
            due.kind,
            due.left,
            due_on=due.due_on.isoformat(),
            today=ctx.today.isoformat(),
            days=settings.password_rotation_days,
        )
        posts += [(user, intent, _subject(account)) for user in dict.fromkeys(due.recipients)]
        audit(
            session,
            ctx,
            ("account", account.id),
            None,
            "account.reminded",
            {"kind": due.kind, "due_on": due.due_on.isoformat()},
        )
        sent += 1
    outbox.post_intents(session, posts=posts, now=ctx.now)
    return sent + _monthly_summary(session, ctx)


def _subject(account: Account) -> str:
    """The account's key in the reminders sent, and what its messages are about in the outbox."""
    return f"account:{account.id}"


def _reminder(
    ctx: Context, account: Account, kind: str, left: tuple[str, ...], **facts: str | int | list[str]
) -> outbox.Intent:
    """A reminder of ``kind`` about ``account``; ``left``: the managers who left, named as of now."""
    return {"kind": Message.REMINDER, "account": account.id, "reminder": kind, "left": _names(ctx, left), **facts}


def tell_office(session: Session, ctx: Context, account: Account, kind: Message, **facts: Any) -> None:
    intent = {"kind": kind, "account": account.id, **facts}
    channel = ctx.directory.offices.public_info.channel
    outbox.post_intent(session, channel=channel, intent=intent, now=ctx.now, subject=_subject(account))


def _names(ctx: Context, user_ids: tuple[str, ...]) -> list[str]:
    return [ctx.directory.name_of(u) for u in user_ids]


def _monthly_summary(session: Session, ctx: Context) -> int:
    """On the first business day of a month, from 09:00: last month's summary to 市政情報課."""
    today = ctx.today
    first = today.replace(day=1)
    hours = ctx.directory.office_hours
    first_business_day = next(
        first + timedelta(days=n) for n in range(31) if hours.is_open_day(first + timedelta(days=n))
    )
    if today != first_business_day or ctx.now.astimezone(ctx.directory.timezone).time() < SUMMARY_HOUR:
        return 0
    if not accounts.claim_reminder(session, "monthly_summary", "organization", first, ctx.now):
        return 0
    # The month summed up and the day it is; the figures are counted when it is sent.
    month = (first - timedelta(days=1)).replace(day=1)
    dates = {"month": month.isoformat(), "until": first.isoformat(), "today": today.isoformat()}
    intent = {"kind": Message.SUMMARY, **dates}
    outbox.post_intent(session, channel=ctx.directory.offices.public_info.channel, intent=intent, now=ctx.now)
    return 1


def upcoming(
    session: Session, directory: Directory, today: date
) -> list[tuple[AccountView, str, date, tuple[str, ...]]]:
    """What each live account has coming next, and to whom, for `sns-bot reminders list`."""
    at = asof(directory, today)
    rows = []
    for account in accounts.live(session):
        shown, staff = view_of(account), staff_of(directory, account)
        for kind in reminders.SWEPT:
            when = reminders.due_on(kind, account, at)
            if kind.listed and when is not None:
                rows.append((shown, kind.name, when, kind.recipients(staff)))
    return sorted(rows, key=lambda row: row[2])


# -- registration --------------------------------------------------------------------------------


def register(session: Session, ctx: Context, form: RegisterForm, user_id: str) -> Account | str:
    """Registers the account of an approved application, or says why not (a catalog key)."""
    application = found(
        applications.get(session, form.application_id, for_update=True), f"application {form.application_id}"
    )
    if not _may_register(ctx.directory, application.department_id, user_id):
        audit(session, ctx, ("application", application.id), user_id, "account.denied", {"action": "register"})
        return "account.denied"
    if application.status != ApplicationStatus.APPROVED:
        return "account.error.application.gone"
    account = Account(
        application_id=application.id,
        platform=application.platform,
        name=form.name,
        url=form.url,
        department_id=application.department_id,
        department_name=application.department_name,
        managers=form.managers,
        state=AccountState.ACTIVE,
        public_policy_url=form.public_policy_url,
        send_only=form.send_only,
        links_to_site=form.links_to_site,
        linked_from_site=form.linked_from_site,
        password_changed_on=form.password_changed_on,
        review_interval_days=application.review_interval_days,
        last_review_on=ctx.today,
        registered_at=ctx.now,
        registered_by=ctx.directory.name_of(user_id),
    )
    try:
        with session.begin_nested():
            session.add(account)
            session.flush()
    except IntegrityError:
        return "account.error.url.taken"
    application.status = ApplicationStatus.REGISTERED
    tell_office(session, ctx, account, Message.NOTICE, notice="registered")
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.registered",
        {"application": application.id, "url": form.url},
    )
    return account


def _may_register(directory: Directory, department_id: str, user_id: str) -> bool:
    department = directory.department(department_id)
    in_department = department is not None and user_id in (department.head, *department.members)
    return in_department or directory.is_public_info(user_id)


# -- password rotation ------------------------------------------------------------------------------


def password_changed(session: Session, ctx: Context, account_id: int, user_id: str) -> Account | None:
    """「変更しました」: records today and restarts the cycle (the reminders key on the new date)."""
    account = authorized(session, ctx, account_id, user_id, "password_changed")
    if account is None:
        return None
    before = account.password_changed_on
    if before == ctx.today and account.password_snooze_on is None:
        return account  # a retry or a second press: today is recorded already
    account.password_changed_on, account.password_snooze_on = ctx.today, None
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.password_changed",
        {"before": before.isoformat(), "after": ctx.today.isoformat()},
    )
    return account


def snooze(session: Session, ctx: Context, account_id: int, user_id: str) -> bool | None:
    """「明日もう一度」, once per cycle: True when set, False when this cycle was snoozed already."""
    account = authorized(session, ctx, account_id, user_id, "password_snooze")
    if account is None:
        return None
    if account.password_snooze_on is not None:
        return False
    account.password_snooze_on = ctx.today + timedelta(days=1)
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.password_snoozed",
        {"until": account.password_snooze_on.isoformat()},
    )
    return True


# -- effectiveness review and withdrawal -------------------------------------------------------------


def review_form(session: Session, ctx: Context, account_id: int, user_id: str) -> tuple[AccountView, str | None] | None:
    """What the review modal shows, for the head or 市政情報課; anyone else is refused and audited."""
    account = authorized(session, ctx, account_id, user_id, "review")
    return None if account is None else (view_of(account), indicators_of(session, account))


def indicators_of(session: Session, account: Account) -> str | None:
    """The indicators item [9] of the account's application named (imported accounts have none)."""
    if account.application_id is None:
        return None
    application = applications.get(session, account.application_id)
    return (application.items or {}).get(Item.INDICATORS) if application else None


def submit_review(session: Session, ctx: Context, account_id: int, user_id: str, review: ReviewForm) -> bool:
    """The head's review restarts the cycle and goes to 市政情報課; 撤退 starts a withdrawal with notice."""
    account = authorized(session, ctx, account_id, user_id, "review")
    if account is None:
        return False
    account.last_review_on = ctx.today
    tell_office(session, ctx, account, Message.REVIEWED, review=asdict(review), by=ctx.directory.name_of(user_id))
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.reviewed",
        {
            "goal": review.goal,
            "decision": review.decision,
            "criteria": review.criteria,
            "indicators": review.indicators,
        },
    )
    if review.decision == "withdraw":
        _withdraw(session, ctx, account, user_id, review.criteria, immediate=False)
    return True


def withdraw(
    session: Session, ctx: Context, account_id: int, user_id: str, criteria: list[str], *, immediate: bool
) -> bool:
    """Withdrawal decided by the department, or ordered by 市政情報課 (4(6))."""
    account = authorized(session, ctx, account_id, user_id, "withdraw")
    if account is None or account.state != AccountState.ACTIVE:
        return False
    _withdraw(session, ctx, account, user_id, criteria, immediate=immediate)
    return True


def _withdraw(
    session: Session, ctx: Context, account: Account, user_id: str, criteria: list[str], *, immediate: bool
) -> None:
    """予告後削除: announce, wait the notice period, then the deletion reminder. 即時削除 (ただし書き):
    the deletion is asked for now, and recorded as the reminder so the sweep never asks again."""
    notice_days = 0 if immediate else ctx.directory.config.reminders.withdrawal_notice_days
    account.state = AccountState.WITHDRAWING
    account.withdrawal_reason = ",".join(criteria)
    account.withdrawal_notice_until = ctx.today + timedelta(days=notice_days)
    staff = staff_of(ctx.directory, account)
    # 市政情報課 hears in its own notice below: its channel is not asked twice.
    people = dict.fromkeys([*staff.managers, *([staff.head] if staff.head else [])])
    kind = "deletion" if immediate else "withdrawal"
    if immediate:
        accounts.claim_reminder(session, "deletion", _subject(account), ctx.today, ctx.now)
    intent = _reminder(ctx, account, kind, staff.left, criteria=criteria)
    for user in people:
        outbox.post_intent(session, channel=user, intent=intent, now=ctx.now, subject=_subject(account))
    tell_office(session, ctx, account, Message.NOTICE, notice="withdrawal", immediate=immediate, criteria=criteria)
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.withdrawing",
        {"criteria": criteria, "immediate": immediate, "until": account.withdrawal_notice_until.isoformat()},
    )


def mark_announced(session: Session, ctx: Context, account_id: int, user_id: str, task: str) -> Account | None:
    if task not in ("announced_in_account", "announced_on_site"):
        raise BadRequest(f"{task!r} is no withdrawal task")
    account = authorized(session, ctx, account_id, user_id, "announce")
    if account is None:
        return None
    if getattr(account, task):
        return account  # a retry or a second press
    setattr(account, task, True)
    # Every copy of the notice drops the task's button, drawn when sent: one pending update draws any later one.
    if notices := accounts.posted(session, _subject(account), "withdrawal"):
        outbox.update_intents(session, targets=notices, intent=notices[0].intent, now=ctx.now)
    audit(session, ctx, ("account", account.id), user_id, "account.announced", {"task": task})
    return account


def deleted(session: Session, ctx: Context, account_id: int, user_id: str) -> Account | None:
    """「削除しました」: the account leaves the register's live list; 市政情報課 hears of it."""
    account = authorized(session, ctx, account_id, user_id, "deleted")
    if account is None or account.state not in (AccountState.WITHDRAWING, AccountState.DELETED):
        return None
    if account.state == AccountState.DELETED:
        return account  # a retry or a second press: done already
    account.state, account.deleted_on = AccountState.DELETED, ctx.today
    tell_office(session, ctx, account, Message.NOTICE, notice="deleted", by=ctx.directory.name_of(user_id))
    audit(session, ctx, ("account", account.id), user_id, "account.deleted", {"on": ctx.today.isoformat()})
    return account


# -- the April personnel change ------------------------------------------------------------------


def flag_orphans(session: Session, ctx: Context) -> int:
    """Accounts whose managers have all left their department: 市政情報課 hears of each, once a day at most."""
    flagged = 0
    for account in accounts.live(session):
        if current_managers(ctx.directory, account):
            continue
        if not accounts.claim_reminder(session, "orphaned", _subject(account), ctx.today, ctx.now):
            continue
        tell_office(session, ctx, account, Message.NOTICE, notice="orphaned")
        audit(session, ctx, ("account", account.id), None, "account.orphaned", {"managers": list(account.managers)})
        flagged += 1
    return flagged


def may_export(session: Session, ctx: Context, user_id: str) -> bool:
    """The audit log goes only to 市政情報課 members; an attempt by anyone else is itself audited."""
    if ctx.directory.is_public_info(user_id):
        return True
    audit(session, ctx, ("audit_log", "-"), user_id, "audit.export_denied", {})
    return False


# -- who may ---------------------------------------------------------------------------------------


def may_act(directory: Directory, account: Account, user_id: str, action: str) -> bool:
    """Managers look after the password; the head reviews and withdraws; 市政情報課 may do all (4(6)).
    Each by the role held now: a manager who left the department, or a head who no longer heads, may not."""
    head = head_of(directory, account)
    if directory.is_public_info(user_id):
        return True
    if action in ("password_changed", "password_snooze", "announce", "deleted", "policy"):
        return user_id == head or user_id in current_managers(directory, account)
    return user_id == head


def authorized(session: Session, ctx: Context, account_id: int, user_id: str, action: str) -> Account | None:
    account = found(accounts.get(session, account_id, for_update=True), f"account {account_id}")
    if may_act(ctx.directory, account, user_id, action):
        return account
    audit(session, ctx, ("account", account.id), user_id, "account.denied", {"action": action})
    return None
