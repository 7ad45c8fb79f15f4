"""/sns-report's builders: pure, escaped, and within Slack's limits in the worst case."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import keys, t
from bot.config import load_config
from bot.directory import Directory
from handlers.report.buttons import BUTTONS, Button
from handlers.report.domain import Event, ReportPart, Snapshot, Submission
from handlers.report.ids import ReportIds
from handlers.report.kinds import KINDS, Stage
from handlers.report.metadata import CaseAction
from handlers.report.views.case_list import case_list
from handlers.report.views.case_modals import comment_modal, committee_modal, correction_modal, resolve_modal
from handlers.report.views.messages import SlackRenderer
from handlers.report.views.report_modal import Prefill, received_view, report_modal, report_modal_for
from storage.models import Audience, Capacity, CaseKind, CaseStatus
from tests.support.bot import APP_YAML

CONFIG = load_config(APP_YAML)
NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
RENDER = SlackRenderer(ZoneInfo("Asia/Tokyo"))
HOSTILE = "<!channel> <!here> <@U0PUBINFO1> & <https://evil.example|click>"


def snapshot(**changes: object) -> Snapshot:
    base = Snapshot(
        id=1,
        number="SNS-2026-0001",
        kind=CaseKind.FLAME,
        capacity=Capacity.OFFICIAL,
        status=CaseStatus.OPEN,
        summary="市のイベントについて批判が拡散しています",
        account=None,
        urls=["https://x.com/someone/status/1"],
        discovered_at=NOW,
        created_at=NOW,
        department_name="観光プロモーション課",
        reporter_name="総社 太郎",
        reporter_count=1,
        acknowledged=None,
        resolved=None,
        officer_notified=None,
        committee_reported=None,
        checklist={},
        recipients=["市政情報課", "観光 一郎", "秘書室", "総務課"],
    )
    return replace(base, **changes)


def action_ids(message: dict) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def texts(node: object) -> list[str]:
    """Every text a message's blocks show (what Slack counts towards msg_blocks_too_long)."""
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return own + [text for key, value in node.items() if key != "text" or not own for text in texts(value)]
    if isinstance(node, list):
        return [text for item in node for text in texts(item)]
    return []


def status_of(message: dict) -> str:
    """The copy's 状況 field, without its title."""
    title = t("report.case.status", status="")
    (field,) = [text for text in texts(message["blocks"]) if text.startswith(title)]
    return field.removeprefix(title)


WORST_STATUS = {
    CaseStatus.OPEN: "受領済み（観光 一郎、11/26 09:30）",
    CaseStatus.IN_PROGRESS: "対応中（受領: 観光 一郎、11/26 09:30）",
    CaseStatus.RESOLVED: "解決: 訂正記事で対応（観光 一郎、11/26 09:30）\nメモ: &gt;&gt;",
}


@pytest.mark.parametrize("status", list(CaseStatus))
def test_the_worst_case_copy_fits_slacks_limits(status: CaseStatus) -> None:
    resolved = ("観光 一郎", NOW, "corrected", ">" * 500) if status == CaseStatus.RESOLVED else None
    case = snapshot(
        summary="&" * 3000,
        urls=["https://example.jp/" + "a" * 1980 for _ in range(20)],
        account="<" * 200,
        kind=CaseKind.MISTAKE,
        status=status,
        acknowledged=("観光 一郎", NOW),
        resolved=resolved,
        checklist={"correction_posted": ("観光 一郎", NOW, "https://example.jp/" + "b" * 1900)},
        reporter_count=250,
    )
    for audience in Audience:
        message = RENDER.case_copy(case, audience, copy_id=7)  # to_dict() inside validates each block's limits
        assert len(message["blocks"]) <= 50
        assert sum(len(text) for text in texts(message["blocks"])) < 12_000  # Slack: msg_blocks_too_long
        assert status_of(message).startswith(WORST_STATUS[status])


def test_many_reports_each_under_its_reporter_fit_and_are_escaped_the_private_ones_marked() -> None:
    reports = tuple(
        ReportPart(
            user_id=f"U{n}", name=f"<@U{n}>", capacity=Capacity.PRIVATE if n % 2 else Capacity.OFFICIAL,
            summary=HOSTILE * 10, account=None, discovered_at=NOW, department_id="kanko",
            department_name="観光プロモーション課", urls=(), reported_at=NOW,
        )
        for n in range(20)
    )  # fmt: skip
    case = snapshot(reports=reports, named=reports, summary=HOSTILE * 10)

    for audience in Audience:
        message = RENDER.case_copy(case, audience, copy_id=7)  # to_dict() inside validates the limits
        text = json.dumps(message, ensure_ascii=False)
        assert "<!channel>" not in text
        assert f"<@U0>、<@U1>{t('report.case.private_mark')}、<@U2>" in text
    full = RENDER.full_text(case)
    assert full is not None
    assert all(f"<@U{n}>" in full["text"] for n in range(20))
    assert "<!channel>" not in full["text"]


@pytest.mark.parametrize("audience", list(Audience))
def test_typed_text_never_reaches_slack_unescaped(audience: Audience) -> None:
    case = snapshot(summary=HOSTILE, account=HOSTILE, urls=["https://example.jp/?q=<!channel>"])
    messages = [
        RENDER.case_copy(case, audience, 1),
        RENDER.timeline(case, Event("comment", NOW, {"name": "市政 花子", "text": HOSTILE})),
        RENDER.committee_report(case, HOSTILE, HOSTILE, "情報 守"),
    ]
    text = json.dumps(messages, ensure_ascii=False)
    for raw in ("<!channel>", "<!here>", "<@U0PUBINFO1>", "<https://evil"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text


def test_buttons_follow_the_state_and_the_audience() -> None:
    fresh = snapshot()
    assert action_ids(RENDER.case_copy(fresh, Audience.HEAD, 1)) == [
        "report.case.checklist.facts_checked", "report.case.checklist.policy_decided",
        "report.case.checklist.official_view_judged",
        "report.case.ack", "report.case.in_progress", "report.case.resolve",
    ]  # fmt: skip
    assert "report.case.comment" in action_ids(RENDER.case_copy(fresh, Audience.PUBLIC_INFO, 1))
    assert action_ids(RENDER.case_copy(fresh, Audience.REPORTER, 1)) == []

    resolved = snapshot(
        status=CaseStatus.RESOLVED, acknowledged=("観光 一郎", NOW), resolved=("観光 一郎", NOW, "handled", None)
    )
    assert "report.case.ack" not in action_ids(RENDER.case_copy(resolved, Audience.HEAD, 1))
    assert "report.case.resolve" not in action_ids(RENDER.case_copy(resolved, Audience.HEAD, 1))


def test_the_violation_chain_buttons() -> None:
    violation = snapshot(kind=CaseKind.VIOLATION)
    assert "report.case.notify_officer" in action_ids(RENDER.case_copy(violation, Audience.HEAD, 1))
    assert "report.case.report_committee" in action_ids(RENDER.case_copy(violation, Audience.SECURITY_OFFICER, 2))

    notified = replace(violation, officer_notified=("観光 一郎", NOW))
    assert "report.case.notify_officer" not in action_ids(RENDER.case_copy(notified, Audience.HEAD, 1))


def test_buttons_carry_versioned_metadata() -> None:
    message = RENDER.case_copy(snapshot(), Audience.HEAD, copy_id=42)
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "report.case.ack")  # fmt: skip

    assert CaseAction.decode(button["value"]) == CaseAction(case_id=1, copy_id=42)


def test_a_mistaken_post_offers_deletion_only_when_confidential() -> None:
    def items(case: Snapshot) -> list[str]:
        message = RENDER.case_copy(case, Audience.HEAD, 1)
        return [CaseAction.decode(e["value"]).item for b in message["blocks"] if b["type"] == "actions"
                for e in b["elements"] if e["action_id"].startswith("report.case.checklist.")]  # fmt: skip

    mistake = snapshot(kind=CaseKind.MISTAKE)
    assert items(mistake) == ["correction_posted", "confidential"]
    confidential = replace(mistake, checklist={"confidential": ("観光 一郎", NOW, None)})
    assert items(confidential) == ["correction_posted", "confidential", "deleted"]
    assert "原則として削除せず" in json.dumps(RENDER.case_copy(mistake, Audience.HEAD, 1), ensure_ascii=False)


def test_times_are_shown_in_the_organisations_zone() -> None:
    line = RENDER.timeline(snapshot(), Event("acknowledged", NOW, {"name": "観光 一郎"}))
    assert line["text"] == "11/26 09:30 受領: 観光 一郎"


def test_report_modal_fits_and_preselects_the_department() -> None:
    department = CONFIG.departments[0]
    view = report_modal(
        CONFIG.departments, department, CONFIG.offices, NOW, Prefill(summary="x" * 5000, urls=("https://example.jp/",))
    ).to_dict()

    assert view["callback_id"] == "report.submit"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["report.department"]["element"]["initial_option"]["value"] == "kanko"
    assert len(blocks["report.summary"]["element"]["initial_value"]) == 3000
    assert blocks["report.urls"]["element"]["initial_value"] == "https://example.jp/"


MANY_URLS = tuple(f"https://example.jp/{'p' * 200}/{n}" for n in range(30))  # more than the field holds
PREFILLS = [
    (None, NOW, Prefill()),
    ("kanko", NOW, Prefill()),
    ("kanko", datetime(2027, 4, 1, 8, 29, tzinfo=UTC), Prefill(summary="炎上 & <!here>", urls=("https://x.com/a/1",))),
    (None, datetime(2028, 2, 29, 3, 0, tzinfo=UTC), Prefill(summary="x" * 5000, urls=MANY_URLS)),
    ("kanko", NOW, Prefill(urls=MANY_URLS)),
]


def test_the_cached_report_modal_equals_the_builders_for_every_opening() -> None:
    directory = Directory(CONFIG)
    openings = [(directory.department(d), now, prefill) for d, now, prefill in PREFILLS]
    # All at once and twice over: a copy set for one opening must not leak into the cached modal or another.
    modals = [report_modal_for(directory, *opening) for opening in openings + openings]

    for modal, (department, now, prefill) in zip(modals, openings + openings, strict=True):
        assert modal == report_modal(CONFIG.departments, department, CONFIG.offices, now, prefill).to_dict()
    assert any(
        b["type"] == "context" and "収まらない" in json.dumps(b, ensure_ascii=False) for b in modals[3]["blocks"]
    )


def test_the_report_modal_is_serialised_once_per_directory_and_again_after_a_reload() -> None:
    before = Directory(CONFIG)
    first, second = report_modal_for(before, None, NOW), report_modal_for(before, None, NOW)
    assert first["blocks"][1] is second["blocks"][1]  # the kind select: drawn once, shared

    renamed = [d.model_copy(update={"name": "新設課"}) if d.id == "kanko" else d for d in CONFIG.departments]
    after = Directory(CONFIG.model_copy(update={"departments": renamed}))  # what a reload makes
    reloaded = report_modal_for(after, after.department("kanko"), NOW)

    assert reloaded == report_modal(after.departments, after.department("kanko"), CONFIG.offices, NOW).to_dict()
    assert "新設課" in json.dumps(reloaded, ensure_ascii=False)
    assert "新設課" not in json.dumps(report_modal_for(before, None, NOW), ensure_ascii=False)


def test_case_modals_keep_their_case_in_private_metadata() -> None:
    meta = CaseAction(case_id=3, copy_id=9)
    for build in (resolve_modal, comment_modal, correction_modal, committee_modal):
        view = build(meta, "SNS-2026-0003").to_dict()
        assert CaseAction.decode(view["private_metadata"]) == meta
        assert len(view["title"]["text"]) <= 24


def test_received_view_warns_against_rebuttals() -> None:
    new = received_view(Submission("SNS-2026-0001", False, ["市政情報課"], True), "市政情報課").to_dict()
    text = new["blocks"][0]["text"]["text"]
    assert "SNS-2026-0001" in text
    assert "否定や反論をしないでください" in text
    assert "あなたの所属が設定にないため" in text


def test_case_list_shows_the_stage_and_age() -> None:
    message = case_list(True, [snapshot(acknowledged=("観光 一郎", NOW))], datetime(2026, 11, 26, 3, 30, tzinfo=UTC))
    text = json.dumps(message, ensure_ascii=False)
    assert "SNS-2026-0001 炎上・受領済み・3時間前" in text
    assert message["response_type"] == "ephemeral"


# -- the status line ---------------------------------------------------------------------------------

LATER = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
TAKEN = ("観光 一郎", NOW)
STAGES = [
    pytest.param({}, "未受領", id="unacknowledged"),
    pytest.param({"acknowledged": TAKEN}, "受領済み（観光 一郎、11/26 09:30）", id="acknowledged"),
    pytest.param(
        {"status": CaseStatus.IN_PROGRESS, "acknowledged": TAKEN},
        "対応中（受領: 観光 一郎、11/26 09:30）",
        id="working",
    ),
    pytest.param(
        {"status": CaseStatus.RESOLVED, "acknowledged": TAKEN, "resolved": ("市政 花子", LATER, "handled", None)},
        "解決: 事実確認のうえ対応済み（市政 花子、11/26 10:00）",
        id="resolved",
    ),
    # A seat that may not see the resolution (visibility.TABLE) is told the stage alone.
    pytest.param({"status": CaseStatus.RESOLVED, "acknowledged": TAKEN}, "解決", id="resolution-hidden"),
    # Not on a flame-up's ladder: a stray date changes nothing.
    pytest.param({"officer_notified": TAKEN}, "未受領", id="off-the-ladder"),
]
VIOLATION_STAGES = [
    pytest.param(
        {"officer_notified": TAKEN}, "情報セキュリティ責任者へ通知済み（観光 一郎、11/26 09:30）", id="notified"
    ),
    pytest.param(  # handled on the officer's advice (6(2)②): the notification says more than 対応中
        {"status": CaseStatus.IN_PROGRESS, "acknowledged": TAKEN, "officer_notified": ("観光 一郎", LATER)},
        "情報セキュリティ責任者へ通知済み（観光 一郎、11/26 10:00）",
        id="notified-and-working",
    ),
    pytest.param(
        {"status": CaseStatus.IN_PROGRESS, "acknowledged": TAKEN},
        "対応中（受領: 観光 一郎、11/26 09:30）",
        id="working",
    ),
    pytest.param(
        {"acknowledged": TAKEN, "officer_notified": TAKEN, "committee_reported": ("情報 守", LATER)},
        "情報セキュリティ委員会へ報告済み（情報 守、11/26 10:00）",
        id="committee",
    ),
    pytest.param(
        {"status": CaseStatus.RESOLVED, "officer_notified": TAKEN, "resolved": ("観光 一郎", LATER, "handled", "済")},
        "解決: 事実確認のうえ対応済み（観光 一郎、11/26 10:00）\nメモ: 済",
        id="resolved",
    ),
]


@pytest.mark.parametrize(("changes", "line"), STAGES)
def test_a_copy_shows_one_status_line_the_furthest_stage_reached(changes: dict, line: str) -> None:
    case = snapshot(**changes)
    for audience in Audience:
        assert status_of(RENDER.case_copy(case, audience, 1)) == line
    # The list names the stage alone: 「解決: 理由（…）」 and 「受領済み（…）」 are listed 解決 and 受領済み.
    stage = re.split("[:（]", line)[0]
    assert f"SNS-2026-0001 炎上・{stage}・0分前" in json.dumps(case_list(True, [case], NOW), ensure_ascii=False)


@pytest.mark.parametrize(("changes", "line"), VIOLATION_STAGES)
def test_a_violations_status_line_follows_its_chain(changes: dict, line: str) -> None:
    case = snapshot(kind=CaseKind.VIOLATION, **changes)
    assert status_of(RENDER.case_copy(case, Audience.HEAD, 1)) == line
    assert status_of(RENDER.committee_report(case, "措置", "経過", "情報 守")) == line


def test_the_violation_chain_prompts_only_the_next_step_to_its_reader() -> None:
    def notes(case: Snapshot, audience: Audience) -> str:
        return json.dumps(RENDER.case_copy(case, audience, 1), ensure_ascii=False)

    head_note, officer_note = t("report.violation.head_note"), t("report.violation.officer_note")
    violation = snapshot(kind=CaseKind.VIOLATION)
    assert head_note in notes(violation, Audience.HEAD)
    assert head_note not in notes(violation, Audience.PUBLIC_INFO)
    notified = replace(violation, officer_notified=TAKEN)
    assert head_note not in notes(notified, Audience.HEAD)
    assert officer_note in notes(notified, Audience.SECURITY_OFFICER)
    assert officer_note not in notes(replace(notified, committee_reported=TAKEN), Audience.SECURITY_OFFICER)
    assert head_note not in notes(snapshot(), Audience.HEAD)  # a flame-up has no chain


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_report_kind_has_its_rules_and_its_texts(kind: CaseKind) -> None:
    row = KINDS[kind]
    needed = {f"report.kind.{kind}", *(f"report.checklist.{i}" for i in row.checklist)}
    needed |= {f"report.stage.{stage}" for stage in row.ladder} | ({row.checklist_note} - {None})
    assert needed <= set(keys())
    assert set(row.unlocked_by) | set(row.unlocked_by.values()) <= set(row.checklist)
    assert (row.ladder[0], row.ladder[-1]) == (Stage.UNACKNOWLEDGED, Stage.RESOLVED)


@pytest.mark.parametrize("button", BUTTONS, ids=lambda b: b.id)
def test_every_copy_button_has_its_texts_and_does_one_thing(button: Button) -> None:
    assert {button.label, *(button.confirm or ())} <= set(keys())
    assert (button.change is None) != (button.modal is None), "a button changes the case or opens a modal"


def test_a_copy_shows_the_buttons_of_the_table_in_its_order() -> None:
    copy = RENDER.case_copy(snapshot(), Audience.PUBLIC_INFO, 7)
    rows = [[e["action_id"] for e in b["elements"]] for b in copy["blocks"] if b["type"] == "actions"]

    assert rows[-1] == [ReportIds.ACKNOWLEDGE, ReportIds.IN_PROGRESS, ReportIds.RESOLVE, ReportIds.COMMENT]
