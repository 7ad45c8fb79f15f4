"""The account register's rules, free of Slack: registration of an approved application (4(4)④⑤),
password rotation (4(5)①), effectiveness reviews (4(4)②[9]) and withdrawal (4(6)). The reminders' sweep is
handlers/account/sweep.py, their kinds handlers/account/reminders.py.
Messages are queued as intents (Message) with what is frozen at the event (the due date, the criteria, who
decided); the delivery worker draws them when it sends them (handlers/account/messages.py), with the
account's name and URL as they are then.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.errors import BadRequest
from handlers.account.domain import (
    AccountView,
    Outcome,
    current_managers,
    head_of,
    is_orphaned,
    staff_of,
    view_of,
)
from handlers.account.intents import Message, reminder_intent, subject_of, tell_office
from handlers.application.domain import Item
from handlers.common.work import Context, audit, found
from storage import accounts, applications, outbox
from storage.models import Account, AccountState, ApplicationStatus

CRITERIA = ("purpose_achieved", "no_prospect", "security", "quality")  # 4(6)①[1]–[4]


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


# -- registration --------------------------------------------------------------------------------


def register(session: Session, ctx: Context, form: RegisterForm, user_id: str) -> tuple[Outcome, Account | None]:
    """Registers the account of an approved application, or says why not."""
    application = found(
        applications.get(session, form.application_id, for_update=True), f"application {form.application_id}"
    )
    if not _may_register(ctx.directory, application.department_id, user_id):
        audit(session, ctx, ("application", application.id), user_id, "account.denied", {"action": "register"})
        return Outcome.DENIED, None
    if application.status != ApplicationStatus.APPROVED:
        return Outcome.APPLICATION_GONE, None
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
        return Outcome.URL_TAKEN, None
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
    return Outcome.DONE, account


def _may_register(directory: Directory, department_id: str, user_id: str) -> bool:
    department = directory.department(department_id)
    in_department = department is not None and user_id in (department.head, *department.members)
    return in_department or directory.is_public_info(user_id)


# -- password rotation ------------------------------------------------------------------------------


def password_changed(
    session: Session, ctx: Context, account_id: int, user_id: str
) -> tuple[Outcome, AccountView | None]:
    """「変更しました」: records today and restarts the cycle (the reminders key on the new date)."""
    account = authorized(session, ctx, account_id, user_id, "password_changed")
    if account is None:
        return Outcome.DENIED, None
    before = account.password_changed_on
    if before == ctx.today and account.password_snooze_on is None:
        return Outcome.UNCHANGED, view_of(account)  # a retry or a second press: today is recorded already
    account.password_changed_on, account.password_snooze_on = ctx.today, None
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.password_changed",
        {"before": before.isoformat(), "after": ctx.today.isoformat()},
    )
    return Outcome.DONE, view_of(account)


def snooze(session: Session, ctx: Context, account_id: int, user_id: str) -> Outcome:
    """「明日もう一度」, once per cycle: UNCHANGED when this cycle was snoozed already."""
    account = authorized(session, ctx, account_id, user_id, "password_snooze")
    if account is None:
        return Outcome.DENIED
    if account.password_snooze_on is not None:
        return Outcome.UNCHANGED
    account.password_snooze_on = ctx.today + timedelta(days=1)
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.password_snoozed",
        {"until": account.password_snooze_on.isoformat()},
    )
    return Outcome.DONE


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


def submit_review(session: Session, ctx: Context, account_id: int, user_id: str, review: ReviewForm) -> Outcome:
    """The head's review restarts the cycle and goes to 市政情報課; 撤退 starts a withdrawal with notice."""
    account = authorized(session, ctx, account_id, user_id, "review")
    if account is None:
        return Outcome.DENIED
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
    return Outcome.DONE


def withdraw(
    session: Session, ctx: Context, account_id: int, user_id: str, criteria: list[str], *, immediate: bool
) -> Outcome:
    """Withdrawal decided by the department, or ordered by 市政情報課 (4(6))."""
    account = authorized(session, ctx, account_id, user_id, "withdraw")
    if account is None:
        return Outcome.DENIED
    if account.state != AccountState.ACTIVE:
        return Outcome.UNCHANGED  # withdrawing already
    _withdraw(session, ctx, account, user_id, criteria, immediate=immediate)
    return Outcome.DONE


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
        accounts.claim_reminder(session, "deletion", subject_of(account.id), ctx.today, ctx.now)
    intent = reminder_intent(ctx, account, kind, staff.left, criteria=criteria)
    for user in people:
        outbox.post_intent(session, channel=user, intent=intent, now=ctx.now, subject=subject_of(account.id))
    tell_office(session, ctx, account, Message.NOTICE, notice="withdrawal", immediate=immediate, criteria=criteria)
    audit(
        session,
        ctx,
        ("account", account.id),
        user_id,
        "account.withdrawing",
        {"criteria": criteria, "immediate": immediate, "until": account.withdrawal_notice_until.isoformat()},
    )


def mark_announced(
    session: Session, ctx: Context, account_id: int, user_id: str, task: str
) -> tuple[Outcome, AccountView | None]:
    """A withdrawal task done (撤退の予告をアカウント上で / 市ホームページで): the notice drops its button."""
    if task not in ("announced_in_account", "announced_on_site"):
        raise BadRequest(f"{task!r} is no withdrawal task")
    account = authorized(session, ctx, account_id, user_id, "announce")
    if account is None:
        return Outcome.DENIED, None
    if getattr(account, task):
        return Outcome.UNCHANGED, view_of(account)  # a retry or a second press
    setattr(account, task, True)
    # Every copy of the notice drops the task's button, drawn when sent: one pending update draws any later one.
    if notices := accounts.posted(session, subject_of(account.id), "withdrawal"):
        outbox.update_intents(session, targets=notices, intent=notices[0].intent, now=ctx.now)
    audit(session, ctx, ("account", account.id), user_id, "account.announced", {"task": task})
    return Outcome.DONE, view_of(account)


def deleted(session: Session, ctx: Context, account_id: int, user_id: str) -> tuple[Outcome, AccountView | None]:
    """「削除しました」: the account leaves the register's live list; 市政情報課 hears of it. Only an account
    being withdrawn is deleted (the button comes with the deletion reminder)."""
    account = authorized(session, ctx, account_id, user_id, "deleted")
    if account is None or account.state == AccountState.ACTIVE:
        return Outcome.DENIED, None
    if account.state == AccountState.DELETED:
        return Outcome.UNCHANGED, view_of(account)  # a retry or a second press: done already
    account.state, account.deleted_on = AccountState.DELETED, ctx.today
    tell_office(session, ctx, account, Message.NOTICE, notice="deleted", by=ctx.directory.name_of(user_id))
    audit(session, ctx, ("account", account.id), user_id, "account.deleted", {"on": ctx.today.isoformat()})
    return Outcome.DONE, view_of(account)


# -- the April personnel change ------------------------------------------------------------------


def flag_orphans(session: Session, ctx: Context) -> int:
    """Accounts whose managers have all left their department: 市政情報課 hears of each, once a day at most."""
    flagged = 0
    for account in accounts.live(session):
        if not is_orphaned(ctx.directory, account):
            continue
        if not accounts.claim_reminder(session, "orphaned", subject_of(account.id), ctx.today, ctx.now):
            continue
        tell_office(session, ctx, account, Message.NOTICE, notice="orphaned")
        audit(session, ctx, ("account", account.id), None, "account.orphaned", {"managers": list(account.managers)})
        flagged += 1
    return flagged


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
