"""Block Kit to HTML for the playground: messages, modals and the App Home as the bot sends them.

Pure functions, stdlib only. Every string from a payload is HTML-escaped and every attribute
quoted, so a ``<script>`` typed by a person stays text. Interactive elements carry ``data-*``
attributes that ``static/blockkit.js`` reads to build Slack's ``block_actions`` and
``view.state.values`` payloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from itertools import groupby
from typing import Any
from urllib.parse import urlsplit

Json = dict[str, Any]
Attrs = Mapping[str, str | int | bool | None]

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
LINK_REL = "noopener noreferrer"
OPTIONAL = "(任意)"
SELECT_PLACEHOLDER = "選択してください"
CLOSE_DEFAULT = "キャンセル"


@dataclass(frozen=True)
class _Ctx:
    names: Mapping[str, str]
    errors: Mapping[str, str] = field(default_factory=dict)


# -- HTML helpers ---------------------------------------------------------------------------


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _attrs(attrs: Attrs) -> str:
    """None and False drop the attribute, True writes it bare, anything else is quoted and escaped."""
    parts = [
        f" {k}" if v is True else f' {k}="{_esc(v)}"' for k, v in attrs.items() if v is not None and v is not False
    ]
    return "".join(parts)


def _tag(name: str, attrs: Attrs, inner: str = "") -> str:
    return f"<{name}{_attrs(attrs)}>{inner}</{name}>"


def _void(name: str, attrs: Attrs) -> str:
    return f"<{name}{_attrs(attrs)}>"


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _safe_url(url: object, schemes: frozenset[str] = LINK_SCHEMES) -> str | None:
    """The URL if a browser would open it with an allowed scheme, else None (no javascript: hrefs)."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in schemes else None


def _link(url: str, label_html: str) -> str:
    safe = _safe_url(url)
    if safe is None:
        return label_html
    return _tag("a", {"class": "bk-link", "href": safe, "target": "_blank", "rel": LINK_REL}, label_html)


def _unknown(kind: str, type_: object) -> str:
    return _tag("div", {"class": "bk-unknown"}, _esc(f"未対応の{kind}: {type_}"))


# -- mrkdwn -----------------------------------------------------------------------------------

# Stashed HTML goes back in through one-character placeholders from a private-use plane that
# input text is stripped of, so formatting regexes never see (or break) finished HTML.
_SLOT_BASE = 0xF0000
_SLOTS = re.compile("[\U000f0000-\U000ffffd]")
_PRE = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_ANGLE = re.compile(r"<([^<>\n]*)>")
_BARE_URL = re.compile(r"https?://(?:(?!&[lg]t;)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%])+(?<![.,;:!?])")
# Slack needs a non-alphanumeric neighbour around the markers and no space just inside them.
_STYLES = (
    (re.compile(r"(?<![A-Za-z0-9*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![A-Za-z0-9*])"), "strong"),
    (re.compile(r"(?<![A-Za-z0-9_])_(?=\S)([^_\n]+?)(?<=\S)_(?![A-Za-z0-9_])"), "em"),
    (re.compile(r"(?<![A-Za-z0-9~])~(?=\S)([^~\n]+?)(?<=\S)~(?![A-Za-z0-9~])"), "del"),
)
_QUOTE = re.compile(r"^&gt;[ \t]?")
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _unescape_slack(text: str) -> str:
    """Slack escapes only these three in message text; anything else stays as typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain_html(text: str) -> str:
    return _esc(_unescape_slack(text))


def mrkdwn_to_html(text: str, *, names: Mapping[str, str]) -> str:
    slots: list[str] = []

    def stash(html: str) -> str:
        slots.append(html)
        return chr(_SLOT_BASE + len(slots) - 1)

    text = _SLOTS.sub("", text)
    text = _PRE.sub(lambda m: stash(_tag("pre", {"class": "bk-pre"}, _plain_html(m[1].strip("\n")))), text)
    text = _CODE.sub(lambda m: stash(_tag("code", {"class": "bk-code"}, _plain_html(m[1]))), text)
    text = _ANGLE.sub(lambda m: stash(_angle(m[1], names)), text)
    text = _BARE_URL.sub(lambda m: stash(_link(_unescape_slack(m[0]), _plain_html(m[0]))), text)
    html = _plain_html(text)
    for pattern, tag in _STYLES:
        html = pattern.sub(rf"<{tag}>\1</{tag}>", html)
    html = _lines(html)
    return _SLOTS.sub(lambda m: slots[ord(m[0]) - _SLOT_BASE], html)


def _lines(html: str) -> str:
    """Newlines become <br>; a run of lines starting with > becomes one blockquote."""
    out = []
    for quoted, group in groupby(html.split("\n"), key=lambda line: bool(_QUOTE.match(line))):
        lines = [_QUOTE.sub("", line) for line in group]
        out.append(_tag("blockquote", {"class": "bk-quote"}, "<br>".join(lines)) if quoted else "<br>".join(lines))
    return "".join(out)


def _angle(inner: str, names: Mapping[str, str]) -> str:
    """One <…> control sequence: a mention, a special mention, a date or a link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return _mention(f"@{names.get(user) or _unescape_slack(label) or user}")
    if target.startswith("#"):
        return _mention(f"#{_unescape_slack(label) or target[1:]}")
    if target.startswith("!"):
        return _special(target[1:], _unescape_slack(label))
    return _link(_unescape_slack(target), _plain_html(label or target))


def _special(command: str, label: str) -> str:
    name, _, argument = command.partition("^")
    if name in _BROADCASTS:
        return _mention(_BROADCASTS[name])
    if name == "subteam":
        return _mention(label or f"@{argument}")
    if name == "date":
        return _tag("time", {"class": "bk-date"}, _esc(label or argument.partition("^")[0]))
    return _esc(label or f"<!{command}>")


def _mention(text: str) -> str:
    return _tag("span", {"class": "bk-mention"}, _esc(text))


def _text(obj: Json | None, ctx: _Ctx) -> str:
    """A text object as HTML: mrkdwn formatted, plain_text escaped (its emoji flag ignored)."""
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_html(str(obj.get("text", "")), names=ctx.names)
    return _esc(obj.get("text", ""))


def _plain(obj: Json | None) -> str:
    """A text object's raw words, for attributes and option labels."""
    return str(obj.get("text", "")) if obj else ""


# -- elements ---------------------------------------------------------------------------------

ElementRenderer = Callable[[Json, _Ctx, dict[str, Any]], str]


def _button(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    label = _plain(el.get("text"))
    style = el.get("style")
    url = _safe_url(el.get("url"))
    attrs = {
        **base,
        "class": f"{base['class']} bk-button bk-button--{style or 'default'}",
        "data-text": label,
        "data-value": el.get("value"),
        "data-style": style,
        "data-url": url,
        "data-confirm": _confirm(el.get("confirm"), ctx),
    }
    if url:
        return _tag("a", {**attrs, "href": url, "target": "_blank", "rel": LINK_REL, "role": "button"}, _esc(label))
    return _tag("button", {**attrs, "type": "button"}, _esc(label))


def _confirm(confirm: Json | None, ctx: _Ctx) -> str | None:
    """The confirm dialog's words as JSON; ``text`` is HTML rendered (and escaped) here."""
    if not confirm:
        return None
    return _json(
        {
            "title": _plain(confirm.get("title")),
            "text": _text(confirm.get("text"), ctx),
            "confirm": _plain(confirm.get("confirm")) or "はい",
            "deny": _plain(confirm.get("deny")) or CLOSE_DEFAULT,
            "style": confirm.get("style"),
        }
    )


def _overflow(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    first = _tag("option", {"value": "", "data-placeholder": True, "selected": True}, "⋯")
    options = "".join(_option(o, chosen=set(), url=_safe_url(o.get("url"))) for o in el.get("options", []))
    attrs = {**base, "data-confirm": _confirm(el.get("confirm"), ctx), "aria-label": base.get("aria-label") or "その他"}
    return _tag("select", attrs, first + options)


def _option(option: Json, *, chosen: set[str], url: str | None = None) -> str:
    value = str(option.get("value", ""))
    attrs = {"value": value, "data-option": _json(option), "data-url": url, "selected": value in chosen}
    return _tag("option", attrs, _esc(_plain(option.get("text"))))


_INPUT_TYPES = {
    "plain_text_input": "text",
    "url_text_input": "url",
    "email_text_input": "email",
    "number_input": "number",
}


def _text_input(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    triggers = (el.get("dispatch_action_config") or {}).get("trigger_actions_on")
    attrs = {
        **base,
        "placeholder": _plain(el.get("placeholder")) or None,
        "data-triggers": " ".join(triggers or []) or None,
    }
    initial = el.get("initial_value")
    lengths = {"minlength": el.get("min_length"), "maxlength": el.get("max_length")}
    if el.get("multiline"):
        return _tag("textarea", {**attrs, **lengths, "rows": 4}, _esc(initial or ""))
    attrs |= {"type": _INPUT_TYPES[el["type"]], "value": initial}
    if el["type"] == "number_input":
        decimal = el.get("is_decimal_allowed")
        attrs |= {"step": "any" if decimal else "1", "inputmode": "decimal" if decimal else "numeric"}
        attrs |= {"min": el.get("min_value"), "max": el.get("max_value")}
    elif el["type"] == "plain_text_input":
        attrs |= lengths
    return _void("input", attrs)


def _placeholder_option(el: Json, chosen: set[str]) -> str:
    label = _plain(el.get("placeholder")) or SELECT_PLACEHOLDER
    return _tag("option", {"value": "", "data-placeholder": True, "selected": not chosen}, _esc(label))


def _chosen(options: Iterable[Json | None]) -> set[str]:
    return {str(o["value"]) for o in options if o and "value" in o}


def _initial_options(el: Json) -> list[Json]:
    return [o for o in [el.get("initial_option"), *(el.get("initial_options") or [])] if o]


def _static_select(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    multiple = el["type"].startswith("multi_")
    chosen = _chosen(_initial_options(el))
    body = "" if multiple else _placeholder_option(el, chosen)
    body += "".join(_option(o, chosen=chosen) for o in el.get("options") or [])
    for group in el.get("option_groups") or []:
        inner = "".join(_option(o, chosen=chosen) for o in group.get("options", []))
        body += _tag("optgroup", {"label": _plain(group.get("label"))}, inner)
    attrs = {**base, "multiple": multiple, "data-max-selected-items": el.get("max_selected_items")}
    return _tag("select", attrs, body)


def _external_select(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    """A query box feeding a select: the page answers onSuggest with the bot's options."""
    initial = _initial_options(el)
    chosen = _chosen(initial)
    multiple = el["type"].startswith("multi_")
    body = ("" if multiple else _placeholder_option(el, chosen)) + "".join(_option(o, chosen=chosen) for o in initial)
    query = {"type": "search", "class": "bk-external-query", "placeholder": _plain(el.get("placeholder")) or None}
    # The select holds the choice, so it takes the form name and the required flag.
    select = {"class": "bk-external-options", "name": base.pop("name"), "required": base.pop("required")}
    attrs = {**base, "data-min-query-length": el.get("min_query_length", 3), "role": "group"}
    return _tag("div", attrs, _void("input", query) + _tag("select", {**select, "multiple": multiple}, body))


def _users_select(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    multiple = el["type"].startswith("multi_")
    chosen = set(el.get("initial_users") or []) | ({el["initial_user"]} if el.get("initial_user") else set())
    people = {**ctx.names, **{user: user for user in sorted(chosen) if user not in ctx.names}}
    body = "" if multiple else _placeholder_option(el, chosen)
    body += "".join(_tag("option", {"value": u, "selected": u in chosen}, _esc(n)) for u, n in people.items())
    attrs = {**base, "multiple": multiple, "data-max-selected-items": el.get("max_selected_items")}
    return _tag("select", attrs, body)


def _conversation(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    """No directory of channels here: an id typed by hand stands in for the picker."""
    initial = el.get("initial_conversation") or el.get("initial_channel")
    placeholder = _plain(el.get("placeholder")) or "C0123456789"
    return _void("input", {**base, "type": "text", "value": initial, "placeholder": placeholder})


def _choices(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    radio = el["type"] == "radio_buttons"
    required = base.pop("required") and radio  # a required checkbox would demand every box
    chosen = _chosen(_initial_options(el))
    name = base.pop("name")
    items = [_choice(o, ctx, radio=radio, name=name, chosen=chosen, required=required) for o in el.get("options", [])]
    return _tag("div", {**base, "role": "radiogroup" if radio else "group"}, "".join(items))


def _choice(option: Json, ctx: _Ctx, *, radio: bool, name: str, chosen: set[str], required: bool) -> str:
    value = str(option.get("value", ""))
    box = _void(
        "input",
        {
            "type": "radio" if radio else "checkbox",
            "name": name,
            "value": value,
            "data-option": _json(option),
            "checked": value in chosen,
            "required": required,
        },
    )
    description = option.get("description")
    words = _tag("span", {"class": "bk-choice-text"}, _text(option.get("text"), ctx))
    if description:
        words += _tag("span", {"class": "bk-description"}, _text(description, ctx))
    return _tag("label", {"class": "bk-choice"}, box + _tag("span", {"class": "bk-choice-words"}, words))


def _datepicker(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    return _void("input", {**base, "type": "date", "value": el.get("initial_date")})


def _timepicker(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    return _void("input", {**base, "type": "time", "value": el.get("initial_time")})


def _datetimepicker(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    """The value is the UTC wall time; bind() in blockkit.js rewrites it in the browser's zone."""
    initial = el.get("initial_date_time")
    value = datetime.fromtimestamp(int(initial), UTC).strftime("%Y-%m-%dT%H:%M") if initial is not None else None
    return _void("input", {**base, "type": "datetime-local", "value": value, "data-initial-date-time": initial})


def _image_element(el: Json, ctx: _Ctx, base: dict[str, Any]) -> str:
    src = _safe_url(el.get("image_url"), IMAGE_SCHEMES)
    alt = str(el.get("alt_text", ""))
    if src is None:
        return _tag("span", {"class": "bk-el bk-el-image bk-image-missing"}, _esc(alt or "画像"))
    return _void("img", {"class": "bk-el bk-el-image", "src": src, "alt": alt, "loading": "lazy"})


_ELEMENTS: dict[str, ElementRenderer] = {
    "button": _button,
    "overflow": _overflow,
    **dict.fromkeys(_INPUT_TYPES, _text_input),
    "static_select": _static_select,
    "multi_static_select": _static_select,
    "external_select": _external_select,
    "multi_external_select": _external_select,
    "users_select": _users_select,
    "multi_users_select": _users_select,
    "conversations_select": _conversation,
    "channels_select": _conversation,
    "radio_buttons": _choices,
    "checkboxes": _choices,
    "datepicker": _datepicker,
    "timepicker": _timepicker,
    "datetimepicker": _datetimepicker,
    "image": _image_element,
}


def _element(
    el: Json, ctx: _Ctx, *, block_id: str, dispatch: bool, label: str | None = None, required: bool = False
) -> str:
    """An element with the attributes blockkit.js reads: its type, ids and whether it fires at once."""
    type_ = el.get("type")
    renderer = _ELEMENTS.get(str(type_))
    if renderer is None:
        return _unknown("要素", type_)
    base = {
        "class": f"bk-el bk-el-{type_}",
        "data-type": type_,
        "data-action-id": el.get("action_id") or type_,
        "name": f"{block_id}/{el.get('action_id') or type_}",
        "data-dispatch": dispatch,
        "aria-label": label,
        "required": required,
    }
    return renderer(el, ctx, base)


# -- rich text --------------------------------------------------------------------------------

_RICH_STYLES = (("code", "code"), ("strike", "del"), ("italic", "em"), ("bold", "strong"))


def _rich_inline(item: Json, ctx: _Ctx) -> str:
    kind = item.get("type")
    if kind == "text":
        html = _esc(item.get("text", ""))
    elif kind == "link":
        html = _link(str(item.get("url", "")), _esc(item.get("text") or item.get("url", "")))
    elif kind == "user":
        html = _mention(f"@{ctx.names.get(item.get('user_id', '')) or item.get('user_id', '')}")
    elif kind == "usergroup":
        html = _mention(f"@{item.get('usergroup_id', '')}")
    elif kind == "channel":
        html = _mention(f"#{item.get('channel_id', '')}")
    elif kind == "broadcast":
        html = _mention(f"@{item.get('range', '')}")
    elif kind == "emoji":
        html = _esc(_emoji(item))
    elif kind == "date":
        html = _tag("time", {"class": "bk-date"}, _esc(item.get("fallback") or item.get("timestamp", "")))
    elif kind == "color":
        html = _tag("span", {"class": "bk-color"}, _esc(item.get("value", "")))
    else:
        return _unknown("要素", kind)
    return _styled(html, item.get("style") or {})


def _styled(html: str, style: Json) -> str:
    for key, tag in _RICH_STYLES:
        if style.get(key):
            html = f"<{tag}>{html}</{tag}>"
    return html


def _emoji(item: Json) -> str:
    try:
        return "".join(chr(int(code, 16)) for code in str(item["unicode"]).split("-"))
    except (KeyError, ValueError):
        return f":{item.get('name', '')}:"


def _inlines(part: Json, ctx: _Ctx) -> str:
    return "".join(_rich_inline(item, ctx) for item in part.get("elements", []))


def _rich_part(part: Json, ctx: _Ctx) -> str:
    kind = part.get("type")
    if kind == "rich_text_section":
        return _tag("div", {"class": "bk-rich-section"}, _inlines(part, ctx))
    if kind == "rich_text_quote":
        return _tag("blockquote", {"class": "bk-quote bk-rich-section"}, _inlines(part, ctx))
    if kind == "rich_text_preformatted":
        return _tag("pre", {"class": "bk-pre"}, _inlines(part, ctx))
    if kind == "rich_text_list":
        tag = "ol" if part.get("style") == "ordered" else "ul"
        items = "".join(_tag("li", {}, _inlines(section, ctx)) for section in part.get("elements", []))
        indent = int(part.get("indent") or 0)
        return _tag(
            tag, {"class": "bk-rich-list", "style": f"margin-left: {1.5 * indent}em" if indent else None}, items
        )
    return _unknown("要素", kind)


# -- blocks -----------------------------------------------------------------------------------

BlockRenderer = Callable[[Json, _Ctx, str], str]


def _header(block: Json, ctx: _Ctx, block_id: str) -> str:
    return _tag("h2", {"class": "bk-header"}, _esc(_plain(block.get("text"))))


def _section(block: Json, ctx: _Ctx, block_id: str) -> str:
    body = _tag("div", {"class": "bk-text"}, _text(block.get("text"), ctx)) if block.get("text") else ""
    if fields := block.get("fields"):
        body += _tag(
            "div", {"class": "bk-fields"}, "".join(_tag("div", {"class": "bk-field"}, _text(f, ctx)) for f in fields)
        )
    main = _tag("div", {"class": "bk-section-main"}, body)
    accessory = block.get("accessory")
    if not accessory:
        return main
    element = _element(accessory, ctx, block_id=block_id, dispatch=True)
    return main + _tag("div", {"class": "bk-accessory"}, element)


def _divider(block: Json, ctx: _Ctx, block_id: str) -> str:
    return '<hr class="bk-divider">'


def _context(block: Json, ctx: _Ctx, block_id: str) -> str:
    parts = []
    for el in block.get("elements", []):
        if el.get("type") in ("mrkdwn", "plain_text"):
            parts.append(_tag("span", {"class": "bk-context-text"}, _text(el, ctx)))
        else:
            parts.append(_element(el, ctx, block_id=block_id, dispatch=False))
    return "".join(parts)


def _actions(block: Json, ctx: _Ctx, block_id: str) -> str:
    return "".join(_element(el, ctx, block_id=block_id, dispatch=True) for el in block.get("elements", []))


def _input(block: Json, ctx: _Ctx, block_id: str) -> str:
    label = _plain(block.get("label"))
    optional = bool(block.get("optional"))
    mark = _tag("span", {"class": "bk-optional"}, OPTIONAL) if optional else ""
    html = _tag("div", {"class": "bk-label"}, _esc(label) + mark)
    dispatch = bool(block.get("dispatch_action"))
    element = block.get("element") or {}
    html += _element(element, ctx, block_id=block_id, dispatch=dispatch, label=label, required=not optional)
    if block_id in ctx.errors:
        html += _tag("div", {"class": "bk-error", "role": "alert"}, _esc(ctx.errors[block_id]))
    if block.get("hint"):
        html += _tag("div", {"class": "bk-hint"}, _text(block["hint"], ctx))
    return html


def _image(block: Json, ctx: _Ctx, block_id: str) -> str:
    picture = _image_element(block, ctx, {})
    title = _tag("figcaption", {"class": "bk-image-title"}, _esc(_plain(block["title"]))) if block.get("title") else ""
    return _tag("figure", {"class": "bk-figure"}, title + picture)


def _rich_text(block: Json, ctx: _Ctx, block_id: str) -> str:
    return "".join(_rich_part(part, ctx) for part in block.get("elements", []))


def _file(block: Json, ctx: _Ctx, block_id: str) -> str:
    return _tag("div", {"class": "bk-file"}, _esc(f"📎 ファイル {block.get('external_id', '')}"))


def _video(block: Json, ctx: _Ctx, block_id: str) -> str:
    title = _esc(f"▶ {_plain(block.get('title')) or block.get('alt_text', '動画')}")
    html = _link(str(block.get("title_url") or block.get("video_url") or ""), title)
    if block.get("description"):
        html += _tag("div", {"class": "bk-video-description"}, _text(block["description"], ctx))
    return _tag("div", {"class": "bk-video-title"}, html)


_BLOCKS: dict[str, BlockRenderer] = {
    "header": _header,
    "section": _section,
    "divider": _divider,
    "context": _context,
    "actions": _actions,
    "input": _input,
    "image": _image,
    "rich_text": _rich_text,
    "file": _file,
    "video": _video,
}


def _block(block: Json, ctx: _Ctx, index: int) -> str:
    type_ = block.get("type")
    renderer = _BLOCKS.get(str(type_))
    if renderer is None:
        return _unknown("ブロック", type_)
    # Slack invents a block_id when the bot sends none; the position is a stable stand-in.
    block_id = str(block.get("block_id") or f"b{index}")
    attrs = {"class": f"bk-block bk-block-{type_}", "data-block-id": block_id, "data-type": type_}
    if block_id in ctx.errors:
        attrs["class"] += " bk-block--error"
    return _tag("div", attrs, renderer(block, ctx, block_id))


def _blocks(blocks: Iterable[Json], ctx: _Ctx) -> str:
    return "".join(_block(block, ctx, index) for index, block in enumerate(blocks))


# -- public API -------------------------------------------------------------------------------


def render_blocks(blocks: list[Json], *, names: Mapping[str, str]) -> str:
    return _blocks(blocks, _Ctx(names))


def render_message(message: Json, *, names: Mapping[str, str]) -> str:
    """A message as Slack stores it: its blocks, or the mrkdwn ``text`` when it has none."""
    if message.get("blocks"):
        body = render_blocks(message["blocks"], names=names)
    else:
        body = _tag("div", {"class": "bk-text"}, mrkdwn_to_html(str(message.get("text", "")), names=names))
    return _tag("div", {"class": "bk-message"}, body)


def render_view(view: Json, *, names: Mapping[str, str], errors: Mapping[str, str] | None = None) -> str:
    """A modal (title, blocks, buttons) or a home tab, as a <form> so radio groups stay per view."""
    ctx = _Ctx(names, errors or {})
    type_ = view.get("type", "modal")
    attrs = {
        "class": f"bk-view bk-view-{type_}",
        "data-view-id": view.get("id"),
        "data-view-type": type_,
        "data-callback-id": view.get("callback_id"),
        "data-external-id": view.get("external_id"),
        "data-private-metadata": view.get("private_metadata"),
        "novalidate": True,
    }
    body = _stray_errors(view.get("blocks", []), ctx) + _blocks(view.get("blocks", []), ctx)
    if type_ == "home":
        return _tag("form", attrs, _tag("div", {"class": "bk-view-body"}, body))
    title = _tag("h1", {"class": "bk-view-title"}, _esc(_plain(view.get("title"))))
    return _tag("form", attrs, title + _tag("div", {"class": "bk-view-body"}, body) + _footer(view))


def _footer(view: Json) -> str:
    close = _esc(_plain(view.get("close")) or CLOSE_DEFAULT)
    html = _tag(
        "button", {"type": "button", "class": "bk-button bk-button--default", "data-view-action": "close"}, close
    )
    if view.get("submit"):
        submit = {"type": "button", "class": "bk-button bk-button--primary", "data-view-action": "submit"}
        html += _tag("button", submit, _esc(_plain(view["submit"])))
    return _tag("div", {"class": "bk-view-footer"}, html)


def _stray_errors(blocks: list[Json], ctx: _Ctx) -> str:
    """Errors for block_ids the view lacks: Slack rejects those, so show them rather than lose them."""
    known = {b.get("block_id") for b in blocks if b.get("type") == "input"}
    stray = [f"{block_id}: {message}" for block_id, message in ctx.errors.items() if block_id not in known]
    return "".join(_tag("div", {"class": "bk-error", "role": "alert"}, _esc(line)) for line in stray)
