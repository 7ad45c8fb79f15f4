"""The account reminders' sweep, every minute: whatever the registry (handlers/account/reminders.py) says is due,
each (kind, account, due date) claimed by a unique key before it is sent, so it goes out once whichever process
sweeps first, and a restart or a changed interval never loses or doubles one; and the monthly summary.
Also what is coming, for `sns-bot reminders list`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from bot.directory import Directory
from handlers.account import reminders
from handlers.account.domain import AccountView, Staff, staff_of, view_of
from handlers.account.intents import Message, account_id_of, reminder_intent, subject_of
from handlers.account.reminders import Asof, ReminderKind
from handlers.common.work import Context, audit
from storage import accounts, outbox
from storage.models import Account

SUMMARY_HOUR = time(9, 0)


@dataclass(frozen=True)
class Due:
    kind: str  # a name in reminders.KINDS
    due_on: date
    recipients: tuple[str, ...]  # user IDs, or 市政情報課's channel for a manager who left
    left: tuple[str, ...] = ()  # managers it was theirs to act on who left the department


def asof(directory: Directory, today: date, sent: Iterable[tuple[str, str, date]] = ()) -> Asof:
    """What due dates are computed from on ``today``, given the reminders ``sent`` (kind, subject, due date)."""
    last: dict[tuple[str, int], date] = {}
    for kind, subject, due_on in sent:
        key = (kind, account_id_of(subject))
        last[key] = max(due_on, last.get(key, due_on))
    return Asof(today=today, settings=directory.config.reminders, timezone=directory.timezone, last_sent=last)


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
    settings = ctx.directory.config.reminders
    candidates = accounts.due_candidates(session, reminders.prefilters(kinds, asof(ctx.directory, ctx.today)))
    already = accounts.sent(session, [_subject(a) for a in candidates])
    at = asof(ctx.directory, ctx.today, already)
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
        intent = reminder_intent(
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
    return subject_of(account.id)


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
    live = accounts.live(session)
    at = asof(directory, today, accounts.sent(session, [_subject(a) for a in live]))
    rows = []
    for account in live:
        shown, staff = view_of(account), staff_of(directory, account)
        for kind in reminders.SWEPT:
            when = reminders.due_on(kind, account, at)
            if kind.listed and when is not None:
                rows.append((shown, kind.name, when, kind.recipients(staff)))
    return sorted(rows, key=lambda row: row[2])
