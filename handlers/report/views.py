"""Block Kit for /sns-report: the report modal, the case's copies, its thread and the modals
opened from it. Pure: snapshots and config in, slack_sdk models (or message dicts) out.
Every string a person typed passes through ``escape`` before it reaches mrkdwn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.catalog import t
from bot.config import Department, Offices
from bot.directory import Directory
from bot.mrkdwn import escape, fit, fit_escaped, fitting, joined, was_cut
from bot.per_directory import PerDirectory
from handlers.common.ids import item_action
from handlers.report.domain import Event, ReportPart, Snapshot, Submission
from handlers.report.ids import ReportIds
from handlers.report.kinds import Stage, kind_of, reached
from handlers.report.metadata import CaseAction
from storage.models import Audience, Capacity, CaseKind, CaseStatus

SECTION_LIMIT = 3000
SUMMARY_MAX = 3000
URLS_INPUT_MAX = 3000
MAX_URLS = 20
ACCOUNT_MAX = 200
# What a copy shows of each part, so that the whole message stays well under the ~12,000 characters of
# block text at which Slack answers msg_blocks_too_long; the thread holds what was cut (full_text).
FIELD_SHOWN = 400
URLS_SHOWN = 1200
SUMMARY_SHOWN = 2000
ACCOUNT_SHOWN = 300
NOTE_SHOWN = 300
NOTES_SHOWN = 1200
TYPED_SHOWN = 1800  # the committee report's measures and progress
FULL_TEXT_MAX = 39_000  # a thread reply's text; Slack's limit is 40,000
REASONS = ("no_action", "handled", "taken_down", "corrected", "duplicate")


def _option(value: str, key: str) -> Option:
    return Option(value=value, text=t(key))


# -- the report modal ------------------------------------------------------------------------


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
    kinds = [_option(kind, f"report.kind.{kind}") for kind in CaseKind]
    capacities = [_option(c, f"report.capacity.{c}") for c in Capacity]
    department_options = [Option(value=d.id, text=fit(d.name, 75)) for d in departments[:100]]
    initial_department = next(
        (o for o in department_options if default_department and o.value == default_department.id), None
    )
    urls, left_out, summary = _prefilled(prefill)
    office_names = "・".join(
        escape(o.name) for o in (offices.secretariat, offices.public_info, offices.general_affairs)
    )
    return View(
        type="modal",
        callback_id=ReportIds.SUBMIT,
        title=t("report.modal.title"),
        submit=t("report.modal.submit"),
        close=t("common.close"),
        blocks=[
            _context([t("report.modal.intro", offices=office_names)]),
            _input(ReportIds.KIND, "report.kind.label", StaticSelectElement(action_id=ReportIds.KIND, options=kinds)),
            _input(
                ReportIds.CAPACITY,
                "report.capacity.label",
                RadioButtonsElement(action_id=ReportIds.CAPACITY, options=capacities, initial_option=capacities[0]),
            ),
            _input(
                ReportIds.URLS,
                "report.urls.label",
                PlainTextInputElement(
                    action_id=ReportIds.URLS,
                    multiline=True,
                    max_length=URLS_INPUT_MAX,
                    initial_value=urls,
                    placeholder="https://",
                ),
                hint="report.urls.hint",
            ),
            *_left_out(left_out),
            _input(
                ReportIds.SUMMARY,
                "report.summary.label",
                PlainTextInputElement(
                    action_id=ReportIds.SUMMARY,
                    multiline=True,
                    max_length=SUMMARY_MAX,
                    initial_value=summary,
                ),
                hint="report.summary.hint",
            ),
            _input(
                ReportIds.DISCOVERED_AT,
                "report.discovered_at.label",
                DateTimePickerElement(action_id=ReportIds.DISCOVERED_AT, initial_date_time=int(now.timestamp())),
            ),
            _input(
                ReportIds.DEPARTMENT,
                "report.department.label",
                StaticSelectElement(
                    action_id=ReportIds.DEPARTMENT, options=department_options, initial_option=initial_department
                ),
                hint="report.department.hint",
                optional=True,
            ),
            _input(
                ReportIds.ACCOUNT,
                "report.account.label",
                PlainTextInputElement(action_id=ReportIds.ACCOUNT, max_length=ACCOUNT_MAX),
                hint="report.account.hint",
                optional=True,
            ),
        ],
    )


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


def _department_option(modal: dict[str, Any], department: Department | None) -> dict[str, Any] | None:
    (block,) = [b for b in modal["blocks"] if b.get("block_id") == ReportIds.DEPARTMENT]
    options = block["element"]["options"]
    return next((o for o in options if department and o["value"] == department.id), None)


def _with_element(block: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A copy of an input block whose element has ``fields`` set; None leaves a field out, as slack_sdk does."""
    element = {**block["element"], **{k: v for k, v in fields.items() if v is not None}}
    return {**block, "element": element}


def _left_out(count: int) -> list[Block]:
    """Says how many of the message's links the URL field could not hold."""
    return [_context([t("report.urls.left_out", count=count)])] if count else []


def _input(block_id: str, label: str, element: Any, *, hint: str | None = None, optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=t(label), element=element, hint=t(hint) if hint else None, optional=optional
    )


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
    return View(
        type="modal",
        title=t("report.received.title"),
        close=t("common.close"),
        blocks=[SectionBlock(text="\n\n".join(lines))],
    )


# -- the case's messages -----------------------------------------------------------------------


class SlackRenderer:
    """A case's messages, drawn when sent (handlers/report/messages.py), with times shown in the
    organisation's zone. People's names arrive as mrkdwn from the directory (an escaped name, or a mention)."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone

    def when(self, at: datetime) -> str:
        return at.astimezone(self.timezone).strftime("%m/%d %H:%M")

    def case_copy(self, case: Snapshot, audience: Audience, copy_id: int) -> dict[str, Any]:
        urls = joined([escape(u) for u in case.urls], URLS_SHOWN, separator="\n", more="common.more")
        summary = fit(_summary(case), SUMMARY_SHOWN)
        blocks: list[Block] = [
            HeaderBlock(text=fit(t("report.case.header", kind=t(f"report.kind.{case.kind}"), number=case.number), 150)),
            SectionBlock(fields=self._fields(case)),
            SectionBlock(text=t("report.case.urls", urls=urls)),
            SectionBlock(text=t("report.case.summary", summary=summary)),
        ]
        if case.account:
            blocks.append(SectionBlock(text=t("report.case.account", account=fit_escaped(case.account, ACCOUNT_SHOWN))))
        blocks.append(_context(self._notes(case, audience)))
        if copy_id in case.handed_over:  # the head changed (人事異動): the successor acts, this copy only tells
            blocks.append(SectionBlock(text=t("report.case.handed_over", name=case.handed_over[copy_id])))
        elif audience != Audience.REPORTER:
            blocks += self._checklist(case, copy_id)
            actions = self._buttons(case, audience, copy_id)
            if actions:
                blocks.append(ActionsBlock(elements=actions))
        return {"text": self._fallback(case), "blocks": [b.to_dict() for b in blocks]}

    def full_text(self, case: Snapshot, typed: tuple[str, str] | None = None) -> dict[str, Any] | None:
        """A thread reply with what a copy (or, with ``typed`` measures and progress, the committee
        report) had to cut: the whole summary, URLs and typed text. None when nothing was cut."""
        measures, progress = typed or ("", "")
        if not (_cut(case) or was_cut(escape(measures), TYPED_SHOWN) or was_cut(escape(progress), TYPED_SHOWN)):
            return None
        parts = [t("report.case.full_text", summary=_summary(case), urls="\n".join(escape(u) for u in case.urls))]
        if typed:
            parts += [
                t("report.committee.measures", measures=escape(measures)),
                t("report.committee.progress", progress=escape(progress)),
            ]
        return {"text": fit("\n\n".join(parts), FULL_TEXT_MAX)}

    def _fallback(self, case: Snapshot) -> str:
        kind = t(f"report.kind.{case.kind}")
        return t("report.case.text", kind=kind, number=case.number, summary=fit_escaped(case.summary, 150))

    def _fields(self, case: Snapshot) -> list[MarkdownTextObject]:
        department = escape(case.department_name) if case.department_name else t("report.case.department.unknown")
        texts = [
            t("report.case.kind", kind=t(f"report.kind.{case.kind}")),
            t("report.case.capacity", capacity=t(f"report.capacity.{case.capacity}.short")),
            t("report.case.department", department=department),
            t("report.case.reporter", reporter=_reporters(case)),
            t("report.case.discovered_at", at=self.when(case.discovered_at)),
            t("report.case.status", status=self._status(case)),
        ]
        return [MarkdownTextObject(text=fit(text, FIELD_SHOWN)) for text in texts]

    def _status(self, case: Snapshot) -> str:
        """One line: the furthest stage of the kind's ladder the case reached, with who took it and when
        (a resolution's note under it)."""
        stage = reached(case)
        if stage == Stage.RESOLVED and case.resolved:  # None for a seat that may not see the resolution
            by, at, reason, note = case.resolved
            line = t("report.status.resolution", reason=t(f"report.reason.{reason}"), name=by, at=self.when(at))
            note_line = t("report.status.resolution_note", note=fit_escaped(note, NOTE_SHOWN)) if note else ""
            return "\n".join(filter(None, (line, note_line)))
        taken = {
            Stage.ACKNOWLEDGED: case.acknowledged,
            Stage.IN_PROGRESS: case.acknowledged,  # who received it (starting work receives it too)
            Stage.OFFICER_NOTIFIED: case.officer_notified,
            Stage.COMMITTEE_REPORTED: case.committee_reported,
        }.get(stage)
        if taken is None:
            return t(f"report.stage.{stage}")
        key = "report.status.working" if stage == Stage.IN_PROGRESS else "report.status.by"
        return t(key, stage=t(f"report.stage.{stage}"), name=taken[0], at=self.when(taken[1]))

    def _notes(self, case: Snapshot, audience: Audience) -> list[str]:
        notes = [t("report.case.recipients", recipients=joined(case.recipients, NOTE_SHOWN))]
        if case.reporter_count > 1:
            notes.append(t("report.case.duplicates", count=case.reporter_count))
        if case.capacity == Capacity.PRIVATE or any(r.capacity == Capacity.PRIVATE for r in case.reports):
            notes.append(t("report.case.private_note"))
        notes += _chain_prompts(case, audience)
        notes.append(t("report.case.reporter_note") if audience == Audience.REPORTER else t("report.case.no_rebuttal"))
        if _cut(case):
            notes.append(t("report.case.cut", holder=case.recipients[0] if case.recipients else ""))
        return notes

    def _checklist(self, case: Snapshot, copy_id: int) -> list[Block]:
        """One button per item, ☐ or ☑, and who ticked what when."""
        kind = kind_of(case.kind)
        items = kind.visible_items(set(case.checklist))
        if not items:
            return []
        text = t("report.checklist.title") + (f"\n{t(kind.checklist_note)}" if kind.checklist_note else "")
        buttons = [
            ButtonElement(
                text=fit(("☑ " if item in case.checklist else "☐ ") + t(f"report.checklist.{item}"), 75),
                action_id=item_action(ReportIds.CHECKLIST, item),
                value=CaseAction(case_id=case.id, copy_id=copy_id, item=item, done=item not in case.checklist).encode(),
            )
            for item in items
        ]
        blocks: list[Block] = [SectionBlock(text=text), ActionsBlock(elements=buttons)]
        done = [self._done_line(item, *case.checklist[item]) for item in items if item in case.checklist]
        if done:
            blocks.append(_context(done))
        return blocks

    def _done_line(self, item: str, by: str, at: datetime, value: str | None) -> str:
        line = f"☑ {t(f'report.checklist.{item}')}: " + t("report.checklist.done_by", name=by, at=self.when(at))
        return line + (
            " " + t("report.checklist.correction_value", url=fit_escaped(value, NOTE_SHOWN)) if value else ""
        )

    def _buttons(self, case: Snapshot, audience: Audience, copy_id: int) -> list[ButtonElement]:
        value = CaseAction(case_id=case.id, copy_id=copy_id).encode()

        def button(action: ReportIds, key: str, **kwargs: Any) -> ButtonElement:
            return ButtonElement(text=t(key), action_id=action, value=value, **kwargs)

        buttons = []
        if case.status != CaseStatus.RESOLVED:
            if case.acknowledged is None:
                buttons.append(button(ReportIds.ACKNOWLEDGE, "report.button.acknowledge", style="primary"))
            if case.status == CaseStatus.OPEN:
                buttons.append(button(ReportIds.IN_PROGRESS, "report.button.in_progress"))
            buttons.append(button(ReportIds.RESOLVE, "report.button.resolve"))
        if (
            Stage.OFFICER_NOTIFIED in kind_of(case.kind).ladder
            and not case.officer_notified
            and audience in (Audience.HEAD, Audience.PUBLIC_INFO)
        ):
            buttons.append(
                button(
                    ReportIds.NOTIFY_OFFICER, "report.button.notify_officer", style="danger", confirm=_confirm_notify()
                )
            )
        if audience == Audience.SECURITY_OFFICER and not case.committee_reported:
            buttons.append(button(ReportIds.REPORT_COMMITTEE, "report.button.report_committee"))
        if audience == Audience.PUBLIC_INFO:
            buttons.append(button(ReportIds.COMMENT, "report.button.comment"))
        return buttons

    def timeline(self, case: Snapshot, event: Event) -> dict[str, Any]:
        # Names and recipients come from the directory already safe; only typed text is escaped here.
        params = {key: escape(value) if key == "text" else value for key, value in event.params.items()}
        if "item" in params:
            params["item"] = t(f"report.checklist.{event.params['item']}")
        if event.kind == "duplicates":  # the reports this thread's reader may know of
            params["count"] = case.reporter_count
        if "reason" in params:
            params["reason"] = t(f"report.reason.{event.params['reason']}")
        # A reply without blocks: its text may be long (a comment), up to Slack's 40,000.
        return {"text": fit(t(f"report.timeline.{event.kind}", at=self.when(event.at), **params), FULL_TEXT_MAX)}

    def confirmation(self, case: Snapshot) -> dict[str, Any]:
        text = t("report.received.attached", number=case.number) + "\n" + t("report.received.no_rebuttal")
        return {
            "text": t("report.confirmation.text", number=case.number),
            "blocks": [SectionBlock(text=text).to_dict()],
        }

    def escalation(self, case: Snapshot, audience: Audience, minutes: int, members: list[str]) -> dict[str, Any]:
        kind = t(f"report.kind.{case.kind}")
        if audience == Audience.HEAD:
            text = t("report.escalation.head", number=case.number, kind=kind, minutes=minutes)
        else:
            text = t(
                "report.escalation.office", members=" ".join(members), number=case.number, kind=kind, minutes=minutes
            )
        return {"text": text}

    def committee_report(self, case: Snapshot, measures: str, progress: str, by: str) -> dict[str, Any]:
        urls = joined([escape(u) for u in case.urls], URLS_SHOWN, separator="\n", more="common.more")
        facts = fit(_summary(case), SUMMARY_SHOWN) + "\n" + urls
        blocks: list[Block] = [
            HeaderBlock(text=t("report.committee.header", number=case.number)),
            SectionBlock(fields=self._fields(case)),
            SectionBlock(text=t("report.committee.facts", summary=facts)),
            SectionBlock(text=t("report.committee.measures", measures=fit_escaped(measures, TYPED_SHOWN))),
            SectionBlock(text=t("report.committee.progress", progress=fit_escaped(progress, TYPED_SHOWN))),
            _context([t("report.committee.reported_by", name=by, office=t("report.kind.violation"))]),
        ]
        if self.full_text(case, (measures, progress)):
            blocks.append(_context([t("report.committee.cut")]))
        return {"text": t("report.committee.text", number=case.number), "blocks": [b.to_dict() for b in blocks]}


def _context(lines: list[str]) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=fit(line, NOTES_SHOWN)) for line in lines[:10]])


def _cut(case: Snapshot) -> bool:
    """Whether a copy leaves out part of the summary or the URLs (then the thread has them whole)."""
    urls = "\n".join(escape(u) for u in case.urls)
    return was_cut(_summary(case), SUMMARY_SHOWN) or was_cut(urls, URLS_SHOWN)


def _summary(case: Snapshot) -> str:
    """The 概要 (mrkdwn): a lone report's as typed; several reports' each under its reporter."""
    if len(case.reports) <= 1:
        return escape(case.summary) or t("report.case.none")  # none the reader may see
    return "\n".join(t("report.case.summary_of", reporter=_marked(r), summary=escape(r.summary)) for r in case.reports)


def _reporters(case: Snapshot) -> str:
    """Who reported, as far as the copy may tell, each private report marked."""
    return "、".join(_marked(r) for r in case.named) if case.named else case.reporter_name or t("report.case.none")


def _marked(report: ReportPart) -> str:
    return report.name + (t("report.case.private_mark") if report.capacity == Capacity.PRIVATE else "")


def _chain_prompts(case: Snapshot, audience: Audience) -> list[str]:
    """What the violation chain (6(2)) asks of this copy's reader next: the head to notify the officer, the
    officer to report to the committee."""
    ladder = kind_of(case.kind).ladder
    prompts = []
    if Stage.OFFICER_NOTIFIED in ladder and not case.officer_notified and audience == Audience.HEAD:
        prompts.append(t("report.violation.head_note"))
    if Stage.COMMITTEE_REPORTED in ladder and not case.committee_reported and audience == Audience.SECURITY_OFFICER:
        prompts.append(t("report.violation.officer_note"))
    return prompts


def _confirm_notify() -> ConfirmObject:
    return ConfirmObject(
        title=t("report.confirm.notify_officer.title"),
        text=t("report.confirm.notify_officer.text"),
        confirm=t("report.confirm.yes"),
        deny=t("report.confirm.no"),
    )


# -- modals opened from a case -------------------------------------------------------------------


def _case_modal(
    callback: ReportIds, title: str, submit: str, action: CaseAction, number: str, inputs: list[InputBlock]
) -> View:
    return View(
        type="modal",
        callback_id=callback,
        title=t(title),
        submit=t(submit),
        close=t("common.close"),
        private_metadata=action.encode(),
        blocks=[SectionBlock(text=f"*{number}*"), *inputs],
    )


def resolve_modal(action: CaseAction, number: str) -> View:
    reasons = [_option(r, f"report.reason.{r}") for r in REASONS]
    return _case_modal(
        ReportIds.RESOLVE_SUBMIT,
        "report.resolve.title",
        "report.resolve.submit",
        action,
        number,
        [
            _input(
                ReportIds.RESOLUTION_REASON,
                "report.resolve.reason.label",
                StaticSelectElement(action_id=ReportIds.RESOLUTION_REASON, options=reasons),
            ),
            _input(
                ReportIds.RESOLUTION_NOTE,
                "report.resolve.note.label",
                PlainTextInputElement(action_id=ReportIds.RESOLUTION_NOTE, multiline=True, max_length=500),
                hint="report.resolve.note.hint",
                optional=True,
            ),
        ],
    )


def comment_modal(action: CaseAction, number: str) -> View:
    return _case_modal(
        ReportIds.COMMENT_SUBMIT,
        "report.comment.title",
        "report.comment.submit",
        action,
        number,
        [
            _input(
                ReportIds.COMMENT_TEXT,
                "report.comment.label",
                PlainTextInputElement(action_id=ReportIds.COMMENT_TEXT, multiline=True, max_length=1000),
            ),
        ],
    )


def correction_modal(action: CaseAction, number: str) -> View:
    return _case_modal(
        ReportIds.CORRECTION_SUBMIT,
        "report.correction.title",
        "report.correction.submit",
        action,
        number,
        [
            _input(
                ReportIds.CORRECTION_URL,
                "report.correction.label",
                PlainTextInputElement(action_id=ReportIds.CORRECTION_URL, max_length=2000, placeholder="https://"),
            ),
        ],
    )


def committee_modal(action: CaseAction, number: str) -> View:
    return _case_modal(
        ReportIds.COMMITTEE_SUBMIT,
        "report.committee.title",
        "report.committee.submit",
        action,
        number,
        [
            _input(
                ReportIds.MEASURES,
                "report.committee.measures.label",
                PlainTextInputElement(action_id=ReportIds.MEASURES, multiline=True, max_length=2000),
            ),
            _input(
                ReportIds.PROGRESS,
                "report.committee.progress.label",
                PlainTextInputElement(action_id=ReportIds.PROGRESS, multiline=True, max_length=2000),
            ),
        ],
    )


# -- the list ------------------------------------------------------------------------------------


def case_list(everything: bool, shown: list[Snapshot], now: datetime) -> dict[str, Any]:
    scope = t("report.list.scope.all" if everything else "report.list.scope.own")
    lines = [_list_line(case, now) for case in shown] or [t("report.list.empty")]
    text = joined(lines, SECTION_LIMIT, separator="\n", more="common.more")
    blocks = [SectionBlock(text=t("report.list.title")), _context([scope]), DividerBlock(), SectionBlock(text=text)]
    return {"response_type": "ephemeral", "text": t("report.list.title"), "blocks": [b.to_dict() for b in blocks]}


def _list_line(case: Snapshot, now: datetime) -> str:
    minutes = max(0, int((now - case.created_at).total_seconds() // 60))
    age = (
        t("report.list.age.minutes", n=minutes)
        if minutes < 60
        else t("report.list.age.hours", n=minutes // 60)
        if minutes < 1440
        else t("report.list.age.days", n=minutes // 1440)
    )
    return t(
        "report.list.line",
        number=case.number,
        kind=t(f"report.kind.{case.kind}"),
        status=t(f"report.stage.{reached(case)}"),
        age=age,
    )
