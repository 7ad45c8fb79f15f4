"""The playground's Block Kit renderer: real HTML structure for every view and block type, validation errors in
place, and the bot's own views (elements, mrkdwn and hostile text: test_blockkit_elements.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.views import View

from bot.config import load_config
from handlers.account.views import register_modal
from handlers.application.views import page_one_modal, page_two_modal
from handlers.common.failure import failure_modal
from handlers.draft.metadata import DraftAction
from handlers.draft.views import comment_modal, draft_modal
from handlers.help.views import guideline_blocks, help_message
from handlers.home.views import home_view
from handlers.report.metadata import CaseAction
from handlers.report.views.case_modals import resolve_modal
from handlers.report.views.messages import SlackRenderer
from handlers.report.views.report_modal import Prefill, report_modal
from playground.blockkit import render_blocks, render_message, render_view
from storage.models import Application, Audience
from tests.playground.dom import FIXTURES, HERE, NAMES, block, element, fixture, option_values, parse, selected, view_of
from tests.support.bot import APP_YAML
from tests.test_application_views import first_page
from tests.test_report_views import snapshot

# -- every fixture: well-formed, nothing unknown ----------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_fixture_renders_without_placeholders(path: Path) -> None:
    doc = parse(render_view(json.loads(path.read_text(encoding="utf-8")), names=NAMES))

    assert doc.all(cls="bk-unknown") == []
    assert len(doc.all(cls="bk-block")) == len(json.loads(path.read_text(encoding="utf-8"))["blocks"])


def test_a_fixture_exists_for_each_block_and_element_type() -> None:
    stems = {p.stem for p in FIXTURES}
    blocks = {"header", "section", "divider", "context", "actions", "input", "image", "rich_text", "file", "video"}
    elements = {
        "button", "overflow", "plain_text_input", "url_text_input", "email_text_input", "number_input",
        "static_select", "multi_static_select", "external_select", "radio_buttons", "checkboxes", "users_select",
        "multi_users_select", "conversations_select", "channels_select", "datepicker", "timepicker",
        "datetimepicker", "image",
    }  # fmt: skip
    assert {f"block_{b}" for b in blocks} | {f"element_{e}" for e in elements} <= stems


# -- views ----------------------------------------------------------------------------------


def test_a_modal_has_its_ids_title_and_buttons() -> None:
    form = view_of("block_header").one("form")

    assert form.attrs["data-view-id"] == "VBLOCK_HE"
    assert form.attrs["data-callback-id"] == "test.block_header"
    assert form.attrs["data-private-metadata"] == '{"v":1,"case_id":3}'
    assert form.one("h1", "bk-view-title").text() == "テスト"
    footer = form.one(cls="bk-view-footer")
    assert [(b.attrs["data-view-action"], b.text()) for b in footer.all("button")] == [
        ("close", "閉じる"),
        ("submit", "送信"),
    ]


def test_a_modal_without_close_or_submit_gets_slacks_cancel_only() -> None:
    view = {**fixture("block_divider"), "close": None}
    del view["submit"]
    footer = parse(render_view(view, names=NAMES)).one(cls="bk-view-footer")

    assert [b.text() for b in footer.all("button")] == ["キャンセル"]


def test_a_home_tab_has_blocks_and_no_title_or_buttons() -> None:
    view = {"type": "home", "id": "VHOME", "blocks": fixture("block_section")["blocks"]}
    form = parse(render_view(view, names=NAMES)).one("form")

    assert form.attrs["data-view-type"] == "home"
    assert form.all("h1") == []
    assert form.all(cls="bk-view-footer") == []
    assert form.one(cls="bk-block", data_block_id="s")


def test_errors_appear_inside_their_input_block_only() -> None:
    doc = view_of("element_plain_text_input", errors={"many": "3000文字以内で入力してください"})

    many, one = block(doc, "many"), block(doc, "one")
    assert many.one(cls="bk-error").text() == "3000文字以内で入力してください"
    assert "bk-block--error" in many.classes()
    assert one.all(cls="bk-error") == []


def test_an_error_for_a_missing_block_is_shown_not_lost() -> None:
    doc = view_of("block_input", errors={"nowhere": "不明"})

    assert doc.one(cls="bk-error").text() == "nowhere: 不明"


# -- blocks ---------------------------------------------------------------------------------


def test_header() -> None:
    assert block(view_of("block_header"), "h").one("h2", "bk-header").text() == "見出し"


def test_section_with_text_fields_and_an_accessory() -> None:
    section = block(view_of("block_section"), "s")

    assert section.one(cls="bk-text").one("strong").text() == "太字"
    assert section.one(cls="bk-mention").text() == "@総社 太郎"
    fields = section.one(cls="bk-fields").all(cls="bk-field")
    assert [f.one("strong").text() for f in fields] == ["種別", "状態"]
    button = section.one(cls="bk-accessory").one("button")
    assert button.attrs["data-action-id"] == "s.more"
    assert "data-dispatch" in button.attrs


def test_divider() -> None:
    assert block(view_of("block_divider"), "d").one("hr", "bk-divider")


def test_context_texts_and_image() -> None:
    context = block(view_of("block_context"), "c")

    assert [s.text() for s in context.all("span", "bk-context-text")] == ["補足", "平文"]
    assert context.one("em").text() == "補足"
    assert context.one("img").attrs["src"] == "https://example.jp/i.png"


def test_actions_fire_at_once() -> None:
    actions = block(view_of("block_actions"), "a")

    button, select = actions.one("button"), actions.one("select")
    assert button.attrs["data-value"] == "ok"
    assert "bk-button--primary" in button.classes()
    assert "data-dispatch" in select.attrs
    assert option_values(select) == ["dog", "cat"]


def test_input_block_with_label_hint_and_optional_mark() -> None:
    input_block = block(view_of("block_input"), "in")

    assert input_block.one(cls="bk-label").text() == "ラベル(任意)"
    assert input_block.one(cls="bk-hint").text() == "ヒント"
    field_ = input_block.one("input")
    assert field_.attrs["aria-label"] == "ラベル"
    assert "required" not in field_.attrs
    assert "data-dispatch" not in field_.attrs


def test_a_required_input_with_dispatch_action_fires() -> None:
    view = fixture("block_input")
    view["blocks"][0] |= {"optional": False, "dispatch_action": True}
    field_ = parse(render_view(view, names=NAMES)).one("input")

    assert "required" in field_.attrs
    assert "data-dispatch" in field_.attrs


def test_image_block() -> None:
    figure = block(view_of("block_image"), "img").one("figure")

    assert figure.one("figcaption").text() == "写真の題"
    assert figure.one("img").attrs == {
        "class": "bk-el bk-el-image",
        "src": "https://example.jp/p.png",
        "alt": "写真",
        "loading": "lazy",
    }


def test_rich_text() -> None:
    rich = block(view_of("block_rich_text"), "rt")

    section = rich.one(cls="bk-rich-section", tag="div")
    assert section.one("strong").text() == "太字"
    assert section.one("em").text() == " 斜体"
    assert section.one("del").text() == " 取消"
    assert section.one("code").text() == " コード"
    assert section.one("a").attrs["href"] == "https://example.jp/"
    assert [m.text() for m in section.all(cls="bk-mention")] == ["@総社 太郎", "#C0GENERAL", "@here"]
    assert "😄" in section.text()
    assert [li.text() for li in rich.one("ol").all("li")] == ["一つ目", "二つ目"]
    assert rich.one("blockquote").text() == "引用文"
    assert rich.one("pre").text() == "整形済み"


def test_file_and_video() -> None:
    assert "ABCD1" in block(view_of("block_file"), "f").one(cls="bk-file").text()
    video = block(view_of("block_video"), "v")
    assert video.one("a").attrs["href"] == "https://example.jp/watch"
    assert video.one("a").text() == "▶ 紹介動画"
    assert video.one(cls="bk-video-description").text() == "説明文"


def test_unknown_blocks_and_elements_are_shown_as_placeholders() -> None:
    blocks = [
        {"type": "call", "call_id": "R1"},
        {"type": "actions", "block_id": "a", "elements": [{"type": "workflow_button", "action_id": "w"}]},
        {"type": "input", "block_id": "i", "label": {"type": "plain_text", "text": "x"}, "element": {"type": "x"}},
    ]
    doc = parse(render_blocks(blocks, names=NAMES))

    assert [u.text() for u in doc.all("div", "bk-unknown")] == [
        "未対応のブロック: call",
        "未対応の要素: workflow_button",
        "未対応の要素: x",
    ]


# -- the bot's own views ----------------------------------------------------------------------

CONFIG = load_config(APP_YAML)
NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)


GUIDELINE = guideline_blocks(CONFIG.organization.name, CONFIG.offices)
APPLICATION = Application(id=1, platform="x", department_name="観光プロモーション課", purpose="観光情報の発信")
# Built inside the tests, so a builder that breaks fails its own case rather than the collection.
BOT_VIEWS: dict[str, Callable[[], View]] = {
    "report_modal": lambda: report_modal(
        CONFIG.departments, CONFIG.departments[0], CONFIG.offices, NOW, Prefill("要約", ("https://x.com/a",))
    ),
    "resolve_modal": lambda: resolve_modal(CaseAction(case_id=3, copy_id=9), "SNS-2026-0003"),
    "draft_modal": lambda: draft_modal([(a, a) for a in CONFIG.departments[0].approvers], None, NOW),
    "draft_comment": lambda: comment_modal(DraftAction(draft_id=3, request_id=4, answer="return")),
    "application_page_one": lambda: page_one_modal("観光プロモーション課", "観光 一郎", by_head=False),
    "application_page_two": lambda: page_two_modal(first_page("観"), 180),
    "register_modal": lambda: register_modal([APPLICATION], date(2026, 11, 30)),
    "failure_modal": lambda: failure_modal("ab12cd34"),
    "home": lambda: home_view([], [], [], GUIDELINE),
}
BOT_MESSAGES: dict[str, Callable[[], dict[str, Any]]] = {
    "help": lambda: help_message(CONFIG.organization.name, CONFIG.offices),
    "case_copy": lambda: SlackRenderer(ZoneInfo("Asia/Tokyo")).case_copy(snapshot(), Audience.PUBLIC_INFO, 1),
}


@pytest.mark.parametrize("name", BOT_VIEWS)
def test_the_bots_views_render_completely(name: str) -> None:
    view = BOT_VIEWS[name]().to_dict()
    doc = parse(render_view({**view, "id": "V1"}, names=NAMES))

    assert doc.all(cls="bk-unknown") == []
    assert len(doc.all(cls="bk-block")) == len(view["blocks"])
    for input_block in view["blocks"]:
        if input_block["type"] == "input":
            rendered = block(doc, input_block["block_id"])
            assert rendered.one(data_action_id=input_block["element"]["action_id"])


@pytest.mark.parametrize("name", BOT_MESSAGES)
def test_the_bots_messages_render_completely(name: str) -> None:
    message = BOT_MESSAGES[name]()
    doc = parse(render_message(message, names=NAMES))

    assert doc.all(cls="bk-unknown") == []
    assert len(doc.all(cls="bk-block")) == len(message["blocks"])


def test_the_report_modal_shows_its_choices() -> None:
    doc = parse(render_view(BOT_VIEWS["report_modal"]().to_dict(), names=NAMES))

    department = block(doc, "report.department").one("select")
    assert selected(department) == [CONFIG.departments[0].id]
    assert element(doc, "report.discovered_at").attrs["data-initial-date-time"] == str(int(NOW.timestamp()))
    assert element(doc, "report.urls").text() == "https://x.com/a"


# -- blockkit.js ------------------------------------------------------------------------------


def test_blockkit_js_payload_builders() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: blockkit.js's payload builders are untested here")
    result = subprocess.run(
        [node, "--test", str(HERE / "blockkit.test.mjs")], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
