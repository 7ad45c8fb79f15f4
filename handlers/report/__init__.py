"""/sns-report and the message shortcut: cases routed per the guideline, tracked to closure."""

from slack_bolt import App

from handlers.common.ids import item_actions
from handlers.report import listeners
from handlers.report.ids import ReportIds
from handlers.report.jobs import JOBS
from handlers.report.service import actions

__all__ = ["JOBS", "register"]


def register(app: App) -> None:
    app.command(ReportIds.COMMAND)(listeners.open_report)
    app.shortcut(ReportIds.SHORTCUT)(listeners.open_from_message)
    app.view(ReportIds.SUBMIT)(listeners.submit_report)
    app.action(ReportIds.ACKNOWLEDGE)(listeners.case_change(actions.acknowledge))
    app.action(ReportIds.IN_PROGRESS)(listeners.case_change(actions.start_work))
    app.action(ReportIds.NOTIFY_OFFICER)(listeners.case_change(actions.notify_officer))
    app.action(item_actions(ReportIds.CHECKLIST))(listeners.toggle_item)
    for opens_modal in (ReportIds.RESOLVE, ReportIds.COMMENT, ReportIds.REPORT_COMMITTEE):
        app.action(opens_modal)(listeners.open_case_modal)
    app.view(ReportIds.RESOLVE_SUBMIT)(listeners.submit_resolution)
    app.view(ReportIds.COMMENT_SUBMIT)(listeners.submit_comment)
    app.view(ReportIds.CORRECTION_SUBMIT)(listeners.submit_correction)
    app.view(ReportIds.COMMITTEE_SUBMIT)(listeners.submit_committee_report)
