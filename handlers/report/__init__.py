"""/sns-report and the message shortcut: cases routed per the guideline, tracked to closure."""

from slack_bolt import App

from handlers.common.ids import item_actions
from handlers.report import listeners
from handlers.report.buttons import BUTTONS
from handlers.report.ids import ReportIds
from handlers.report.jobs import JOBS

__all__ = ["JOBS", "register"]


def register(app: App) -> None:
    app.command(ReportIds.COMMAND)(listeners.open_report)
    app.shortcut(ReportIds.SHORTCUT)(listeners.open_from_message)
    app.view(ReportIds.SUBMIT)(listeners.submit_report)
    for button in BUTTONS:  # a button changes the case at once, or asks in its modal first
        app.action(button.id)(listeners.case_change(button.change) if button.change else listeners.open_case_modal)
    app.action(item_actions(ReportIds.CHECKLIST))(listeners.toggle_item)
    app.view(ReportIds.RESOLVE_SUBMIT)(listeners.submit_resolution)
    app.view(ReportIds.COMMENT_SUBMIT)(listeners.submit_comment)
    app.view(ReportIds.CORRECTION_SUBMIT)(listeners.submit_correction)
    app.view(ReportIds.COMMITTEE_SUBMIT)(listeners.submit_committee_report)
