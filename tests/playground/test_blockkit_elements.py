"""The playground's Block Kit renderer: every element type, mrkdwn as Slack shows it, and hostile text kept inert."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from playground.blockkit import mrkdwn_to_html, render_message, render_view
from tests.playground.dom import (
    FIXTURES,
    JS_URL,
    NAMES,
    SCRIPT,
    block,
    element,
    option_values,
    parse,
    selected,
    view_of,
)

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
