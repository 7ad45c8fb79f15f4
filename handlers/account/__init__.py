"""/sns-account: usage applications (via handlers.application), the register, password rotation,
reviews, withdrawal and the monthly summary."""

from slack_bolt import App

from handlers.account import listeners
from handlers.account.ids import AccountIds
from handlers.account.jobs import JOBS
from handlers.common.ids import item_actions

__all__ = ["JOBS", "register"]


def register(app: App) -> None:
    app.command(AccountIds.COMMAND)(listeners.account_command)
    app.view(AccountIds.REGISTER_SUBMIT)(listeners.submit_register)
    app.action(AccountIds.PASSWORD_CHANGED)(listeners.password_changed)
    app.action(AccountIds.PASSWORD_SNOOZE)(listeners.password_snooze)
    app.action(AccountIds.REVIEW_OPEN)(listeners.open_review)
    app.view(AccountIds.REVIEW_SUBMIT)(listeners.submit_review)
    app.action(AccountIds.POLICY_OPEN)(listeners.open_policy)
    app.view(AccountIds.POLICY_SUBMIT)(listeners.submit_policy)
    app.view(AccountIds.WITHDRAW_SUBMIT)(listeners.submit_withdrawal)
    app.action(item_actions(AccountIds.ANNOUNCED))(listeners.announced)
    app.action(AccountIds.DELETED)(listeners.deleted)
