from enum import StrEnum


class ApplicationIds(StrEnum):
    # Page 1 of the application modal ([1]–[5] and 緊急): callback, then block ids (each input's
    # action id is the same string).
    PAGE1_SUBMIT = "application.page1.submit"
    PLATFORM = "application.platform"
    PLATFORM_OTHER = "application.platform_other"
    PURPOSE = "application.purpose"
    AUDIENCE = "application.audience"
    CONTENT = "application.content"
    STAFF = "application.staff"
    SETUP = "application.setup"
    EMERGENCY = "application.emergency"

    # Page 2 ([6]–[9]).
    PAGE2_SUBMIT = "application.page2.submit"
    FREQUENCY = "application.frequency"
    METHOD = "application.method"
    RESPONSES = "application.responses"
    POLICY_PLACE = "application.policy_place"
    ACCOUNT_NAME = "application.account_name"
    ACCOUNT_INFO = "application.account_info"
    OFF_SITE = "application.off_site"
    PASSWORDS = "application.passwords"
    SERVER = "application.server"
    RISK = "application.risk"
    RISK_REASON = "application.risk_reason"
    INDICATORS = "application.indicators"
    INTERVAL = "application.interval"

    # The head's DM (4(4)①).
    HEAD_APPLY = "application.head.apply"
    HEAD_RETURN = "application.head.return"

    # The 市政情報課 channel post.
    APPROVE = "application.decision.approve"
    RETURN = "application.decision.return"
    REJECT = "application.decision.reject"

    # The comment modal opened by 差し戻す / 差戻し / 却下.
    COMMENT_SUBMIT = "application.comment.submit"
    COMMENT = "application.comment.text"
