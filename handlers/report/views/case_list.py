"""/sns-report list: the cases a person may list, each on one line with its stage and age."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import DividerBlock, SectionBlock

from bot.catalog import t
from bot.mrkdwn import joined
from handlers.report.domain import Snapshot
from handlers.report.kinds import reached
from handlers.report.views.blocks import context

SECTION_LIMIT = 3000


def case_list(everything: bool, shown: list[Snapshot], now: datetime) -> dict[str, Any]:
    scope = t("report.list.scope.all" if everything else "report.list.scope.own")
    lines = [_list_line(case, now) for case in shown] or [t("report.list.empty")]
    text = joined(lines, SECTION_LIMIT, separator="\n", more="common.more")
    blocks = [SectionBlock(text=t("report.list.title")), context([scope]), DividerBlock(), SectionBlock(text=text)]
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
