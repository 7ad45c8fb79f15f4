"""The report modal (/sns-report, or a message shortcut's, prefilled) and what it shows once submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DateTimePickerElement,
    Option,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.catalog import t
from bot.config import Department, Offices
from bot.directory import Directory
from bot.mrkdwn import escape, fit, fitting, joined
from bot.per_directory import PerDirectory
from handlers.common.views import input_block, modal, notice_modal
from handlers.report.domain import Submission
from handlers.report.ids import ReportIds
from handlers.report.views.blocks import NOTES_SHOWN, context, option, text_input
from storage.models import Capacity, CaseKind

SUMMARY_MAX = 3000
URLS_INPUT_MAX = 3000
MAX_URLS = 20
ACCOUNT_MAX = 200


@dataclass(frozen=True)
class Prefill:
    """What a message shortcut knows: the message's text and links (any number: the modal takes what fits)."""

    summary: str = ""
    urls: tuple[str, ...] = ()


def report_modal(
    departments: list[Department],
    default_department: Department | None,
    offices: Offices,
    now: datetime,
    prefill: Prefill = Prefill(),
) -> View:
    kinds = [option(kind, f"report.kind.{kind}") for kind in CaseKind]
    capacities = [option(c, f"report.capacity.{c}") for c in Capacity]
    department_options = [Option(value=d.id, text=fit(d.name, 75)) for d in departments[:100]]
    initial_department = next(
        (o for o in department_options if default_department and o.value == default_department.id), None
    )
    urls, left_out, summary = _prefilled(prefill)
    office_names = "・".join(
        escape(o.name) for o in (offices.secretariat, offices.public_info, offices.general_affairs)
    )
    blocks = [
        context([t("report.modal.intro", offices=office_names)]),
        input_block(ReportIds.KIND, "report.kind.label", StaticSelectElement(action_id=ReportIds.KIND, options=kinds)),
        input_block(
            ReportIds.CAPACITY,
            "report.capacity.label",
            RadioButtonsElement(action_id=ReportIds.CAPACITY, options=capacities, initial_option=capacities[0]),
        ),
        text_input(
            ReportIds.URLS,
            "report.urls.label",
            URLS_INPUT_MAX,
            hint="report.urls.hint",
            multiline=True,
            initial_value=urls,
            placeholder="https://",
        ),
        *_left_out(left_out),
        text_input(
            ReportIds.SUMMARY,
            "report.summary.label",
            SUMMARY_MAX,
            hint="report.summary.hint",
            multiline=True,
            initial_value=summary,
        ),
        input_block(
            ReportIds.DISCOVERED_AT,
            "report.discovered_at.label",
            DateTimePickerElement(action_id=ReportIds.DISCOVERED_AT, initial_date_time=int(now.timestamp())),
        ),
        input_block(
            ReportIds.DEPARTMENT,
            "report.department.label",
            StaticSelectElement(
                action_id=ReportIds.DEPARTMENT, options=department_options, initial_option=initial_department
            ),
            hint="report.department.hint",
            optional=True,
        ),
        text_input(ReportIds.ACCOUNT, "report.account.label", ACCOUNT_MAX, hint="report.account.hint", optional=True),
    ]
    return modal(t("report.modal.title"), blocks, callback_id=ReportIds.SUBMIT, submit=t("report.modal.submit"))


def _prefilled(prefill: Prefill) -> tuple[str | None, int, str | None]:
    """The URL field's text (whole URLs only), how many URLs it leaves out, and the summary field's text."""
    urls = fitting(prefill.urls[:MAX_URLS], URLS_INPUT_MAX, "\n")
    return "\n".join(urls) or None, len(prefill.urls) - len(urls), fit(prefill.summary, SUMMARY_MAX) or None


# Everything in the modal but what varies by opening: serialised (and validated) once per directory revision.
_UNFILLED = PerDirectory(
    lambda directory: report_modal(
        directory.departments, None, directory.offices, datetime.fromtimestamp(0, UTC)
    ).to_dict()
)


def report_modal_for(
    directory: Directory, default_department: Department | None, now: datetime, prefill: Prefill = Prefill()
) -> dict[str, Any]:
    """``report_modal(...).to_dict()`` from the directory's serialised modal: copies only the blocks that vary
    (the time, the reporter's department, a shortcut's URLs and summary); the cached dicts stay untouched."""
    unfilled = _UNFILLED(directory)
    urls, left_out, summary = _prefilled(prefill)
    varying: dict[str, dict[str, Any]] = {
        ReportIds.URLS: {"initial_value": urls},
        ReportIds.SUMMARY: {"initial_value": summary},
        ReportIds.DISCOVERED_AT: {"initial_date_time": int(now.timestamp())},
        ReportIds.DEPARTMENT: {"initial_option": _department_option(unfilled, default_department)},
    }
    blocks: list[dict[str, Any]] = []
    for block in unfilled["blocks"]:
        fields = varying.get(block.get("block_id", ""))
        blocks.append(_with_element(block, fields) if fields else block)
        if block.get("block_id") == ReportIds.URLS:
            blocks += [b.to_dict() for b in _left_out(left_out)]
    return {**unfilled, "blocks": blocks}


def _department_option(unfilled: dict[str, Any], department: Department | None) -> dict[str, Any] | None:
    (block,) = [b for b in unfilled["blocks"] if b.get("block_id") == ReportIds.DEPARTMENT]
    options = block["element"]["options"]
    return next((o for o in options if department and o["value"] == department.id), None)


def _with_element(block: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A copy of an input block whose element has ``fields`` set; None leaves a field out, as slack_sdk does."""
    element = {**block["element"], **{k: v for k, v in fields.items() if v is not None}}
    return {**block, "element": element}


def _left_out(count: int) -> list[Block]:
    """Says how many of the message's links the URL field could not hold."""
    return [context([t("report.urls.left_out", count=count)])] if count else []


def received_view(submission: Submission, public_info: str) -> View:
    """The modal after submitting: the case number, who hears of it, and 4(2)③'s warning."""
    if submission.attached:
        lines = [t("report.received.attached", number=submission.number)]
    else:
        recipients = joined(submission.recipients, NOTES_SHOWN)
        lines = [t("report.received.new", number=submission.number, recipients=recipients)]
        if submission.department_unknown:
            lines.append(t("report.received.unknown_department", public_info=public_info))
    lines.append(t("report.received.no_rebuttal"))
    return notice_modal(t("report.received.title"), "\n\n".join(lines))
