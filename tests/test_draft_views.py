"""/sns-draft's builders: pure, escaped, and within Slack's limits in the worst case."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import load_config
from bot.lint import lint
from handlers.draft.domain import DraftSnapshot, RequestView
from handlers.draft.metadata import DraftAction
from handlers.draft.renderer import DraftRenderer
from handlers.draft.views import check_result, comment_modal, draft_modal, published_modal
from handlers.help.views import guideline_blocks
from handlers.home.views import home_view
from playground.slack_rules import check_view
from storage.models import DraftKind, DraftStatus, RequestRole
from tests.support.bot import APP_YAML

CONFIG = load_config(APP_YAML)
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
RENDER = DraftRenderer(ZoneInfo("Asia/Tokyo"))
HOSTILE = "<!channel> <@U0PUBINFO1> & <https://evil.example|click>"


def request(id_: int, role: RequestRole, user: str, answer: str | None = None, **extra: object) -> RequestView:
    return RequestView(id=id_, role=role, user_id=user, name=f"name {user}", version=1, step=0, answer=answer,
                       comment=extra.get("comment"), answered_at=NOW if answer else None,  # type: ignore[arg-type]
                       deputy=bool(extra.get("deputy")))  # fmt: skip


def draft(**changes: object) -> DraftSnapshot:
    base = DraftSnapshot(
        id=7, kind=DraftKind.OFFICIAL_VIEW, status=DraftStatus.PENDING, version=1, step=0, steps=1,
        author_name="総社 太郎", department_name="観光プロモーション課", account="@soja_kanko",
        text="駅前広場の再整備について市の方針をお知らせします。", note=None, corrects_url=None, consented=False,
        findings=[], scheduled_at=None, submitted_at=NOW, published_url=None,
        requests=[request(1, RequestRole.APPROVER, "U0HEADKANKO"), request(2, RequestRole.APPROVER, "U0DEPUTYKANKO")],
    )  # fmt: skip
    return replace(base, **changes)


def buttons(message: dict) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_worst_case_messages_fit_slacks_limits() -> None:
    text = "&<>" * 1000
    findings = [f.to_dict() for f in lint("090-1234-5678 ○○ 検討中 http://a.jp " * 60)]
    worst = draft(text=text, note="<" * 1000, corrects_url="https://example.jp/" + "a" * 1980, findings=findings,
                  requests=[request(i, RequestRole.APPROVER, f"U{i:09d}", "return", comment="&" * 1000)
                            for i in range(1, 20)])  # fmt: skip
    json.dumps([RENDER.request(worst, 1, RequestRole.APPROVER, "U000000001"), RENDER.author_status(worst, 99)])
    json.dumps(check_result(text, findings))


def test_typed_text_never_reaches_slack_unescaped() -> None:
    hostile = draft(text=HOSTILE, note=HOSTILE, account=HOSTILE,
                    requests=[request(1, RequestRole.APPROVER, "U0HEADKANKO", "return", comment=HOSTILE)])  # fmt: skip
    messages = [
        RENDER.request(hostile, 1, RequestRole.APPROVER, "U0HEADKANKO"),
        RENDER.author_status(hostile, 9),
        RENDER.notice(replace(hostile, status=DraftStatus.RETURNED), "decided", answer="return", name="x",
                      comment=HOSTILE),
        RENDER.notice(hostile, "kouetsu", answer="approve", name="x"),
        check_result(HOSTILE, []),
    ]  # fmt: skip
    text = json.dumps(messages, ensure_ascii=False)
    for raw in ("<!channel>", "<@U0PUBINFO1>", "<https://evil"):
        assert raw not in text


def test_an_approver_sees_buttons_only_while_the_decision_is_theirs_to_make() -> None:
    pending = draft()
    assert buttons(RENDER.request(pending, 1, RequestRole.APPROVER, "U0HEADKANKO")) == [
        "draft.decision.approve", "draft.decision.return", "draft.decision.reject",
    ]  # fmt: skip
    decided = draft(status=DraftStatus.APPROVED,
                    requests=[request(1, RequestRole.APPROVER, "U0HEADKANKO", "approve"),
                              request(2, RequestRole.APPROVER, "U0DEPUTYKANKO")])  # fmt: skip
    message = RENDER.request(decided, 2, RequestRole.APPROVER, "U0DEPUTYKANKO")
    assert buttons(message) == []
    assert "name U0HEADKANKO: 承認" in json.dumps(message, ensure_ascii=False)


def test_the_author_is_offered_the_next_step_for_each_state() -> None:
    assert buttons(RENDER.author_status(draft(status=DraftStatus.APPROVED), 3)) == ["draft.published"]
    assert buttons(RENDER.author_status(draft(status=DraftStatus.RETURNED), 3)) == ["draft.revise"]
    assert buttons(RENDER.author_status(draft(status=DraftStatus.PENDING), 3)) == []


def test_modals_fit_and_keep_their_draft() -> None:
    approvers = [(a, a) for a in CONFIG.departments[0].approvers]
    assert draft_modal(approvers, None, NOW).to_dict()["callback_id"] == "draft.submit"
    assert "決裁ルート" in json.dumps(draft_modal([], ["係長", "課長"], NOW).to_dict(), ensure_ascii=False)
    for view in (comment_modal(DraftAction(draft_id=3, request_id=4, answer="return")),
                 published_modal(DraftAction(draft_id=3))):  # fmt: skip
        shown = view.to_dict()
        assert DraftAction.decode(shown["private_metadata"]).draft_id == 3
        assert len(shown["title"]["text"]) <= 24


def test_home_lists_waiting_decisions_with_their_buttons() -> None:
    guideline = guideline_blocks(CONFIG.organization.name, CONFIG.offices)
    waiting = [(draft(id=i), i) for i in range(1, 30)]
    view = home_view(waiting, [draft()] * 10, [], guideline).to_dict()

    assert len(view["blocks"]) <= 100
    assert buttons(view)[:3] == ["draft.decision.approve", "draft.decision.return", "draft.decision.reject"]


def test_a_long_approval_route_is_escaped_and_cut_to_whole_steps() -> None:
    steps = [f"課長{i}*_~<>&" + "&" * 70 for i in range(40)]  # 80-character names that escape to ~360
    view = draft_modal([], steps, NOW).to_dict()
    assert check_view(view) is None
    line = next(b for b in view["blocks"] if b["type"] == "context")["elements"][0]["text"]
    assert "*_~&lt;&gt;&amp;" in line
    assert "<>" not in line
    assert line.endswith(" ほか 33 件")
