"""A case's copy: what its reader may see of the case, its status, its checklist and the buttons
(handlers/report/buttons.py) its reader may press now."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.catalog import t
from bot.mrkdwn import escape, fit, fit_escaped, joined
from handlers.common.ids import item_action
from handlers.report.buttons import BUTTONS, Button
from handlers.report.domain import UNNAMED, Snapshot
from handlers.report.ids import ReportIds
from handlers.report.kinds import Stage, kind_of, reached
from handlers.report.metadata import CaseAction
from handlers.report.views.blocks import (
    ACCOUNT_SHOWN,
    FIELD_SHOWN,
    NOTE_SHOWN,
    SUMMARY_SHOWN,
    URLS_SHOWN,
    context,
    is_cut,
    marked,
    summary_of,
)
from storage.models import Audience, Capacity


class CopyRenderer:
    """A case's copy, with times shown in the organisation's zone. People's names arrive as mrkdwn from the
    directory (an escaped name, or a mention)."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone

    def when(self, at: datetime) -> str:
        return at.astimezone(self.timezone).strftime("%m/%d %H:%M")

    def case_copy(self, case: Snapshot, audience: Audience, copy_id: int) -> dict[str, Any]:
        urls = joined([escape(u) for u in case.urls], URLS_SHOWN, separator="\n", more="common.more")
        summary = fit(summary_of(case), SUMMARY_SHOWN)
        blocks: list[Block] = [
            HeaderBlock(text=fit(t("report.case.header", kind=t(f"report.kind.{case.kind}"), number=case.number), 150)),
            SectionBlock(fields=self._fields(case)),
            SectionBlock(text=t("report.case.urls", urls=urls)),
            SectionBlock(text=t("report.case.summary", summary=summary)),
        ]
        if case.account:
            blocks.append(SectionBlock(text=t("report.case.account", account=fit_escaped(case.account, ACCOUNT_SHOWN))))
        blocks.append(context(self._notes(case, audience)))
        if copy_id in case.handed_over:  # the head changed (人事異動): the successor acts, this copy only tells
            blocks.append(SectionBlock(text=t("report.case.handed_over", name=case.handed_over[copy_id])))
        elif audience != Audience.REPORTER:
            blocks += self._checklist(case, copy_id)
            value = CaseAction(case_id=case.id, copy_id=copy_id).encode()
            buttons = [_button(b, value) for b in BUTTONS if b.shown(case, audience)]
            if buttons:
                blocks.append(ActionsBlock(elements=buttons))
        return {"text": self._fallback(case), "blocks": [b.to_dict() for b in blocks]}

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

    def _fallback(self, case: Snapshot) -> str:
        kind = t(f"report.kind.{case.kind}")
        return t("report.case.text", kind=kind, number=case.number, summary=fit_escaped(case.summary, 150))

    def _status(self, case: Snapshot) -> str:
        """One line: the furthest stage of the kind's ladder the case reached, with who took it and when
        (a resolution's note under it)."""
        stage = reached(case)
        if stage == Stage.RESOLVED and case.resolved:  # None for a seat that may not see the resolution
            by, at, reason, note = case.resolved
            reason = t(f"report.reason.{reason}")
            line = (
                t("report.status.resolution", reason=reason, name=by, at=self.when(at))
                if by != UNNAMED
                else t("report.status.resolution_unnamed", reason=reason)
            )
            note_line = t("report.status.resolution_note", note=fit_escaped(note, NOTE_SHOWN)) if note else ""
            return "\n".join(filter(None, (line, note_line)))
        taken = {
            Stage.ACKNOWLEDGED: case.acknowledged,
            Stage.IN_PROGRESS: case.acknowledged,  # who received it (starting work receives it too)
            Stage.OFFICER_NOTIFIED: case.officer_notified,
            Stage.COMMITTEE_REPORTED: case.committee_reported,
        }.get(stage)
        if taken is None or taken[0] == UNNAMED:
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
        if is_cut(case):
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
            blocks.append(context(done))
        return blocks

    def _done_line(self, item: str, by: str, at: datetime, value: str | None) -> str:
        line = f"☑ {t(f'report.checklist.{item}')}"
        if by != UNNAMED:
            line += ": " + t("report.checklist.done_by", name=by, at=self.when(at))
        return line + (
            " " + t("report.checklist.correction_value", url=fit_escaped(value, NOTE_SHOWN)) if value else ""
        )


def _button(button: Button, value: str) -> ButtonElement:
    confirm = None
    if button.confirm:
        title, text = button.confirm
        confirm = ConfirmObject(
            title=t(title), text=t(text), confirm=t("report.confirm.yes"), deny=t("report.confirm.no")
        )
    return ButtonElement(text=t(button.label), action_id=button.id, value=value, style=button.style, confirm=confirm)


def _reporters(case: Snapshot) -> str:
    """Who reported, as far as the copy may tell, each private report marked."""
    return "、".join(marked(r) for r in case.named) if case.named else case.reporter_name or t("report.case.none")


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
