"""The modals a copy's buttons open: resolve, comment, the committee report, and the correcting post's URL
its checklist asks for. Each names the case and carries the copy it was opened from."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, SectionBlock, StaticSelectElement
from slack_sdk.models.views import View

from bot.catalog import t
from handlers.common.views import input_block, modal
from handlers.report.ids import ReportIds
from handlers.report.metadata import CaseAction
from handlers.report.views.blocks import option, text_input

REASONS = ("no_action", "handled", "taken_down", "corrected", "duplicate")


def _case_modal(
    callback: ReportIds, texts: tuple[str, str], action: CaseAction, number: str, inputs: list[InputBlock]
) -> View:
    """A modal about case ``number``, with its title and submit button's ``texts``."""
    title, submit = texts
    return modal(
        title,
        [SectionBlock(text=f"*{number}*"), *inputs],
        callback_id=callback,
        submit=submit,
        metadata=action.encode(),
    )


def resolve_modal(action: CaseAction, number: str) -> View:
    reasons = [option(r, f"report.reason.{r}") for r in REASONS]
    reason = StaticSelectElement(action_id=ReportIds.RESOLUTION_REASON, options=reasons)
    return _case_modal(
        ReportIds.RESOLVE_SUBMIT,
        (t("report.resolve.title"), t("report.resolve.submit")),
        action,
        number,
        [
            input_block(ReportIds.RESOLUTION_REASON, "report.resolve.reason.label", reason),
            text_input(
                ReportIds.RESOLUTION_NOTE,
                "report.resolve.note.label",
                500,
                hint="report.resolve.note.hint",
                optional=True,
                multiline=True,
            ),
        ],
    )


def comment_modal(action: CaseAction, number: str) -> View:
    text = text_input(ReportIds.COMMENT_TEXT, "report.comment.label", 1000, multiline=True)
    return _case_modal(
        ReportIds.COMMENT_SUBMIT, (t("report.comment.title"), t("report.comment.submit")), action, number, [text]
    )


def correction_modal(action: CaseAction, number: str) -> View:
    url = text_input(ReportIds.CORRECTION_URL, "report.correction.label", 2000, placeholder="https://")
    return _case_modal(
        ReportIds.CORRECTION_SUBMIT,
        (t("report.correction.title"), t("report.correction.submit")),
        action,
        number,
        [url],
    )


def committee_modal(action: CaseAction, number: str) -> View:
    inputs = [
        text_input(ReportIds.MEASURES, "report.committee.measures.label", 2000, multiline=True),
        text_input(ReportIds.PROGRESS, "report.committee.progress.label", 2000, multiline=True),
    ]
    return _case_modal(
        ReportIds.COMMITTEE_SUBMIT, (t("report.committee.title"), t("report.committee.submit")), action, number, inputs
    )
