"""Every message of a case: its copy (copy.py), the lines of its thread, what the copies cut, the reporter's
confirmation, the escalation reminder and the committee report."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock, SectionBlock

from bot.catalog import t
from bot.mrkdwn import escape, fit, fit_escaped, joined, was_cut
from handlers.common.views import FULL_TEXT_MAX
from handlers.report.domain import Event, Snapshot
from handlers.report.views.blocks import SUMMARY_SHOWN, URLS_SHOWN, context, is_cut, summary_of
from handlers.report.views.copy import CopyRenderer
from storage.models import Audience

TYPED_SHOWN = 1800  # the committee report's measures and progress


class SlackRenderer(CopyRenderer):
    """Every message of a case, drawn when sent (handlers/report/messages.py)."""

    def full_text(self, case: Snapshot, typed: tuple[str, str] | None = None) -> dict[str, Any] | None:
        """A thread reply with what a copy (or, with ``typed`` measures and progress, the committee
        report) had to cut: the whole summary, URLs and typed text. None when nothing was cut."""
        measures, progress = typed or ("", "")
        if not (is_cut(case) or was_cut(escape(measures), TYPED_SHOWN) or was_cut(escape(progress), TYPED_SHOWN)):
            return None
        parts = [t("report.case.full_text", summary=summary_of(case), urls="\n".join(escape(u) for u in case.urls))]
        if typed:
            parts += [
                t("report.committee.measures", measures=escape(measures)),
                t("report.committee.progress", progress=escape(progress)),
            ]
        return {"text": fit("\n\n".join(parts), FULL_TEXT_MAX)}

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
        facts = fit(summary_of(case), SUMMARY_SHOWN) + "\n" + urls
        blocks: list[Block] = [
            HeaderBlock(text=t("report.committee.header", number=case.number)),
            SectionBlock(fields=self._fields(case)),
            SectionBlock(text=t("report.committee.facts", summary=facts)),
            SectionBlock(text=t("report.committee.measures", measures=fit_escaped(measures, TYPED_SHOWN))),
            SectionBlock(text=t("report.committee.progress", progress=fit_escaped(progress, TYPED_SHOWN))),
            context([t("report.committee.reported_by", name=by, office=t("report.kind.violation"))]),
        ]
        if self.full_text(case, (measures, progress)):
            blocks.append(context([t("report.committee.cut")]))
        return {"text": t("report.committee.text", number=case.number), "blocks": [b.to_dict() for b in blocks]}
