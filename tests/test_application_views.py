"""The usage application's builders and form reader: pure, escaped, and within Slack's limits in
the worst case (slack_sdk validates Block Kit limits in to_dict())."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import t
from bot.config import load_config
from handlers.application.domain import (
    Answer,
    ApplicationAction,
    ApplicationSnapshot,
    FirstPage,
    Item,
    OffSite,
    Risk,
    Server,
)
from handlers.application.forms import read_first_page
from handlers.application.ids import ApplicationIds as Ids
from handlers.application.renderer import ApplicationRenderer
from handlers.application.views import (
    METADATA_LIMIT,
    PAGE_ONE_LIMITS,
    PAGE_TWO_LIMITS,
    STAFF_MAX,
    comment_modal,
    no_department_modal,
    page_one_modal,
    page_two_modal,
    submitted_view,
)
from storage.models import ApplicationStatus, Platform
from tests.support.bot import APP_YAML

CONFIG = load_config(APP_YAML)
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
RENDER = ApplicationRenderer(ZoneInfo("Asia/Tokyo"), "市政情報課")
HOSTILE = "<!channel> <@U0PUBINFO1> & <https://evil.example|click>"
# Slack user IDs are 9 to 11 characters today; allow for longer ones.
LONG_USER_IDS = [f"W{i:014d}" for i in range(STAFF_MAX)]


def first_page(fill: str, platform: Platform = Platform.OTHER) -> FirstPage:
    """Page 1 with every text field at its max length of ``fill``."""

    def full(block: Ids) -> str:
        return fill * PAGE_ONE_LIMITS[block]

    return FirstPage(
        platform=platform,
        platform_other=full(Ids.PLATFORM_OTHER),
        purpose=full(Ids.PURPOSE),
        audience=full(Ids.AUDIENCE),
        content=full(Ids.CONTENT),
        staff=LONG_USER_IDS,
        setup=full(Ids.SETUP),
    )


def snapshot(**changes: Any) -> ApplicationSnapshot:
    items = {
        Item.PLATFORM_OTHER: None, Item.AUDIENCE: "市外の若い世代", Item.CONTENT: "イベント案内",
        Item.STAFF: ["U0STAFF1"], Item.SETUP: "2名で相互確認", Item.FREQUENCY: "週2回", Item.METHOD: "予約投稿",
        Item.RESPONSES: "個別には返信しない", Item.POLICY_PLACE: "市ホームページ", Item.ACCOUNT_NAME: "soja_kanko",
        Item.ACCOUNT_INFO: "共用アドレス", Item.OFF_SITE: OffSite.EMERGENCY_ONLY, Item.PASSWORDS: "90日ごとに変更",
        Item.SERVER: Server.ABROAD, Item.RISK: Risk.ACCEPTED, Item.RISK_REASON: "公開情報のみ",
        Item.INDICATORS: "フォロワー数",
    }  # fmt: skip
    base = ApplicationSnapshot(
        id=12, platform=Platform.INSTAGRAM, status=ApplicationStatus.SUBMITTED, emergency=False,
        purpose="観光の魅力を発信する", items=items, review_interval_days=180, department_name="観光プロモーション課",
        filled_by="U0STAFF1", filled_by_name="総社 太郎", head_id="U0HEADKANKO", head_name="観光 一郎",
        staff_names=["総社 太郎"], created_at=NOW, submitted_at=NOW, decided_at=None, decided_by=None,
        decision_comment=None,
    )  # fmt: skip
    return replace(base, **changes)


def buttons(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def within_limits(message: dict[str, Any]) -> None:
    """A message dict as chat.postMessage takes it, within Block Kit's limits."""
    assert len(message["text"]) <= 4000
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))


# -- the modal --------------------------------------------------------------------------------


def test_page_one_metadata_fits_with_every_field_at_its_max_length_of_japanese() -> None:
    first = first_page("観")

    metadata = page_two_modal(first, 180).to_dict()["private_metadata"]

    assert len(metadata) <= METADATA_LIMIT
    assert FirstPage.decode(metadata) == first


def test_page_one_metadata_fits_even_when_every_character_needs_a_json_escape() -> None:
    for fill in ('"', "\\", "\n"):
        first = first_page(fill)
        assert len(first.encode()) <= METADATA_LIMIT, repr(fill)
        assert page_two_modal(first, 180).to_dict()["private_metadata"] == first.encode()


def test_page_one_caps_every_text_input_at_its_limit() -> None:
    view = page_one_modal("観光プロモーション課", "観光 一郎", by_head=False).to_dict()
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}

    for block, limit in PAGE_ONE_LIMITS.items():
        assert inputs[block]["max_length"] == limit
    assert inputs[Ids.STAFF]["max_selected_items"] == STAFF_MAX
    assert [o["value"] for o in inputs[Ids.PLATFORM]["options"]] == list(Platform)
    assert [o["text"]["text"] for o in inputs[Ids.PLATFORM]["options"]] == [
        "X", "Facebook", "Instagram", "LINE", "YouTube", "note", "その他",
    ]  # fmt: skip
    # Without 緊急, [3] and [4] are required too: the form reader says so, since Slack cannot.
    assert inputs.keys() >= {Ids.AUDIENCE, Ids.CONTENT, Ids.EMERGENCY}
    assert "決裁" in json.dumps(view, ensure_ascii=False)


def test_page_two_caps_every_text_input_and_defaults_the_interval() -> None:
    view = page_two_modal(first_page("観"), 180).to_dict()
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}

    for block, limit in PAGE_TWO_LIMITS.items():
        assert inputs[block]["max_length"] == limit
    assert inputs[Ids.INTERVAL]["initial_value"] == "180"
    assert inputs[Ids.INTERVAL]["is_decimal_allowed"] is False
    assert {o["value"] for o in inputs[Ids.SERVER]["options"]} == set(Server)
    assert len(view["blocks"]) <= 100


def test_every_modal_is_valid_block_kit() -> None:
    views = [
        page_one_modal("観" * 80, "<@U0HEADKANKO>", by_head=True),
        page_one_modal("観光プロモーション課", "観光 一郎", by_head=False),
        page_two_modal(first_page("観"), 3650),
        page_two_modal(first_page("&", Platform.X), 1),
        no_department_modal(),
        submitted_view(True, "観光 一郎", "市政情報課"),
        submitted_view(False, "観光 一郎", "市政情報課"),
        *(comment_modal(ApplicationAction(application_id=1, answer=a)) for a in Answer),
    ]
    for view in views:
        shown = view.to_dict()  # raises on a broken limit
        assert len(shown["title"]["text"]) <= 24


def test_page_two_shows_the_chosen_platform_and_purpose_escaped() -> None:
    first = first_page("観").model_copy(update={"purpose": HOSTILE, "platform_other": HOSTILE})

    text = json.dumps(page_two_modal(first, 180).to_dict()["blocks"], ensure_ascii=False)

    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


def page_one_state(emergency: bool = False, **texts: str) -> dict[str, Any]:
    fields = {
        Ids.PLATFORM: {"type": "static_select", "selected_option": {"value": "other"}},
        Ids.STAFF: {"type": "multi_users_select", "selected_users": ["U0STAFF1"]},
        Ids.EMERGENCY: {"type": "checkboxes", "selected_options": [{"value": "emergency"}] if emergency else []},
    }
    for block in PAGE_ONE_LIMITS:
        fields[block] = {"type": "plain_text_input", "value": texts.get(block, "あ")}
    return {"state": {"values": {block: {block: element} for block, element in fields.items()}}}


def test_page_one_asks_for_less_when_json_would_overflow_the_metadata() -> None:
    # Control characters take six characters each in JSON: the one input that could overflow.
    crowded = {block: "\x01" * limit for block, limit in PAGE_ONE_LIMITS.items()}

    first, emergency, errors = read_first_page(page_one_state(**crowded), CONFIG.departments[0])

    assert (first, emergency) == (None, False)
    assert errors == {Ids.CONTENT: t("application.error.too_long.page")}
    # An emergency application goes no further than page 1: nothing to carry.
    first, emergency, errors = read_first_page(page_one_state(emergency=True, **crowded), CONFIG.departments[0])
    assert first is not None
    assert (emergency, errors) == (True, {})


# -- the messages -----------------------------------------------------------------------------


def test_the_worst_case_messages_fit_slacks_limits() -> None:
    limits = {**PAGE_ONE_LIMITS, **PAGE_TWO_LIMITS}
    items: dict[str, Any] = {key: "&" * limits.get(Ids(f"application.{key}"), 1000) for key in Item}
    items[Item.STAFF] = LONG_USER_IDS
    for choice, value in ((Item.OFF_SITE, OffSite.ALLOWED), (Item.SERVER, Server.ABROAD), (Item.RISK, Risk.ACCEPTED)):
        items[choice] = value
    worst = snapshot(
        platform=Platform.OTHER, purpose="&" * PAGE_ONE_LIMITS[Ids.PURPOSE], items=items, department_name="&" * 80,
        filled_by_name="<" * 120, head_name=">" * 120, staff_names=["&" * 120] * STAFF_MAX, emergency=True,
    )  # fmt: skip
    decided = replace(
        worst, status=ApplicationStatus.REJECTED, decided_at=NOW, decided_by="市政 花子", decision_comment="&" * 1000
    )

    messages = [
        RENDER.head_request(worst),
        RENDER.head_request(replace(worst, status=ApplicationStatus.WITH_HEAD)),
        RENDER.office_post(worst),
        RENDER.office_post(decided),
        *(RENDER.notice(decided, "decided", answer=a, comment="&" * 1000) for a in (Answer.APPROVE, Answer.REJECT)),
        RENDER.notice(decided, "head_returned", comment="&" * 1000),
        RENDER.notice(worst, "head_applied"),
    ]
    for message in messages:
        within_limits(message)
        json.dumps(message)


def test_typed_text_never_reaches_slack_unescaped() -> None:
    items = {key: HOSTILE for key in Item if key not in (Item.STAFF, Item.OFF_SITE, Item.SERVER, Item.RISK)}
    hostile = snapshot(
        platform=Platform.OTHER, purpose=HOSTILE, items={**snapshot().items, **items}, department_name=HOSTILE
    )
    decided = replace(
        hostile, status=ApplicationStatus.RETURNED, decided_at=NOW, decided_by="x", decision_comment=HOSTILE
    )

    messages = [
        RENDER.head_request(hostile),
        RENDER.office_post(hostile),
        RENDER.office_post(decided),
        RENDER.notice(decided, "decided", answer=Answer.RETURN, comment=HOSTILE),
        RENDER.notice(decided, "head_returned", comment=HOSTILE),
        RENDER.notice(hostile, "head_applied"),
    ]
    text = json.dumps(messages, ensure_ascii=False)
    for raw in ("<!channel>", "<@U0PUBINFO1>", "<https://evil"):
        assert raw not in text


def test_buttons_show_only_while_the_answer_is_still_to_give() -> None:
    assert buttons(RENDER.head_request(snapshot(status=ApplicationStatus.WITH_HEAD))) == [
        "application.head.apply", "application.head.return",
    ]  # fmt: skip
    assert buttons(RENDER.head_request(snapshot(status=ApplicationStatus.SUBMITTED))) == []
    assert buttons(RENDER.office_post(snapshot())) == [
        "application.decision.approve", "application.decision.return", "application.decision.reject",
    ]  # fmt: skip
    approved = snapshot(status=ApplicationStatus.APPROVED, decided_at=NOW, decided_by="市政 花子")
    shown = RENDER.office_post(approved)
    assert buttons(shown) == []
    assert "市政 花子 さんが承認しました（11/26 10:00）" in json.dumps(shown, ensure_ascii=False)


def test_the_button_value_names_the_application_in_versioned_json() -> None:
    (actions,) = [b for b in RENDER.office_post(snapshot())["blocks"] if b["type"] == "actions"]

    assert {e["value"] for e in actions["elements"]} == {'{"v":1,"application_id":12,"answer":null}'}


def test_an_emergency_application_says_so_and_leaves_out_what_it_lacks() -> None:
    emergency = snapshot(emergency=True, items={Item.STAFF: ["U0STAFF1"], Item.SETUP: "本部の指示で発信"})

    shown = RENDER.office_post(emergency)
    text = json.dumps(shown, ensure_ascii=False)

    assert shown["text"].startswith("【緊急】")
    assert t("application.emergency.note") in text
    assert "[6]" not in text
    assert "本部の指示で発信" in text


@pytest.mark.parametrize("answer", [Answer.APPROVE, Answer.RETURN, Answer.REJECT])
def test_the_outcome_notice_names_platform_and_purpose(answer: Answer) -> None:
    decided = snapshot(status=ApplicationStatus.APPROVED, decided_at=NOW, decided_by="市政 花子")

    notice = RENDER.notice(decided, "decided", answer=answer, comment="理由")

    assert "Instagram「観光の魅力を発信する」" in notice["text"]
    assert t(f"application.answer.{answer}") in notice["text"]
    assert t(f"application.notice.hint.{answer}") in notice["text"]
