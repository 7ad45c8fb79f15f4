from enum import StrEnum


class ReportIds(StrEnum):
    COMMAND = "/sns-report"
    SHORTCUT = "report.shortcut"

    # The report modal: callback, then block ids (each input's action id is the same string).
    SUBMIT = "report.submit"
    KIND = "report.kind"
    CAPACITY = "report.capacity"
    URLS = "report.urls"
    SUMMARY = "report.summary"
    DISCOVERED_AT = "report.discovered_at"
    DEPARTMENT = "report.department"
    ACCOUNT = "report.account"

    # Buttons on every copy of a case.
    ACKNOWLEDGE = "report.case.ack"
    IN_PROGRESS = "report.case.in_progress"
    RESOLVE = "report.case.resolve"
    COMMENT = "report.case.comment"
    CHECKLIST = "report.case.checklist"  # the per-item ids' prefix; whole on older copies
    NOTIFY_OFFICER = "report.case.notify_officer"
    REPORT_COMMITTEE = "report.case.report_committee"

    # Modals opened from a case.
    RESOLVE_SUBMIT = "report.resolve.submit"
    RESOLUTION_REASON = "report.resolve.reason"
    RESOLUTION_NOTE = "report.resolve.note"
    COMMENT_SUBMIT = "report.comment.submit"
    COMMENT_TEXT = "report.comment.text"
    CORRECTION_SUBMIT = "report.correction.submit"
    CORRECTION_URL = "report.correction.url"
    COMMITTEE_SUBMIT = "report.committee.submit"
    MEASURES = "report.committee.measures"
    PROGRESS = "report.committee.progress"
