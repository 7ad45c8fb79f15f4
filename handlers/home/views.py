"""The App Home tab: what waits for the user's decision, their drafts, their open reports, then
the guideline in short."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock, SectionBlock
from slack_sdk.models.views import View

from bot.catalog import t
from bot.mrkdwn import escape, fit
from handlers.draft.domain import DraftSnapshot
from handlers.draft.renderer import DECISION_BUTTONS, answer_buttons
from handlers.report.domain import Snapshot
from handlers.report.kinds import reached

# A home view holds 100 blocks; the lists stay well inside, the guideline after them.
MAX_AWAITING = 10


def home_view(
    awaiting: list[tuple[DraftSnapshot, int]],
    own: list[DraftSnapshot],
    reports: list[Snapshot],
    guideline: list[Block],
) -> View:
    blocks: list[Block] = [SectionBlock(text=t("draft.home.awaiting"))]
    for draft, request_id in awaiting[:MAX_AWAITING]:
        line = f"*#{draft.id}* {draft.author_name}\n{escape(fit(draft.text, 300))}"
        blocks += [SectionBlock(text=line), answer_buttons(draft.id, request_id, DECISION_BUTTONS)]
    if not awaiting:
        blocks.append(SectionBlock(text=t("draft.home.awaiting.none")))
    own_lines = [_own_line(d) for d in own] or [t("draft.home.own.none")]
    report_lines = [_report_line(r) for r in reports] or [t("draft.home.reports.none")]
    blocks += [
        DividerBlock(),
        _list(t("draft.home.own"), own_lines),
        _list(t("draft.home.reports"), report_lines),
        DividerBlock(),
        *guideline,
    ]
    return View(type="home", blocks=blocks[:100])


def _list(title: str, lines: list[str]) -> SectionBlock:
    return SectionBlock(text=fit("\n".join([title, *lines]), 3000))


def _own_line(draft: DraftSnapshot) -> str:
    status = t(f"draft.status.{draft.status}", step=draft.step + 1, steps=draft.steps)
    return t("draft.home.own.line", id=draft.id, excerpt=escape(fit(draft.text, 40)), status=status)


def _report_line(case: Snapshot) -> str:
    """The case and its status as its copies show it (受領済み, not the stored 未対応, once acknowledged)."""
    return f"{case.number} {t(f'report.kind.{case.kind}')}・{t(f'report.stage.{reached(case)}')}"
