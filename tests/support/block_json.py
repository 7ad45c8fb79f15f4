"""Block Kit JSON in a line: the pieces the tests of the stand-in's rules build payloads from."""

from __future__ import annotations

from typing import Any

from playground.slack_rules import Refusal, check_message

Json = dict[str, Any]


def plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "本文") -> Json:
    return {"type": "section", "text": mrkdwn(text)}


def button(action_id: str = "b", **fields: Any) -> Json:
    return {"type": "button", "action_id": action_id, "text": plain("受領"), **fields}


def actions(*elements: Json) -> Json:
    return {"type": "actions", "block_id": "act", "elements": list(elements)}


def option(text: str = "選択肢", value: str = "v") -> Json:
    return {"text": plain(text), "value": value}


def options(count: int) -> list[Json]:
    return [option(f"選択肢{i}", f"v{i}") for i in range(count)]


def text_input(**fields: Any) -> Json:
    return {"type": "plain_text_input", "action_id": "t", **fields}


def field(element: Json, **fields: Any) -> Json:
    return {"type": "input", "block_id": "in", "label": plain("概要"), "element": element, **fields}


def modal(*blocks: Json, **fields: Any) -> Json:
    return {"type": "modal", "title": plain("報告"), "submit": plain("送信"), "blocks": list(blocks), **fields}


def message_error(blocks: list[Json], method: str = "chat.postMessage") -> Refusal | None:
    return check_message({"channel": "C1", "text": "fallback", "blocks": blocks}, method=method)
