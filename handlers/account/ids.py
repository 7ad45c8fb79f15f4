from enum import StrEnum


class AccountIds(StrEnum):
    COMMAND = "/sns-account"

    # The register modal: callback, then block ids (each input's action id is the same string).
    REGISTER_SUBMIT = "account.register.submit"
    APPLICATION = "account.register.application"
    NAME = "account.register.name"
    URL = "account.register.url"
    MANAGERS = "account.register.managers"
    POLICY_URL = "account.register.policy_url"
    SEND_ONLY = "account.register.send_only"
    LINKS = "account.register.links"
    PASSWORD_CHANGED_ON = "account.register.password_changed_on"  # noqa: S105 - an id, no password

    # Reminders' buttons.
    PASSWORD_CHANGED = "account.password.changed"  # noqa: S105 - an id, no password
    PASSWORD_SNOOZE = "account.password.snooze"  # noqa: S105 - an id, no password
    REVIEW_OPEN = "account.review.open"
    DELETED = "account.withdrawal.deleted"
    ANNOUNCED = "account.withdrawal.announced"
    POLICY_OPEN = "account.policy.open"

    # The public policy modal (4(4)③): a URL for an account that has none.
    POLICY_SUBMIT = "account.policy.submit"
    POLICY_RECORD_URL = "account.policy.url"

    # The review modal.
    REVIEW_SUBMIT = "account.review.submit"
    INDICATORS = "account.review.indicators"
    GOAL_REACHED = "account.review.goal_reached"
    DECISION = "account.review.decision"
    CRITERIA = "account.review.criteria"
    NOTE = "account.review.note"

    # The withdrawal modal.
    WITHDRAW_SUBMIT = "account.withdraw.submit"
    ACCOUNT = "account.withdraw.account"
    MODE = "account.withdraw.mode"
