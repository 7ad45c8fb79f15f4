"""Slack's limits on what a message or a view may hold (``LIMITS``, each with its source), the walker
that checks values against them by json-pointer, and the refusal Slack answers with: the primitives of
playground/slack_rules.py (see there for the sources' abbreviations)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Json = Mapping[str, Any]


@dataclass(frozen=True)
class Limit:
    low: int
    high: int
    source: str


# What each limit bounds: a string's characters or a list's items (``view.json``: UTF-8 bytes).
LIMITS: dict[str, Limit] = {
    # messages and views
    "message.blocks": Limit(0, 50, "api chat.postMessage `blocks`; BK blocks: up to 50 in a message"),
    "message.text": Limit(0, 40_000, "api chat.postMessage `text`: truncated/refused above 40,000 (msg_too_long)"),
    "chat.update.text": Limit(0, 4_000, "api chat.update `text` (msg_too_long)"),
    "message.block_text": Limit(0, 10_000, "observed msg_blocks_too_long near 11,600 characters (issue 11)"),
    "view.blocks": Limit(0, 100, "py views ModalView blocks_max_length; BK views: up to 100 blocks"),
    "view.json": Limit(0, 250_000, "BK views reference: a view's JSON up to 250 kB"),
    "modal.title": Limit(1, 24, "py views title_max_length; node views.ts"),
    "modal.submit": Limit(1, 24, "py views submit_max_length"),
    "modal.close": Limit(1, 24, "py views close_max_length"),
    "view.private_metadata": Limit(0, 3_000, "py views private_metadata_max_length"),
    "view.callback_id": Limit(0, 255, "py views callback_id_max_length"),
    "view.external_id": Limit(0, 255, "BK views reference `external_id`"),
    # ids
    "block_id": Limit(1, 255, "py blocks Block.block_id_max_length; node blocks.ts Block.block_id"),
    "action_id": Limit(1, 255, "py block_elements action_id_max_length; node Actionable.action_id"),
    # text objects
    "text": Limit(1, 3_000, "node composition-objects.ts PlainTextElement/MrkdwnElement: 1 to 3000"),
    # blocks
    "section.text": Limit(1, 3_000, "py blocks SectionBlock.text_max_length; node SectionBlock.text"),
    "section.fields": Limit(1, 10, "py blocks SectionBlock.fields_max_length"),
    "section.field": Limit(1, 2_000, "node blocks.ts SectionBlock.fields: 2000 each"),
    "header.text": Limit(1, 150, "py blocks HeaderBlock.text_max_length"),
    "context.elements": Limit(1, 10, "py blocks ContextBlock.elements_max_length; node ContextBlock"),
    "actions.elements": Limit(1, 25, "py blocks ActionsBlock.elements_max_length; node ActionsBlock"),
    "input.label": Limit(1, 2_000, "py blocks InputBlock.label_max_length"),
    "input.hint": Limit(1, 2_000, "py blocks InputBlock.hint_max_length"),
    "image.image_url": Limit(1, 3_000, "py blocks ImageBlock.image_url_max_length"),
    "image.alt_text": Limit(1, 2_000, "py blocks ImageBlock.alt_text_max_length"),
    "image.title": Limit(1, 2_000, "py blocks ImageBlock.title_max_length"),
    "markdown.text": Limit(1, 12_000, "py blocks MarkdownBlock.text_max_length; node MarkdownBlock"),
    # elements
    "button.text": Limit(1, 75, "py block_elements ButtonElement.text_max_length; node Button.text"),
    "button.value": Limit(0, 2_000, "py block_elements ButtonElement.value_max_length"),
    "button.url": Limit(1, 3_000, "py block_elements ButtonElement.url_max_length"),
    "button.accessibility_label": Limit(1, 75, "node Button.accessibility_label"),
    "placeholder": Limit(1, 150, "py block_elements placeholder_max_length"),
    "select.options": Limit(1, 100, "py block_elements StaticSelectElement.options_max_length"),
    "select.option_groups": Limit(1, 100, "py block_elements option_groups_max_length"),
    "option_group.label": Limit(1, 75, "py basic_components OptionGroup.label_max_length"),
    "option_group.options": Limit(1, 100, "py basic_components OptionGroup.options_max_length"),
    "checkboxes.options": Limit(1, 10, "node Checkboxes.options: a maximum of 10"),
    "radio_buttons.options": Limit(1, 10, "node RadioButtons.options: a maximum of 10"),
    "overflow.options": Limit(1, 5, "py block_elements OverflowMenuElement options 1 to 5"),
    "option.text": Limit(1, 75, "py basic_components Option.label_max_length"),
    "option.value": Limit(0, 150, "py basic_components Option.value_max_length; BK option object"),
    "option.description": Limit(1, 75, "node composition-objects.ts OptionDescriptor.description"),
    "option.url": Limit(1, 3_000, "node composition-objects.ts OptionDescriptor.url"),
    "plain_text_input.max_length": Limit(1, 3_000, "BK plain-text input: max_length at most 3000"),
    "plain_text_input.min_length": Limit(0, 3_000, "node PlainTextInput.min_length: maximum 3000"),
    "confirm.title": Limit(1, 100, "py basic_components ConfirmObject.title_max_length"),
    "confirm.text": Limit(1, 300, "py basic_components ConfirmObject.text_max_length"),
    "confirm.confirm": Limit(1, 30, "py basic_components ConfirmObject.confirm_max_length"),
    "confirm.deny": Limit(1, 30, "py basic_components ConfirmObject.deny_max_length"),
}


@dataclass(frozen=True)
class Refusal:
    """Slack's refusal of a call: its error code and the problems, each ending in a json-pointer."""

    error: str
    messages: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        """Slack's answer: views list ``[ERROR]`` lines in response_metadata; messages also in ``errors``."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages and self.error in ("invalid_blocks", "invalid_arguments"):
            if self.error == "invalid_blocks":
                body["errors"] = list(self.messages)
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


class Walk:
    """Collects problems while walking one payload; every check names its place by json-pointer."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{message} [json-pointer:{path}]")

    def length(self, value: Any, path: str, rule: str) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return
        limit = LIMITS[rule]
        if len(value) > limit.high:
            self.fail(path, f"must be less than {limit.high + 1} characters")
        elif len(value) < limit.low:
            self.fail(path, f"must be more than {limit.low - 1} characters")

    def items(self, value: Any, path: str, rule: str) -> list[Any]:
        """The list at ``path`` (checked against its count limit), or [] when it is not a list."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be an array")
            return []
        limit = LIMITS[rule]
        if len(value) > limit.high:
            self.fail(path, f"no more than {limit.high} items allowed")
        elif len(value) < limit.low:
            self.fail(path, f"must provide at least {limit.low} items")
        return value

    def text(self, obj: Any, path: str, rule: str = "text", *, plain: bool = False, required: bool = False) -> None:
        """A text object: plain_text (or mrkdwn where Slack allows it), its text within ``rule``."""
        if obj is None:
            if required:
                self.fail(path, "missing required field: text")
            return
        if not isinstance(obj, Mapping):
            self.fail(path, "must be an object")
            return
        allowed = ("plain_text",) if plain else ("plain_text", "mrkdwn")
        if obj.get("type") not in allowed:
            self.fail(f"{path}/type", "must be a valid enum value")
        if "text" not in obj:
            self.fail(path, "missing required field: text")
        self.length(obj.get("text"), f"{path}/text", rule)

    def unique(self, values: Iterable[tuple[str, Any]], what: str, where: str) -> None:
        """``what`` (block_id, action_id) appears once among ``values`` (path, id) pairs."""
        seen: set[Any] = set()
        for path, value in values:
            if value is None:
                continue
            if value in seen:
                self.fail(path, f"{what} must be unique within {where}")
            seen.add(value)
