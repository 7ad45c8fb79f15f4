from enum import StrEnum


class DraftIds(StrEnum):
    COMMAND = "/sns-draft"
    CHECK_COMMAND = "/sns-check"

    # The draft modal: callback, then block ids (each input's action id is the same string).
    SUBMIT = "draft.submit"
    ACCOUNT = "draft.account"
    TEXT = "draft.text"
    KIND = "draft.kind"
    REVIEWERS = "draft.reviewers"
    APPROVERS = "draft.approvers"
    SCHEDULED_AT = "draft.scheduled_at"
    NOTE = "draft.note"
    CORRECTS = "draft.corrects"
    CONSENT = "draft.consent"

    # Buttons in the DMs.
    REVIEW_OK = "draft.review.ok"
    REVIEW_ISSUE = "draft.review.issue"
    APPROVE = "draft.decision.approve"
    RETURN = "draft.decision.return"
    REJECT = "draft.decision.reject"
    REVISE = "draft.revise"
    PUBLISHED = "draft.published"

    # Modals opened from the DMs.
    COMMENT_SUBMIT = "draft.comment.submit"
    COMMENT = "draft.comment.text"
    PUBLISHED_SUBMIT = "draft.published.submit"
    PUBLISHED_URL = "draft.published.url"
