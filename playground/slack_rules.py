"""Slack's rules for what a message or a view may hold, as the Slack stand-in enforces them.

One table of limits (``LIMITS`` in playground/slack_limits.py, each with its source) and small walkers
that check a payload as Slack's API receives it: plain dicts, no slack_sdk objects. ``check_message`` and ``check_view``
answer ``None`` for a payload Slack accepts, else a ``Refusal`` whose messages are in Slack's own
form (``must be less than 76 characters [json-pointer:/blocks/3/elements/1/text/text]``) and whose
``body()`` is Slack's answer to the call.

Sources: "BK" is Slack's Block Kit reference (docs.slack.dev/reference/block-kit/...); "py" is
python-slack-sdk's ``slack_sdk/models`` (the ``*_max_length`` attributes), "node" is node-slack-sdk's
``packages/types/src/block-kit/*.ts`` (doc comments), "api" the Web API method's reference page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from playground.slack_limits import LIMITS, Json, Refusal, Walk

MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage", "response_url"}
)
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")  # py DatePickerElement
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")  # BK time picker: HH:mm


# ----- elements


def _interactive(walk: Walk, element: Json, path: str) -> None:
    walk.length(element.get("action_id"), f"{path}/action_id", "action_id")
    walk.text(element.get("placeholder"), f"{path}/placeholder", "placeholder", plain=True)
    if (confirm := element.get("confirm")) is not None:
        _confirm(walk, confirm, f"{path}/confirm")


def _confirm(walk: Walk, confirm: Json, path: str) -> None:
    walk.text(confirm.get("title"), f"{path}/title", "confirm.title", plain=True, required=True)
    walk.text(confirm.get("text"), f"{path}/text", "confirm.text", required=True)
    walk.text(confirm.get("confirm"), f"{path}/confirm", "confirm.confirm", plain=True, required=True)
    walk.text(confirm.get("deny"), f"{path}/deny", "confirm.deny", plain=True, required=True)


def _option(walk: Walk, option: Any, path: str, *, plain: bool) -> None:
    if not isinstance(option, Mapping):
        walk.fail(path, "must be an object")
        return
    walk.text(option.get("text"), f"{path}/text", "option.text", plain=plain, required=True)
    walk.length(option.get("value"), f"{path}/value", "option.value")
    walk.text(option.get("description"), f"{path}/description", "option.description", plain=plain)
    walk.length(option.get("url"), f"{path}/url", "option.url")


def _option_key(option: Any) -> tuple[Any, Any]:
    """How Slack matches an initial option to an option: its value and its text."""
    if not isinstance(option, Mapping):
        return (None, option)
    text = option.get("text")
    return option.get("value"), text.get("text") if isinstance(text, Mapping) else text


def _options(walk: Walk, element: Json, path: str, rule: str, *, plain: bool) -> None:
    """Options (or option groups), and initial option(s) that are among them."""
    options = walk.items(element.get("options"), f"{path}/options", rule) if "options" in element else []
    for i, option in enumerate(options):
        _option(walk, option, f"{path}/options/{i}", plain=plain)
    groups = walk.items(element.get("option_groups"), f"{path}/option_groups", "select.option_groups")
    for g, group in enumerate(groups):
        if not _is_map(group):
            continue
        walk.text(group.get("label"), f"{path}/option_groups/{g}/label", "option_group.label", plain=True)
        grouped = walk.items(group.get("options"), f"{path}/option_groups/{g}/options", "option_group.options")
        for i, option in enumerate(grouped):
            _option(walk, option, f"{path}/option_groups/{g}/options/{i}", plain=plain)
        options = [*options, *grouped]
    if "options" not in element and "option_groups" not in element:
        walk.fail(path, "missing required field: options")
    known = {_option_key(o) for o in options}
    initial = [("initial_option", element["initial_option"])] if element.get("initial_option") else []
    initial += [(f"initial_options/{i}", o) for i, o in enumerate(element.get("initial_options") or [])]
    for where, option in initial:
        if _option_key(option) not in known:
            walk.fail(f"{path}/{where}", "must match one of the provided options")


def _button(walk: Walk, element: Json, path: str) -> None:
    walk.text(element.get("text"), f"{path}/text", "button.text", plain=True, required=True)
    walk.length(element.get("value"), f"{path}/value", "button.value")
    walk.length(element.get("url"), f"{path}/url", "button.url")
    walk.length(element.get("accessibility_label"), f"{path}/accessibility_label", "button.accessibility_label")
    if element.get("style") not in (None, "primary", "danger"):
        walk.fail(f"{path}/style", "must be a valid enum value")


def _plain_text_input(walk: Walk, element: Json, path: str) -> None:
    high = element.get("max_length", LIMITS["plain_text_input.max_length"].high)
    low = element.get("min_length", 0)
    for key, bound in (("max_length", high), ("min_length", low)):
        rule = LIMITS[f"plain_text_input.{key}"]
        if not isinstance(bound, int) or not rule.low <= bound <= rule.high:
            walk.fail(f"{path}/{key}", f"must be between {rule.low} and {rule.high}")
            return
    if low > high:
        walk.fail(f"{path}/min_length", "must be less than or equal to max_length")
    value = element.get("initial_value")
    if isinstance(value, str) and not low <= len(value) <= high:
        walk.fail(f"{path}/initial_value", f"must be between {low} and {high} characters")


def _datepicker(walk: Walk, element: Json, path: str) -> None:
    if (value := element.get("initial_date")) is not None and not _DATE.fullmatch(str(value)):
        walk.fail(f"{path}/initial_date", "must match format YYYY-MM-DD")


def _timepicker(walk: Walk, element: Json, path: str) -> None:
    if (value := element.get("initial_time")) is not None and not _TIME.fullmatch(str(value)):
        walk.fail(f"{path}/initial_time", "must match format HH:mm")


def _image_element(walk: Walk, element: Json, path: str) -> None:
    walk.length(element.get("image_url"), f"{path}/image_url", "image.image_url")
    walk.length(element.get("alt_text"), f"{path}/alt_text", "image.alt_text")


def _nothing_more(walk: Walk, element: Json, path: str) -> None:
    """Elements whose only limits are the common ones (action_id, placeholder, confirm)."""


def _select(rule: str, *, plain: bool = True) -> Callable[[Walk, Json, str], None]:
    return lambda walk, element, path: _options(walk, element, path, rule, plain=plain)


_ELEMENTS: dict[str, Callable[[Walk, Json, str], None]] = {
    "button": _button,
    "static_select": _select("select.options"),
    "multi_static_select": _select("select.options"),
    "overflow": _select("overflow.options"),
    "checkboxes": _select("checkboxes.options", plain=False),
    "radio_buttons": _select("radio_buttons.options", plain=False),
    "plain_text_input": _plain_text_input,
    "datepicker": _datepicker,
    "timepicker": _timepicker,
    "image": _image_element,
    **dict.fromkeys(
        (
            "external_select",
            "multi_external_select",
            "users_select",
            "multi_users_select",
            "conversations_select",
            "multi_conversations_select",
            "channels_select",
            "multi_channels_select",
            "datetimepicker",
            "email_text_input",
            "url_text_input",
            "number_input",
            "rich_text_input",
            "file_input",
            "workflow_button",
        ),
        _nothing_more,
    ),
}


def _element(walk: Walk, element: Any, path: str) -> None:
    if not isinstance(element, Mapping):
        walk.fail(path, "must be an object")
        return
    check = _ELEMENTS.get(element.get("type", ""))
    if check is None:
        walk.fail(f"{path}/type", f"unsupported type: {element.get('type')}")
        return
    if element["type"] != "image":
        _interactive(walk, element, path)
    check(walk, element, path)


# ----- blocks


def _section(walk: Walk, block: Json, path: str) -> None:
    if "text" not in block and "fields" not in block:
        walk.fail(path, "must provide either text or fields")
    walk.text(block.get("text"), f"{path}/text", "section.text")
    for i, field in enumerate(walk.items(block.get("fields"), f"{path}/fields", "section.fields")):
        walk.text(field, f"{path}/fields/{i}", "section.field")
    if (accessory := block.get("accessory")) is not None:
        _element(walk, accessory, f"{path}/accessory")


def _header(walk: Walk, block: Json, path: str) -> None:
    walk.text(block.get("text"), f"{path}/text", "header.text", plain=True, required=True)


def _context(walk: Walk, block: Json, path: str) -> None:
    for i, element in enumerate(walk.items(block.get("elements", []), f"{path}/elements", "context.elements")):
        if isinstance(element, Mapping) and element.get("type") == "image":
            _image_element(walk, element, f"{path}/elements/{i}")
        else:
            walk.text(element, f"{path}/elements/{i}")


def _actions(walk: Walk, block: Json, path: str) -> None:
    elements = walk.items(block.get("elements", []), f"{path}/elements", "actions.elements")
    for i, element in enumerate(elements):
        _element(walk, element, f"{path}/elements/{i}")
    ids = [(f"{path}/elements/{i}/action_id", e.get("action_id")) for i, e in enumerate(elements) if _is_map(e)]
    walk.unique(ids, "action_id", "a block")


def _input(walk: Walk, block: Json, path: str) -> None:
    walk.text(block.get("label"), f"{path}/label", "input.label", plain=True, required=True)
    walk.text(block.get("hint"), f"{path}/hint", "input.hint", plain=True)
    if "element" not in block:
        walk.fail(path, "missing required field: element")
    else:
        _element(walk, block["element"], f"{path}/element")


def _image(walk: Walk, block: Json, path: str) -> None:
    _image_element(walk, block, path)
    walk.text(block.get("title"), f"{path}/title", "image.title", plain=True)


def _markdown(walk: Walk, block: Json, path: str) -> None:
    walk.length(block.get("text"), f"{path}/text", "markdown.text")


def _as_is(walk: Walk, block: Json, path: str) -> None:
    """rich_text and the like: Slack's own editor output, accepted as sent."""


_BLOCKS: dict[str, Callable[[Walk, Json, str], None]] = {
    "section": _section,
    "header": _header,
    "context": _context,
    "actions": _actions,
    "input": _input,
    "image": _image,
    "markdown": _markdown,
    "divider": _as_is,
    "rich_text": _as_is,
    "file": _as_is,
    "video": _as_is,
}


def _is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


def _blocks(walk: Walk, blocks: list[Any], path: str, where: str) -> None:
    for i, block in enumerate(blocks):
        here = f"{path}/{i}"
        if not _is_map(block):
            walk.fail(here, "must be an object")
            continue
        check = _BLOCKS.get(block.get("type", ""))
        if check is None:
            walk.fail(f"{here}/type", f"unsupported type: {block.get('type')}")
            continue
        walk.length(block.get("block_id"), f"{here}/block_id", "block_id")
        check(walk, block, here)
    ids = [(f"{path}/{i}/block_id", b.get("block_id")) for i, b in enumerate(blocks) if _is_map(b)]
    walk.unique(ids, "block_id", where)


def _text_objects(value: Any) -> Iterable[str]:
    """The text of every text object under ``value`` (what Slack counts as a message's block text)."""
    if isinstance(value, Mapping):
        if value.get("type") in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
            yield value["text"]
        for child in value.values():
            yield from _text_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _text_objects(child)


# ----- messages and views


def _decoded(value: Any) -> Any:
    """Blocks as a list: form-encoded calls may still carry them as a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _message_blocks(walk: Walk, blocks: Any, path: str) -> bool:
    """Checks one message's blocks; False when they are not even a list (invalid_blocks_format)."""
    if blocks is None:
        return True
    if not isinstance(blocks, list):
        return False
    walk.items(blocks, path, "message.blocks")
    _blocks(walk, blocks, path, "a message")
    return True


def check_message(args: Mapping[str, Any], *, method: str) -> Refusal | None:
    """Slack's refusal of a chat.* call (or response_url post) with ``args``, or None when it is accepted."""
    blocks = _decoded(args.get("blocks"))
    attachments = _decoded(args.get("attachments"))
    walk = Walk()
    if not _message_blocks(walk, blocks, "/blocks"):
        return Refusal("invalid_blocks_format")
    for a, attachment in enumerate(attachments if isinstance(attachments, list) else []):
        blocks_of = _decoded(attachment.get("blocks")) if _is_map(attachment) else None
        if not _message_blocks(walk, blocks_of, f"/attachments/{a}/blocks"):
            return Refusal("invalid_attachments")
    if walk.problems:
        return Refusal("invalid_blocks", tuple(walk.problems))
    if sum(len(t) for t in _text_objects([blocks, attachments])) > LIMITS["message.block_text"].high:
        return Refusal("msg_blocks_too_long")
    text = args.get("text")
    rule = "chat.update.text" if method == "chat.update" else "message.text"
    if isinstance(text, str) and len(text) > LIMITS[rule].high:
        return Refusal("msg_too_long", (f"must be less than {LIMITS[rule].high + 1} characters [json-pointer:/text]",))
    if method != "response_url" and not (text or blocks or attachments):
        return Refusal("no_text")
    return None


def check_view(view: Mapping[str, Any]) -> Refusal | None:
    """Slack's refusal of a views.* call (or a response_action view) with ``view``, or None when accepted."""
    if not _is_map(view):
        return Refusal("invalid_arguments", ("must be an object [json-pointer:/view]",))
    walk = Walk()
    kind = view.get("type")
    if kind not in ("modal", "home"):
        walk.fail("/view/type", "must be a valid enum value")
    if kind == "modal":
        walk.text(view.get("title"), "/view/title", "modal.title", plain=True, required=True)
        walk.text(view.get("submit"), "/view/submit", "modal.submit", plain=True)
        walk.text(view.get("close"), "/view/close", "modal.close", plain=True)
    for key in ("private_metadata", "callback_id", "external_id"):
        if view.get(key):
            walk.length(view[key], f"/view/{key}", f"view.{key}")
    blocks = walk.items(_decoded(view.get("blocks", [])), "/view/blocks", "view.blocks")
    _blocks(walk, blocks, "/view/blocks", "a view")
    if kind == "modal" and not view.get("submit"):
        for i, block in enumerate(blocks):
            if _is_map(block) and block.get("type") == "input":
                walk.fail(f"/view/blocks/{i}", "must define `submit` to use an `input` block in modals")
    size = len(json.dumps(view, ensure_ascii=False).encode())
    if size > LIMITS["view.json"].high:
        walk.fail("/view", f"must be no larger than {LIMITS['view.json'].high} bytes")
    return Refusal("invalid_arguments", tuple(walk.problems)) if walk.problems else None


def input_block_ids(view: Mapping[str, Any]) -> set[str]:
    """The block_ids a view_submission's ``response_action: errors`` may name: the view's input blocks."""
    blocks = _decoded(view.get("blocks")) or []
    return {b["block_id"] for b in blocks if _is_map(b) and b.get("type") == "input" and "block_id" in b}
