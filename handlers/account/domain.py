"""Who looks after an account now: rules of the register that need no database and no Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.config import Reminders
from bot.directory import Directory
from storage.models import Account, AccountState


class Outcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # already so: a double click, a Slack retry
    DENIED = "denied"
    APPLICATION_GONE = "application_gone"  # registered already, or its approval withdrawn
    URL_TAKEN = "url_taken"  # another account in the register has this URL
    NOT_ACTIVE = "not_active"  # withdrawing or deleted since the button was sent


@dataclass(frozen=True)
class AccountView:
    id: int
    platform: str
    name: str
    url: str
    department_name: str
    managers: list[str]
    state: AccountState
    password_changed_on: date
    next_review_on: date
    withdrawal_notice_until: date | None
    announced_in_account: bool
    announced_on_site: bool
    public_policy_url: str | None = None
    send_only: bool = False
    withdrawal_criteria: tuple[str, ...] = ()  # 4(6)'s criteria a withdrawal was decided by

    @property
    def policy_missing(self) -> bool:
        """4(4)③: every account in use publishes its 公開用運用ポリシー; one with none recorded is flagged (as the
        reminders and the monthly summary count it: an account being withdrawn is no longer asked for one)."""
        return self.state == AccountState.ACTIVE and not self.public_policy_url


def view_of(account: Account) -> AccountView:
    return AccountView(
        id=account.id,
        platform=account.platform,
        name=account.name,
        url=account.url,
        department_name=account.department_name,
        managers=list(account.managers),
        state=AccountState(account.state),
        password_changed_on=account.password_changed_on,
        next_review_on=account.review_due_on,
        withdrawal_notice_until=account.withdrawal_notice_until,
        announced_in_account=account.announced_in_account,
        announced_on_site=account.announced_on_site,
        public_policy_url=account.public_policy_url,
        send_only=account.send_only,
        withdrawal_criteria=tuple(account.withdrawal_reason.split(",")) if account.withdrawal_reason else (),
    )


@dataclass(frozen=True)
class Staff:
    """Who looks after an account now: its managers still in its department, those who left, its head,
    and 市政情報課's channel, which takes over what the ones who left would have been asked."""

    managers: tuple[str, ...]
    left: tuple[str, ...]
    head: str | None
    office: str

    def managers_or_stand_ins(self) -> tuple[str, ...]:
        if not self.left:
            return self.managers
        return tuple(dict.fromkeys([*self.managers, *self.heads(), self.office]))

    def heads(self) -> tuple[str, ...]:
        return (self.head,) if self.head else ()

    def managers_and_head(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.managers_or_stand_ins(), *self.heads()]))


def head_of(directory: Directory, account: Account) -> str | None:
    department = directory.department(account.department_id)
    return department.head if department else None


def current_managers(directory: Directory, account: Account) -> tuple[str, ...]:
    """The account's managers who still belong to (or head) its department: one transferred to another
    department or gone from app.yaml in April has left the account, for its buttons and its reminders alike."""
    department = directory.department(account.department_id)
    staff = {department.head, *department.members} if department else set()
    return tuple(m for m in account.managers if m in staff)


def staff_of(directory: Directory, account: Account) -> Staff:
    managers = current_managers(directory, account)
    return Staff(
        managers=managers,
        left=tuple(m for m in account.managers if m not in managers),
        head=head_of(directory, account),
        office=directory.offices.public_info.channel,
    )


def is_orphaned(directory: Directory, account: Account) -> bool:
    """A live account whose managers have all left its department: 市政情報課 names new ones."""
    return account.state != AccountState.DELETED and not current_managers(directory, account)


def next_password_change(account: Account | AccountView, settings: Reminders) -> date:
    """4(5)①: the day the password is due for a change again, counted from its last one."""
    return account.password_changed_on + timedelta(days=settings.password_rotation_days)
