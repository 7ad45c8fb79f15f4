"""The playground's Block Kit renderer: real HTML structure for every block and element type,
mrkdwn as Slack shows it, validation errors in place, and hostile text kept inert."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
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
from playground.blockkit import mrkdwn_to_html, render_blocks, render_message, render_view
from storage.models import Application, Audience
from tests.support.bot import APP_YAML
from tests.test_application_views import first_page
from tests.test_report_views import snapshot

HERE = Path(__file__).parent
FIXTURES = sorted((HERE / "fixtures").glob("*.json"))
NAMES = {"U0STAFF1": "総社 太郎", "U0STAFF2": "観光 花子"}
SCRIPT = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
VOID = frozenset({"input", "img", "hr", "br", "meta", "link"})


# -- a tiny DOM over html.parser ------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                found += [child, *child.iter()]
        return found

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Descendants matching the tag, a class, and attributes (data_block_id= means data-block-id)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes())
            and all(n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one {tag} .{cls} {attrs}, found {len(found)}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def fixture(name: str) -> dict[str, Any]:
    return json.loads((HERE / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))


def view_of(name: str, **kwargs: Any) -> Node:
    return parse(render_view(fixture(name), names=NAMES, **kwargs))


def block(doc: Node, block_id: str) -> Node:
    return doc.one(cls="bk-block", data_block_id=block_id)


def element(doc: Node, action_id: str) -> Node:
    return doc.one(data_action_id=action_id)


def option_values(select: Node) -> list[str]:
    return [o.attrs["value"] or "" for o in select.all("option") if "data-placeholder" not in o.attrs]


def selected(select: Node) -> list[str]:
    return [o.attrs["value"] or "" for o in select.all("option") if "selected" in o.attrs]


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


# -- elements -------------------------------------------------------------------------------


def test_buttons_carry_value_style_and_confirm() -> None:
    actions = block(view_of("element_button"), "a")

    delete = actions.one("button")
    assert delete.attrs["data-value"] == "7"
    assert delete.attrs["data-style"] == "danger"
    assert "bk-button--danger" in delete.classes()
    confirm = json.loads(delete.attrs["data-confirm"] or "")
    assert confirm == {
        "title": "本当に？",
        "text": "<strong>取り消せません</strong>",
        "confirm": "はい",
        "deny": "いいえ",
        "style": "danger",
    }
    link = actions.one("a")
    assert link.attrs["href"] == link.attrs["data-url"] == "https://example.jp/doc"
    assert link.attrs["rel"] == "noopener noreferrer"
    assert link.attrs["target"] == "_blank"
    assert link.attrs["data-type"] == "button"
    assert link.text() == "開く"


def test_overflow_is_a_menu_with_urls() -> None:
    menu = element(view_of("element_overflow"), "s.menu")

    assert menu.tag == "select"
    assert menu.attrs["data-type"] == "overflow"
    assert option_values(menu) == ["edit", "site"]
    assert [o.attrs.get("data-url") for o in menu.all("option")] == [None, None, "https://example.jp/"]


def test_plain_text_inputs_single_and_multiline() -> None:
    doc = view_of("element_plain_text_input")

    one = element(doc, "in.one")
    assert (one.tag, one.attrs["type"], one.attrs["value"]) == ("input", "text", "初期値")
    assert (one.attrs["minlength"], one.attrs["maxlength"], one.attrs["placeholder"]) == ("2", "50", "入力")
    assert one.attrs["name"] == "one/in.one"
    many = element(doc, "in.many")
    assert many.tag == "textarea"
    assert many.text() == "一行目\n二行目"
    assert many.attrs["maxlength"] == "3000"


@pytest.mark.parametrize(
    ("name", "action_id", "type_", "value"),
    [
        ("element_url_text_input", "in.url", "url", "https://example.jp/"),
        ("element_email_text_input", "in.mail", "email", "a@example.jp"),
        ("element_datepicker", "in.date", "date", "2026-11-26"),
        ("element_timepicker", "in.time", "time", "09:30"),
        ("element_conversations_select", "in.conv", "text", "C0GENERAL"),
        ("element_channels_select", "in.chan", "text", "C0RANDOM"),
    ],
)
def test_typed_inputs_keep_their_initial_value(name: str, action_id: str, type_: str, value: str) -> None:
    field_ = element(view_of(name), action_id)

    assert (field_.tag, field_.attrs["type"], field_.attrs["value"]) == ("input", type_, value)


def test_number_input_limits_and_decimals() -> None:
    field_ = element(view_of("element_number_input"), "in.num")

    assert field_.attrs["type"] == "number"
    assert (field_.attrs["min"], field_.attrs["max"], field_.attrs["step"]) == ("0", "99.5", "any")
    assert field_.attrs["value"] == "1.5"


def test_datetimepicker_keeps_the_timestamp_for_the_browser() -> None:
    field_ = element(view_of("element_datetimepicker"), "in.at")

    assert field_.attrs["type"] == "datetime-local"
    assert field_.attrs["data-initial-date-time"] == "1795649400"
    assert field_.attrs["value"] == datetime.fromtimestamp(1795649400, UTC).strftime("%Y-%m-%dT%H:%M")


def test_static_select_with_groups_and_an_initial_option() -> None:
    select = element(view_of("element_static_select"), "in.pick")

    assert [g.attrs["label"] for g in select.all("optgroup")] == ["動物", "鳥"]
    assert option_values(select) == ["dog", "cat", "dove"]
    assert selected(select) == ["cat"]
    assert [o.text() for o in select.all("option") if "data-placeholder" in o.attrs] == ["選ぶ"]
    cat = select.one("option", value="cat")
    assert json.loads(cat.attrs["data-option"] or "") == {
        "text": {"type": "plain_text", "text": "ねこ", "emoji": True},
        "value": "cat",
    }


def test_multi_static_select() -> None:
    select = element(view_of("element_multi_static_select"), "in.picks")

    assert "multiple" in select.attrs
    assert select.attrs["data-max-selected-items"] == "2"
    assert option_values(select) == ["dog", "cat", "dove"]
    assert selected(select) == ["dog", "dove"]


def test_external_select_has_a_query_box_and_its_initial_option() -> None:
    box = element(view_of("element_external_select"), "in.find")

    assert box.attrs["data-min-query-length"] == "2"
    assert box.one("input", "bk-external-query").attrs["placeholder"] == "検索"
    select = box.one("select")
    assert option_values(select) == ["somu"]
    assert selected(select) == ["somu"]
    assert select.attrs["name"] == "in/in.find"
    assert "required" in select.attrs


def test_radio_buttons_with_descriptions_and_mrkdwn_labels() -> None:
    group = element(view_of("element_radio_buttons"), "in.radio")

    radios = group.all("input")
    assert [(r.attrs["type"], r.attrs["value"], "checked" in r.attrs) for r in radios] == [
        ("radio", "official", True),
        ("radio", "private", False),
    ]
    assert {r.attrs["name"] for r in radios} == {"in/in.radio"}
    assert all("required" in r.attrs for r in radios)
    assert group.one(cls="bk-description").text() == "市として"
    assert group.one("strong").text() == "私的"


def test_checkboxes_with_descriptions_and_initial_options() -> None:
    group = element(view_of("element_checkboxes"), "in.checks")

    boxes = group.all("input")
    assert [(b.attrs["type"], b.attrs["value"], "checked" in b.attrs) for b in boxes] == [
        ("checkbox", "agree", False),
        ("checkbox", "notify", True),
    ]
    assert not any("required" in b.attrs for b in boxes)  # a required box would demand each one
    assert group.one(cls="bk-description").one("em").text() == "必須"


def test_users_select_offers_the_names() -> None:
    select = element(view_of("element_users_select"), "in.user")

    assert option_values(select) == ["U0STAFF1", "U0STAFF2"]
    assert [o.text() for o in select.all("option")][1:] == ["総社 太郎", "観光 花子"]
    assert selected(select) == ["U0STAFF2"]


def test_multi_users_select_keeps_an_unknown_initial_user() -> None:
    select = element(view_of("element_multi_users_select"), "in.users")

    assert "multiple" in select.attrs
    assert selected(select) == ["U0STAFF1", "U0NOTLISTED"]


def test_image_element_as_accessory() -> None:
    image = block(view_of("element_image"), "s").one(cls="bk-accessory").one("img")

    assert (image.attrs["src"], image.attrs["alt"]) == ("https://example.jp/a.png", "代替")


# -- mrkdwn ---------------------------------------------------------------------------------


def md(text: str) -> str:
    return mrkdwn_to_html(text, names=NAMES)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*太字*", "<strong>太字</strong>"),
        ("_斜体_ と ~取消~", "<em>斜体</em> と <del>取消</del>"),
        ("a*b*c snake_case_name", "a*b*c snake_case_name"),
        ("* 空白 *", "* 空白 *"),
        ("`a *b* c`", '<code class="bk-code">a *b* c</code>'),
        ("```x\n*y*```", '<pre class="bk-pre">x\n*y*</pre>'),
        ("一\n二", "一<br>二"),
        ("&gt; 引用\n> 二行目\n本文", '<blockquote class="bk-quote">引用<br>二行目</blockquote>本文'),
        ("&amp;lt; &lt;b&gt;", "&amp;lt; &lt;b&gt;"),
        (
            "<@U0STAFF1> <@U0NOBODY>",
            '<span class="bk-mention">@総社 太郎</span> <span class="bk-mention">@U0NOBODY</span>',
        ),
        ("<#C1|general> <#C2>", '<span class="bk-mention">#general</span> <span class="bk-mention">#C2</span>'),
        ("<!here> <!channel>", '<span class="bk-mention">@here</span> <span class="bk-mention">@channel</span>'),
        ("<!subteam^S1|@kouhou>", '<span class="bk-mention">@kouhou</span>'),
        ("<!date^1392734382^{date_short}|2014年2月18日>", '<time class="bk-date">2014年2月18日</time>'),
        (
            "<https://a.jp/?q=1&amp;r=2|見る>",
            '<a class="bk-link" href="https://a.jp/?q=1&amp;r=2" target="_blank" rel="noopener noreferrer">見る</a>',
        ),
        (
            "（https://x.com/a_b）",
            '（<a class="bk-link" href="https://x.com/a_b" target="_blank" rel="noopener noreferrer">'
            "https://x.com/a_b</a>）",
        ),
        (
            "<mailto:a@b.jp|メール>",
            '<a class="bk-link" href="mailto:a@b.jp" target="_blank" rel="noopener noreferrer">メール</a>',
        ),
        ("<javascript:alert(1)|押す>", "押す"),
        ("<ftp://x>", "ftp://x"),
    ],
)
def test_mrkdwn(text: str, html: str) -> None:
    assert md(text) == html


def test_bold_wraps_a_link() -> None:
    doc = parse(md("*<https://a.jp|見出し>*"))

    assert doc.one("strong").one("a").text() == "見出し"


def test_a_message_without_blocks_shows_its_text() -> None:
    doc = parse(render_message({"text": "*届出* <@U0STAFF1>"}, names=NAMES))

    message = doc.one("div", "bk-message")
    assert message.one("strong").text() == "届出"
    assert message.one(cls="bk-mention").text() == "@総社 太郎"


def test_a_message_with_blocks_shows_the_blocks_not_the_fallback() -> None:
    message = {"text": "代替テキスト", "blocks": [{"type": "divider"}]}
    doc = parse(render_message(message, names=NAMES))

    assert "代替テキスト" not in doc.text()
    assert doc.one("hr").attrs["class"] == "bk-divider"
    assert doc.one(cls="bk-block").attrs["data-block-id"] == "b0"


# -- hostile text -----------------------------------------------------------------------------


def _poison(node: Any, hostile: str) -> Any:
    """Every string in a payload replaced by ``hostile``, except the type names that pick renderers."""
    if isinstance(node, dict):
        return {k: v if k == "type" else _poison(v, hostile) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, hostile) for v in node]
    return hostile if isinstance(node, str) else node


def assert_inert(html: str) -> None:
    assert "<script" not in html.lower()
    doc = parse(html)
    assert doc.all("script") == []
    for node in doc.iter():
        for name in ("href", "src", "data-url", "formaction", "action"):
            assert not (node.attrs.get(name) or "").strip().lower().startswith("javascript:"), node
        assert not any(name.startswith("on") for name in node.attrs), node
        if confirm := node.attrs.get("data-confirm"):
            assert_inert(json.loads(confirm)["text"])  # blockkit.js sets it as innerHTML


@pytest.mark.parametrize(
    "hostile", [SCRIPT, JS_URL, "&lt;script&gt;alert(1)&lt;/script&gt;", f'" onclick="x" {SCRIPT}']
)
@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_hostile_text_in_every_position_is_inert(path: Path, hostile: str) -> None:
    view = _poison(json.loads(path.read_text(encoding="utf-8")), hostile)
    names = {"U0STAFF1": hostile, hostile: hostile}

    assert_inert(render_view(view, names=names, errors={hostile: hostile, "in": hostile}))
    assert_inert(render_message({"text": hostile, "blocks": view["blocks"]}, names=names))
    assert_inert(render_message({"text": hostile}, names=names))


def test_hostile_text_stays_visible_as_text() -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"  # as Slack delivers typed text
    doc = parse(md(f"{escaped} <{JS_URL}|{escaped}>"))

    assert doc.text() == f"{SCRIPT} {SCRIPT}"
    assert doc.all("a") == []


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
